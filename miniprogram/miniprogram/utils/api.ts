// The ONE request layer every page uses: wx.request as a promise, the API's error envelope as
// ApiError (Chinese message), Idempotency-Key on every write, single-flight token refresh and a
// silent re-login, uploads, and a small GET cache for a weak signal.
import { apiUrl, REQUEST_TIMEOUT_MS } from './config'
import { getItem, removeItem, setItem } from './storage'

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
export type Query = Record<string, string | number | boolean | (string | number)[] | null | undefined>

export const NETWORK_MESSAGE = '网络不给力，请检查网络后重试'
export const TIMEOUT_MESSAGE = '网络不给力，请求超时，请稍后重试'

/** Every failure a page sees: `message` is Chinese and can be shown as is. */
export class ApiError extends Error {
  code: string
  status: number // HTTP status; 0 for a network failure or timeout
  details: Record<string, any>
  requestId?: string
  constructor(code: string, message: string, status = 0, details: Record<string, any> = {}, requestId?: string) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
    this.details = details || {}
    this.requestId = requestId
  }
  /** No answer from the server (offline, timeout): the write may or may not have happened. */
  get isNetwork(): boolean {
    return this.status === 0
  }
  /** Field errors of a 422: field name → messages. */
  get fields(): Record<string, string[]> {
    return (this.details && this.details.fields) || {}
  }
}

export interface RequestOptions {
  method?: Method
  query?: Query
  data?: unknown
  /** Sent on POST/PATCH/PUT/DELETE; generated when absent. Reuse it to retry the same action. */
  idempotencyKey?: string
  /** false: no Authorization header, no refresh/login on 401 (public endpoints work either way). */
  auth?: boolean
  timeout?: number
  header?: Record<string, string>
  /** 'arraybuffer' for binary answers (an image): the result is the ArrayBuffer */
  responseType?: 'text' | 'arraybuffer'
}

const ACCESS = 'gh.access_token'
const REFRESH = 'gh.refresh_token'
const USER = 'gh.user'
const CACHE_PREFIX = 'gh.cache:'

export function newIdempotencyKey(): string {
  // RFC 4122 v4 from Math.random (wx has no crypto.randomUUID); unique enough for 24 h keys
  const hex = '0123456789abcdef'
  let s = ''
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) s += '-'
    else if (i === 14) s += '4'
    else if (i === 19) s += hex[(Math.random() * 4) | 8]
    else s += hex[(Math.random() * 16) | 0]
  }
  return s
}

export function buildQuery(query?: Query): string {
  if (!query) return ''
  const parts: string[] = []
  Object.keys(query).forEach((k) => {
    const v = query[k]
    if (v === undefined || v === null || v === '') return
    if (Array.isArray(v)) {
      if (v.length) parts.push(encodeURIComponent(k) + '=' + v.map((x) => encodeURIComponent(String(x))).join(','))
    } else parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(v)))
  })
  return parts.length ? '?' + parts.join('&') : ''
}

// ---- tokens -----------------------------------------------------------------------------------
export interface TokenPair {
  access_token: string
  refresh_token: string
  expires_in: number
  user: Record<string, any>
}

export function saveTokens(pair: TokenPair): void {
  setItem(ACCESS, pair.access_token)
  setItem(REFRESH, pair.refresh_token)
  if (pair.user) setItem(USER, pair.user)
}

export function clearTokens(): void {
  removeItem(ACCESS)
  removeItem(REFRESH)
  removeItem(USER)
}

/** Forget every cached GET answer (logout, account cancellation: they may hold the user's data). */
export function clearCache(): void {
  let keys: string[] = []
  try {
    keys = wx.getStorageInfoSync().keys
  } catch (e) {
    return
  }
  keys.filter((k) => k.startsWith(CACHE_PREFIX)).forEach(removeItem)
}

export function accessToken(): string | null {
  return getItem<string>(ACCESS)
}

export function storedUser<T = Record<string, any>>(): T | null {
  return getItem<T>(USER)
}

// ---- raw call -----------------------------------------------------------------------------------
interface RawResult {
  statusCode: number
  data: any
  header: Record<string, string>
}

/** UTF-8 bytes → string (an error envelope answered to an arraybuffer request). */
function utf8(buf: ArrayBuffer): string {
  const b = new Uint8Array(buf)
  let s = ''
  for (let i = 0; i < b.length; ) {
    const c = b[i++]
    let cp = c
    if (c >= 0xf0) cp = ((c & 7) << 18) | ((b[i++] & 63) << 12) | ((b[i++] & 63) << 6) | (b[i++] & 63)
    else if (c >= 0xe0) cp = ((c & 15) << 12) | ((b[i++] & 63) << 6) | (b[i++] & 63)
    else if (c >= 0xc0) cp = ((c & 31) << 6) | (b[i++] & 63)
    s += String.fromCodePoint(cp)
  }
  return s
}

function envelopeError(res: RawResult): ApiError {
  let body = res.data
  if (Object.prototype.toString.call(body) === '[object ArrayBuffer]') body = utf8(body as ArrayBuffer)
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch (e) {
      body = null
    }
  }
  const err = body && body.error
  if (err && typeof err.code === 'string') {
    return new ApiError(err.code, err.message || '请求失败，请稍后重试', res.statusCode, err.details || {}, err.request_id)
  }
  if (res.statusCode >= 500) return new ApiError('server_error', '服务暂时不可用，请稍后重试', res.statusCode)
  return new ApiError('http_' + res.statusCode, '请求失败，请稍后重试', res.statusCode)
}

function networkError(errMsg: string): ApiError {
  const timeout = /timeout|超时/i.test(errMsg || '')
  return new ApiError(timeout ? 'timeout' : 'network', timeout ? TIMEOUT_MESSAGE : NETWORK_MESSAGE, 0, { errMsg })
}

function rawRequest(method: Method, url: string, data: unknown, header: Record<string, string>, timeout: number, responseType?: 'text' | 'arraybuffer'): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    wx.request({
      url,
      method: method as any,
      data: data === undefined ? undefined : (data as any),
      header,
      timeout,
      dataType: 'json',
      ...(responseType ? { responseType } : {}),
      success: (res) => resolve({ statusCode: res.statusCode, data: res.data, header: (res.header || {}) as any }),
      fail: (e) => reject(networkError(e && e.errMsg)),
    })
  })
}

function baseHeader(extra?: Record<string, string>): Record<string, string> {
  return Object.assign({ 'Accept-Language': 'zh-CN', 'content-type': 'application/json' }, extra || {})
}

// ---- single-flight refresh and silent login ----------------------------------------------------
let renewing: Promise<void> | null = null

async function loginWithWx(): Promise<void> {
  const code = await new Promise<string>((resolve, reject) =>
    wx.login({
      success: (r) => resolve(r.code),
      fail: (e) => reject(networkError(e && e.errMsg)),
    })
  )
  const res = await rawRequest('POST', apiUrl('/auth/wx-login'), { code }, baseHeader(), REQUEST_TIMEOUT_MS)
  if (res.statusCode !== 200) throw envelopeError(res)
  saveTokens(res.data as TokenPair)
}

async function refreshOrLogin(): Promise<void> {
  const refresh = getItem<string>(REFRESH)
  if (refresh) {
    const res = await rawRequest('POST', apiUrl('/auth/refresh'), undefined, baseHeader({ Authorization: 'Bearer ' + refresh }), REQUEST_TIMEOUT_MS)
    if (res.statusCode === 200) {
      saveTokens(res.data as TokenPair)
      return
    }
    if (res.statusCode !== 401) throw envelopeError(res)
  }
  clearTokens()
  await loginWithWx()
}

/** Renew the session once for everybody waiting: concurrent 401s share this promise. */
export function renewSession(kind: 'refresh' | 'login' = 'refresh'): Promise<void> {
  if (!renewing) {
    renewing = (kind === 'login' ? (clearTokens(), loginWithWx()) : refreshOrLogin()).finally(() => {
      renewing = null
    })
  }
  return renewing
}

/** After a 401 to a request sent with `sent`: renew the session, once for everybody — unless it
 * was renewed since that request left (its 401 arrived late), then the caller just retries. */
function renewAfter401(err: ApiError, sent: string | null): Promise<void> {
  if (sent !== accessToken()) return Promise.resolve()
  return renewSession(err.code === 'token_expired' && sent ? 'refresh' : 'login')
}

/** Log in (wx.login → /auth/wx-login) unless a session is stored. */
export async function ensureSession(): Promise<void> {
  if (renewing) await renewing
  if (!accessToken()) await renewSession('login')
}

// ---- public API --------------------------------------------------------------------------------
export async function request<T = any>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method || 'GET'
  const url = apiUrl(path) + buildQuery(opts.query)
  const useAuth = opts.auth !== false
  const write = method !== 'GET'
  const key = write ? opts.idempotencyKey || newIdempotencyKey() : undefined
  const timeout = opts.timeout || REQUEST_TIMEOUT_MS
  // a write always needs a user: log in first rather than spend a round trip on a 401
  if (write && useAuth && !accessToken()) await ensureSession()
  for (let attempt = 0; ; attempt++) {
    if (useAuth && renewing) await renewing.catch(() => undefined)
    const header = baseHeader(opts.header)
    const token = useAuth ? accessToken() : null
    if (token) header.Authorization = 'Bearer ' + token
    if (key) header['Idempotency-Key'] = key
    const res = await rawRequest(method, url, write ? opts.data : undefined, header, timeout, opts.responseType)
    if (res.statusCode >= 200 && res.statusCode < 300) return (res.statusCode === 204 ? null : res.data) as T
    const err = envelopeError(res)
    if (res.statusCode === 401 && useAuth && attempt === 0) {
      // expired → refresh (once for all callers); anything else, or a failed refresh → log in again
      await renewAfter401(err, token)
      continue
    }
    throw err
  }
}

export const get = <T = any>(path: string, query?: Query, opts: RequestOptions = {}) =>
  request<T>(path, Object.assign({}, opts, { method: 'GET' as Method, query }))
export const post = <T = any>(path: string, data?: unknown, opts: RequestOptions = {}) =>
  request<T>(path, Object.assign({}, opts, { method: 'POST' as Method, data }))
export const patch = <T = any>(path: string, data?: unknown, opts: RequestOptions = {}) =>
  request<T>(path, Object.assign({}, opts, { method: 'PATCH' as Method, data }))
export const del = <T = any>(path: string, opts: RequestOptions = {}) =>
  request<T>(path, Object.assign({}, opts, { method: 'DELETE' as Method }))

export interface Cached<T> {
  data: T
  stale: boolean // true: the request failed and this is the last good answer
  savedAt: number // ms since epoch of the answer
}

/** GET that remembers its last good answer under `cacheKey`; on a network failure it returns
 * that answer with `stale: true` (the page shows 网络不佳，显示上次结果). API errors still throw. */
export async function getCached<T = any>(path: string, query: Query | undefined, cacheKey: string, opts: RequestOptions = {}): Promise<Cached<T>> {
  try {
    const data = await get<T>(path, query, opts)
    const savedAt = Date.now()
    setItem(CACHE_PREFIX + cacheKey, { data, savedAt })
    return { data, stale: false, savedAt }
  } catch (e) {
    const hit = getItem<{ data: T; savedAt: number }>(CACHE_PREFIX + cacheKey)
    if (hit && e instanceof ApiError && e.isNetwork) return { data: hit.data, stale: true, savedAt: hit.savedAt }
    throw e
  }
}

export interface UploadOptions {
  name?: string // form field of the file, 'file' by default
  formData?: Record<string, string>
  idempotencyKey?: string
  timeout?: number
  /** upload progress, 0–100 (from the upload task's onProgressUpdate) */
  onProgress?: (percent: number) => void
}

/** wx.uploadFile (multipart POST) with the same auth, envelope errors and Idempotency-Key. */
export async function upload<T = any>(path: string, filePath: string, opts: UploadOptions = {}): Promise<T> {
  const key = opts.idempotencyKey || newIdempotencyKey()
  if (!accessToken()) await ensureSession()
  for (let attempt = 0; ; attempt++) {
    if (renewing) await renewing.catch(() => undefined)
    const header: Record<string, string> = { 'Accept-Language': 'zh-CN', 'Idempotency-Key': key }
    const token = accessToken()
    if (token) header.Authorization = 'Bearer ' + token
    const res = await new Promise<RawResult>((resolve, reject) => {
      const task = wx.uploadFile({
        url: apiUrl(path),
        filePath,
        name: opts.name || 'file',
        formData: opts.formData,
        header,
        timeout: opts.timeout || 60000,
        success: (r: any) => resolve({ statusCode: r.statusCode, data: r.data, header: {} }),
        fail: (e: any) => reject(networkError(e && e.errMsg)),
      } as any)
      const onProgress = opts.onProgress
      if (onProgress && task && typeof task.onProgressUpdate === 'function') task.onProgressUpdate((p) => onProgress(p.progress))
    })
    let data: any = res.data
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data)
      } catch (e) {
        /* not JSON */
      }
    }
    if (res.statusCode >= 200 && res.statusCode < 300) return data as T
    const err = envelopeError({ statusCode: res.statusCode, data, header: {} })
    if (res.statusCode === 401 && attempt === 0) {
      await renewAfter401(err, token)
      continue
    }
    throw err
  }
}

/**
 * One user action (a submit button): a double tap while it runs returns the same promise (one
 * write); after a failure the NEXT run reuses the same Idempotency-Key, so a retry after a timeout
 * cannot write twice; after a success the next run is a new action with a new key.
 *   const submit = action()            // once per form/page instance
 *   await submit.run((key) => api.post('/x', body, { idempotencyKey: key }))
 */
export interface Action<T> {
  readonly key: string
  readonly running: boolean
  run(fn: (key: string) => Promise<T>): Promise<T>
  reset(): void
}

export function action<T = any>(): Action<T> {
  let key = newIdempotencyKey()
  let inflight: Promise<T> | null = null
  return {
    get key() {
      return key
    },
    get running() {
      return inflight !== null
    },
    run(fn) {
      if (inflight) return inflight
      inflight = fn(key).then(
        (v) => {
          inflight = null
          key = newIdempotencyKey()
          return v
        },
        (e) => {
          inflight = null
          // a definite refusal (4xx) of this body: a corrected body needs a fresh key
          if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 409 && e.status !== 429) key = newIdempotencyKey()
          throw e
        }
      )
      return inflight
    },
    reset() {
      key = newIdempotencyKey()
    },
  }
}

/** An image the API answers behind auth (e.g. a station's code) as a data URL for `<image src>`. */
export async function imageDataUrl(path: string, mime = 'image/png'): Promise<string> {
  const buf = await request<ArrayBuffer>(path, { responseType: 'arraybuffer', header: { Accept: mime } })
  return `data:${mime};base64,${base64(buf)}`
}

export function base64(buf: ArrayBuffer): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  const b = new Uint8Array(buf)
  let out = ''
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] || 0) << 8) | (b[i + 2] || 0)
    out += chars[(n >> 18) & 63] + chars[(n >> 12) & 63] + (i + 1 < b.length ? chars[(n >> 6) & 63] : '=') + (i + 2 < b.length ? chars[n & 63] : '=')
  }
  return out
}

/** The message to show for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message
  return NETWORK_MESSAGE
}

/** wx.downloadFile of an answer behind auth (an XLSX export) → the temp file's path, for
 * wx.openDocument. A refusal's envelope is read back from the downloaded file. */
export async function download(path: string, query?: Query, opts: { timeout?: number } = {}): Promise<string> {
  if (!accessToken()) await ensureSession()
  for (let attempt = 0; ; attempt++) {
    if (renewing) await renewing.catch(() => undefined)
    const header: Record<string, string> = { 'Accept-Language': 'zh-CN' }
    const token = accessToken()
    if (token) header.Authorization = 'Bearer ' + token
    const res = await new Promise<{ statusCode: number; tempFilePath: string }>((resolve, reject) =>
      wx.downloadFile({
        url: apiUrl(path) + buildQuery(query),
        header,
        timeout: opts.timeout || 60000,
        success: (r) => resolve({ statusCode: r.statusCode, tempFilePath: r.tempFilePath }),
        fail: (e) => reject(networkError(e && e.errMsg)),
      })
    )
    if (res.statusCode >= 200 && res.statusCode < 300) return res.tempFilePath
    let body: unknown = null
    try {
      body = wx.getFileSystemManager().readFileSync(res.tempFilePath, 'utf8')
    } catch (e) {
      /* no body to read: the status decides the message */
    }
    const err = envelopeError({ statusCode: res.statusCode, data: body, header: {} })
    if (res.statusCode === 401 && attempt === 0) {
      await renewAfter401(err, token)
      continue
    }
    throw err
  }
}
