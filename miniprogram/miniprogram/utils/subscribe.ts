// Subscribe messages: load the templates once (GET /me/subscriptions) when the page opens, then
// ask INSIDE the tap handler, before any await (WeChat refuses otherwise: "can only be invoked by
// user TAP gesture"), and record the answer with POST /me/subscriptions.
//   onLoad() { prepareSubscribe() }          // page opens: fetch the template ids
//   onSubmit() { const asked = askSubscribe(['aid_decision']); …submit…; await asked }
import * as api from './api'

export interface SubscribeTemplate {
  template_id: string
  purpose: string
  events: string[]
  credits: number
}

const MAX_PER_CALL = 3 // the API accepts ≤3 answers per call (WeChat's older limit)
let templates: SubscribeTemplate[] | null = null

/** Fetch the template list (logged in); safe to call on every page load. */
export async function prepareSubscribe(): Promise<SubscribeTemplate[]> {
  try {
    const res = await api.get<{ items: SubscribeTemplate[] }>('/me/subscriptions')
    templates = res.items
  } catch (e) {
    templates = templates || []
  }
  return templates
}

/** The template ids for these events (or the catch-all "*" template). */
export function templateIdsFor(events: string[]): string[] {
  const list = templates || []
  const ids: string[] = []
  events.forEach((ev) => {
    const t = list.find((x) => x.events.indexOf(ev) >= 0) || list.find((x) => x.events.indexOf('*') >= 0)
    if (t && ids.indexOf(t.template_id) < 0) ids.push(t.template_id)
  })
  return ids.slice(0, MAX_PER_CALL)
}

/** Ask for these events' templates now (call synchronously from a tap) and record the answer.
 * Never throws: a refusal or a failure only means no message later. */
export function askSubscribe(events: string[]): Promise<{ accepted: string[]; rejected: string[] }> {
  const tmplIds = templateIdsFor(events)
  const none = { accepted: [] as string[], rejected: [] as string[] }
  if (!tmplIds.length || typeof wx.requestSubscribeMessage !== 'function') return Promise.resolve(none)
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds,
      success: (res: any) => {
        const accepted = tmplIds.filter((id) => res[id] === 'accept')
        const rejected = tmplIds.filter((id) => res[id] === 'reject' || res[id] === 'ban')
        if (!accepted.length && !rejected.length) return resolve(none)
        api.post('/me/subscriptions', { accepted, rejected }).then(
          () => resolve({ accepted, rejected }),
          () => resolve({ accepted, rejected })
        )
      },
      fail: () => resolve(none),
    })
  })
}
