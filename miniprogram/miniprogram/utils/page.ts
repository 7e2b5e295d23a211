// The officer decision page's boilerplate, once: load the object by id into the state-view
// (loading → ok, or the error with the API's Chinese message and a retry), and decide with the
// version seen under one Idempotency-Key per user action (a double tap is one request, a retry
// after a timeout reuses the key, a 409 shows what the object is now).
import * as api from './api'
import { ensureLogin } from './auth'

/** What the helpers use of a page (any Component instance): its data and setData. */
export interface PageLike {
  data: Record<string, any>
  setData(data: Record<string, any>): void
}

export interface LoadOptions {
  /** true: keep what the page shows while it loads again (no skeleton) */
  quiet?: boolean
  /** true: a refusal (403, 404) shows as the state-view's 'empty' with the API's message and
   * no retry button — trying again will not help */
  refusal?: boolean
  /** the state-view's 'empty' text when the answer has nothing to show ('' when it has) */
  empty?: (value: any) => string
}

function isRefusal(e: unknown): boolean {
  return e instanceof api.ApiError && (e.status === 403 || e.status === 404)
}

/** Log in, fetch, show. Any failure shows the state-view's error with the API's message.
 * `show` sets what the page shows; the status becomes 'ok' after it (or 'empty', see
 * `opts.empty`). false when it failed. */
export async function loadInto<T>(page: PageLike, fetch: () => Promise<T>, show: (value: T) => unknown, opts: LoadOptions = {}): Promise<boolean> {
  if (!opts.quiet) page.setData({ status: 'loading', message: '' })
  try {
    await ensureLogin()
    const value = await fetch()
    await show(value)
    const empty = opts.empty ? opts.empty(value) : ''
    page.setData(empty ? { status: 'empty', message: empty } : { status: 'ok' })
    return true
  } catch (e) {
    page.setData({ status: opts.refusal && isRefusal(e) ? 'empty' : 'error', message: api.errorMessage(e) })
    return false
  }
}

export interface Decision<T> {
  /** the page's `api.action()` for this decision (made once, in onLoad) */
  action: api.Action<T>
  /** the write, with `key` as its Idempotency-Key */
  send: (key: string) => Promise<T>
  /** data key that holds `busyValue` (default true) while the request runs: the button shows
   * 提交中…; a tap while it is set does nothing. It is '' or false again afterwards. */
  busy: string
  busyValue?: string | boolean
  /** data key of the error text shown near the buttons (cleared when the decision starts) */
  error: string
  /** show the answer */
  done: (result: T) => unknown
  /** a success toast */
  toast?: string
  /** after a 409 (someone decided first, a stale version): show what it is now */
  reload?: () => unknown
}

function isStale(e: unknown): boolean {
  return e instanceof api.ApiError && e.status === 409 && !String(e.code || '').startsWith('idempotency')
}

/** Run one decision: busy, the write, the answer shown and a toast, or the API's message. The
 * result, or undefined when it did not happen (already running, refused, no network). */
export async function runDecision<T>(page: PageLike, d: Decision<T>): Promise<T | undefined> {
  if (d.action.running || page.data[d.busy]) return undefined
  const busy = d.busyValue === undefined ? true : d.busyValue
  page.setData({ [d.busy]: busy, [d.error]: '' })
  try {
    const result = await d.action.run(d.send)
    await d.done(result)
    if (d.toast) wx.showToast({ title: d.toast, icon: 'success' })
    return result
  } catch (e) {
    page.setData({ [d.error]: api.errorMessage(e) })
    if (isStale(e)) {
      d.action.reset() // the next try carries the new version, so it needs a new key
      if (d.reload) {
        try {
          await d.reload()
        } catch (err) {
          // keep the message of the refused decision
        }
      }
    }
    return undefined
  } finally {
    page.setData({ [d.busy]: typeof busy === 'string' ? '' : false })
  }
}

/** wx.showModal as a promise: true when the person confirmed. */
export function confirm(title: string, content: string, confirmText = '确定', confirmColor?: string): Promise<boolean> {
  return new Promise((resolve) => {
    wx.showModal({
      title, content, confirmText, ...(confirmColor ? { confirmColor } : {}),
      success: (res) => resolve(!!res.confirm),
      fail: () => resolve(false),
    })
  })
}
