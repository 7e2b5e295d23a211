// `make preview`: each main page rendered by miniprogram-simulate against the real backend (demo
// data), dumped with its WXSS as a standalone HTML file at 375 px wide (rpx = 0.5 px), with the
// navigation bar and tab bar WeChat would draw. scripts/preview.js turns the files into PNGs.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs'
import * as path from 'path'
import { PageHandle, ROOT, backend, dispatch, loginAs, openPage, pngFile, tap, tokenOf, wxShim } from '../kit'

// rpx → px for a 375 px wide phone (simulate's default maps 1 rpx to 1 px)
const simUtils = require('miniprogram-simulate/src/utils')
simUtils.transformRpx = (style: string) =>
  style.replace(/(-?\d*\.?\d+)rpx/gi, (_m: string, n: string) => `${+(parseFloat(n) / 2).toFixed(2)}px`)

const OUT = path.resolve(__dirname, '..', '..', 'preview')

interface Shot {
  name: string // file name and the caption
  page: string
  persona: string
  query?: () => Promise<Record<string, string>>
  /** what the user does before the picture (a tap, a filter) */
  act?: (page: PageHandle) => Promise<void>
}

// One line per main page in a demo state; screens added later add a line here.
const SHOTS: Shot[] = [
  { name: 'nearby-list', page: 'pages/nearby/index', persona: 'preview-worker' },
  { name: 'nearby-map', page: 'pages/nearby/index', persona: 'preview-worker',
    act: (p) => tap(p, '#toggle-view') },
  { name: 'station', page: 'pages/station/index', persona: 'preview-worker', query: nearestStation },
  { name: 'services', page: 'pages/services/index', persona: 'demo-member' },
  { name: 'hardship', page: 'pages/hardship/index', persona: 'aid-luanpo' },
  { name: 'hardship-apply-head', page: 'pages/hardship/apply', persona: 'preview-hardship-head', act: hardshipHead },
  { name: 'hardship-apply-figures', page: 'pages/hardship/apply', persona: 'preview-hardship-figures',
    act: async (p) => { await hardshipHead(p); await tap(p, '#next-btn'); await tap(p, '#next-btn'); await hardshipFigures(p) } },
  { name: 'hardship-file-notice', page: 'pages/hardship/file', persona: 'officer-banfeng', query: fileInNotice },
  { name: 'stats-hardship', page: 'pages/stats/index', persona: 'officer-donglan-county' },
  { name: 'workbench', page: 'pages/workbench/index', persona: 'officer-binhai' },
  { name: 'me', page: 'pages/me/index', persona: 'demo-member' },
  { name: 'join-consent', page: 'pages/join/index', persona: 'preview-joiner' },
  { name: 'join-form', page: 'pages/join/index', persona: 'preview-joiner',
    act: async (p) => { await tap(p, '#agree'); await tap(p, '#consent-btn') } },
  { name: 'membership', page: 'pages/members/detail', persona: 'demo-member', query: myMembership },
  { name: 'workbench-membership', page: 'pages/workbench/membership/index', persona: 'officer-binhai', query: firstMembershipTodo },
  { name: 'me-messages', page: 'pages/me/messages/index', persona: 'demo-member' },
  { name: 'me-privacy', page: 'pages/me/privacy/index', persona: 'demo-member' },
  { name: 'events', page: 'pages/events/index', persona: 'demo-member' },
  { name: 'event-full', page: 'pages/events/event', persona: 'weihai-worker-6', query: fullEvent },
  { name: 'training', page: 'pages/training/index', persona: 'jingzhou-housekeeper' },
  { name: 'training-decide', page: 'pages/training/decide/index', persona: 'officer-shashi', query: () => todoObject('officer-shashi', 'training_request') },
  { name: 'event-work-review', page: 'pages/events/work/index', persona: 'officer-weihai', query: () => todoObject('officer-weihai', 'event_work') },
  { name: 'events-manage', page: 'pages/events/manage/index', persona: 'officer-weihai' },
  { name: 'events-admin', page: 'pages/events/admin/index', persona: 'officer-weihai', query: todaysLecture },
  { name: 'relief-received', page: 'pages/relief/index', persona: 'officer-gansu' },
  { name: 'relief-acknowledge', page: 'pages/relief/allocation', persona: 'officer-qinghai', query: () => reliefTo('青海省总工会', 'officer-qinghai') },
  { name: 'relief-report', page: 'pages/relief/allocation', persona: 'officer-gansu', query: () => reliefTo('甘肃省总工会', 'officer-gansu') },
  { name: 'relief-payout', page: 'pages/relief/payout', persona: 'officer-gansu', query: () => reliefTo('甘肃省总工会', 'officer-gansu') },
  { name: 'membership-correction-form', page: 'pages/members/correction', persona: 'preview-corrector', query: correctorMembership },
  { name: 'membership-correction-review', page: 'pages/members/correction', persona: 'officer-banfeng', query: pendingCorrection },
  { name: 'card-manage', page: 'pages/cards/manage', persona: 'officer-changfa',
    query: async () => ({ membership: (await myMembership()).id }) },
  { name: 'rights-attachments', page: 'pages/rights/index', persona: 'binhai-clerk',
    act: async (p) => {
      wxShim.media = [pngFile(120, 80, '工资条.png')]
      await tap(p, '#pick-photos')
      const broken = path.join(path.dirname(pngFile()), 'kaoqin.pdf') // no %%EOF: the API refuses it
      fs.writeFileSync(broken, '%PDF-1.4\n')
      wxShim.messageFiles = [{ path: broken, name: '考勤记录.pdf' }]
      await tap(p, '#pick-files')
    } },
]

/** The file form's first step filled in: the union searched and picked, the head of household. */
async function hardshipHead(p: PageHandle): Promise<void> {
  await dispatch(p, '#org-q', 'input', { value: '鸾坡' })
  await tap(p, '#org-search')
  const org = (p.data.orgs as { id: number; name: string }[]).find((o) => o.name === '鸾坡村')
  if (!org) throw new Error('the demo data has no 鸾坡村')
  await tap(p, `#org-${org.id}`)
  await dispatch(p, '#head-name', 'input', { value: '覃海生' })
  await dispatch(p, '#head-id_number', 'input', { value: '451224198001018118' })
  await tap(p, '#head-health-chronic')
}

/** Causes and income typed; the eligibility the county's line gives (after the typing pause). */
async function hardshipFigures(p: PageHandle): Promise<void> {
  await tap(p, '#main-illness')
  await tap(p, '#secondary-schooling')
  await dispatch(p, '#income-wages', 'input', { value: '4800' })
  await dispatch(p, '#cost-medical', 'input', { value: '1200' })
  await new Promise((r) => setTimeout(r, 600))
  await wxShim.idle()
}

/** 板逢村's file in its public notice (with the demo objection). */
async function fileInNotice(): Promise<Record<string, string>> {
  const r = await backend('GET', '/hardship-files?status=in_notice', undefined, await tokenFor('officer-banfeng'))
  const first = (r.data.items || [])[0]
  if (!first) throw new Error('the demo data has no hardship file in its notice')
  return { id: String(first.id) }
}

/** The object of the first to-do of a kind in an officer's queue (what the workbench opens). */
async function todoObject(persona: string, kind: string): Promise<Record<string, string>> {
  const r = await backend('GET', `/workbench/todos?kind=${kind}`, undefined, await tokenFor(persona))
  const first = (r.data.items || [])[0]
  if (!first) throw new Error(`the demo data has no ${kind} to-do for ${persona}`)
  return { id: String(first.id), kind } // the to-do's id is its object's id
}

/** Weihai's lecture of today (published, sign-ups open): what the officer manages on the day. */
async function todaysLecture(): Promise<Record<string, string>> {
  const r = await backend('GET', '/events?limit=100', undefined, await tokenFor('officer-weihai'))
  const today = (r.data.items || []).find((e: any) => e.title === '今日宣讲：劳模进企业')
  if (!today) throw new Error("the demo data has no lecture of today")
  return { id: String(today.id) }
}

/** The demo allocation Shaanxi sent to `receiver` (Qinghai's waits for its receipt). */
async function reliefTo(receiver: string, persona: string): Promise<Record<string, string>> {
  const r = await backend('GET', '/relief/allocations?direction=received', undefined, await tokenOf(persona))
  const a = (r.data.items || []).find((x: any) => x.to_org.name === receiver && x.from_org.name === '陕西省总工会')
  if (!a) throw new Error(`the demo data has no relief to ${receiver}`)
  return { id: String(a.id) }
}

/** A member of 板逢村 (joined and approved here) opening the correction form from their membership. */
async function correctorMembership(): Promise<Record<string, string>> {
  const token = await tokenOf('preview-corrector')
  const me = (await backend('GET', '/me', undefined, token)).data
  if (me.membership && me.membership.id && me.membership.status === 'approved') return { membership: String(me.membership.id) }
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'membership')
  await backend('POST', '/me/consents', { purpose: 'membership', data_kinds: policy.data_kinds, policy_version: policy.version }, token)
  const org = (await backend('GET', `/orgs?q=${encodeURIComponent('板逢村')}`, undefined, token)).data.items.find((o: any) => o.name === '板逢村')
  const m = await backend('POST', '/memberships', { org_id: org.id, real_name: '韦秀兰', id_number: '451227199005050020', employer: '板逢合作社', occupation: '农民工', industry: 'construction' }, token)
  if (m.status !== 201) throw new Error(`preview member: ${m.status} ${JSON.stringify(m.data)}`)
  await backend('POST', `/memberships/${m.data.id}/decision`, { action: 'approve', version: m.data.version }, await tokenOf('officer-banfeng'))
  return { membership: String(m.data.id) }
}

/** That member asks (through the form) to correct the name; the approver's review page. */
async function pendingCorrection(): Promise<Record<string, string>> {
  const query = await correctorMembership()
  loginAs('preview-corrector')
  const form = await openPage('pages/members/correction', query)
  await dispatch(form, '#value', 'input', { value: '韦秀岚' })
  wxShim.media = [pngFile(120, 80, '身份证正面.png')]
  await tap(form, '#doc-btn')
  await tap(form, '#submit-btn')
  if (!form.data.one) throw new Error('the preview correction was not filed: ' + form.data.formError)
  loginAs('officer-banfeng')
  return { id: String(form.data.one.id), kind: 'membership_correction' }
}

async function tokenFor(persona: string): Promise<string> {
  return (await backend('POST', '/auth/wx-login', { code: `mock:${persona}` })).data.access_token
}

/** The demo member's application (what 我的 → 我的会籍 opens). */
async function myMembership(): Promise<Record<string, string>> {
  const me = (await backend('GET', '/me', undefined, await tokenFor('demo-member'))).data
  if (!me.membership || !me.membership.id) throw new Error('the demo member has no membership application')
  return { id: String(me.membership.id) }
}

/** The oldest membership application in the county officer's queue. */
async function firstMembershipTodo(): Promise<Record<string, string>> {
  const r = await backend('GET', '/workbench/todos?kind=membership', undefined, await tokenFor('officer-binhai'))
  const first = (r.data.items || [])[0]
  if (!first) throw new Error("the demo data has no membership application in officer-binhai's queue")
  return { id: String(first.id), kind: 'membership' }
}

/** Weihai's full class with its waitlist: what a waitlisted worker sees. */
async function fullEvent(): Promise<Record<string, string>> {
  const r = await backend('GET', '/events?limit=100', undefined, await tokenOf('weihai-worker-6'))
  const full = (r.data.items || []).find((e: any) => e.seats_left === 0)
  if (!full) throw new Error('the demo data has no full event')
  return { id: String(full.id) }
}

const HERE = { latitude: 36.6171, longitude: 101.7782 }

/** The nearest station with its feedback: what a worker opens from the list. */
async function nearestStation(): Promise<Record<string, string>> {
  const r = await backend('GET', `/stations/nearby?lat=${HERE.latitude}&lng=${HERE.longitude}&coord=gcj02&radius=3000&limit=20`)
  const first = (r.data.items || [])[0] || r.data.nearest_outside
  if (!first) throw new Error('the demo data has no station near the preview location')
  return { id: String(first.id) }
}

const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const BASE_CSS = `
  html, body { margin: 0; padding: 0; }
  body { width: 375px; min-height: 812px; background: ${app.window.backgroundColor || '#f5f6f7'};
    font-family: "WenQuanYi Micro Hei", "PingFang SC", "Noto Sans CJK SC", sans-serif; font-size: 16px;
    color: rgba(0,0,0,.9); display: flex; flex-direction: column; }
  wx-view, wx-scroll-view, wx-form, wx-swiper, wx-swiper-item, wx-map, wx-image, wx-block { display: block; }
  wx-text, wx-label, wx-navigator { display: inline; }
  wx-image { overflow: hidden; background: #e7e7e7; }
  wx-image img { width: 100%; height: 100%; object-fit: cover; }
  wx-map { background: repeating-linear-gradient(45deg, #e6efe6 0 12px, #dde8dd 12px 24px); min-height: 300px; }
  wx-button { display: block; text-align: center; border: 1px solid #ddd; border-radius: 6px; padding: 8px;
    background: #fff; }
  wx-input, wx-textarea { display: block; min-height: 1.4em; border-bottom: 1px solid #eee; }
  .pv-nav { height: 44px; line-height: 44px; text-align: center; background: #fff; font-weight: 600;
    border-bottom: 1px solid #eee; flex: none; }
  .pv-status { height: 20px; background: #fff; font-size: 11px; padding: 0 14px; line-height: 20px; flex: none; }
  .pv-body { flex: 1; }
  .pv-tabs { display: flex; height: 50px; background: #fff; border-top: 1px solid #eee; flex: none;
    position: sticky; bottom: 0; }
  .pv-tab { flex: 1; text-align: center; font-size: 11px; color: ${app.tabBar.color}; padding-top: 6px; }
  .pv-tab img { display: block; width: 24px; height: 24px; margin: 0 auto 2px; }
  .pv-tab.on { color: ${app.tabBar.selectedColor}; }
`

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c] as string))
}

function html(shot: Shot, page: PageHandle): string {
  const pageJson = JSON.parse(fs.readFileSync(path.join(ROOT, shot.page + '.json'), 'utf8'))
  const title = pageJson.navigationBarTitleText || app.window.navigationBarTitleText || ''
  const tabs = (app.tabBar.list as any[]).map((t) => {
    const on = t.pagePath === shot.page
    const icon = 'file://' + path.join(ROOT, on ? t.selectedIconPath : t.iconPath)
    return `<div class="pv-tab${on ? ' on' : ''}"><img src="${icon}" alt="">${escape(t.text)}</div>`
  }).join('')
  const isTab = (app.tabBar.list as any[]).some((t) => t.pagePath === shot.page)
  // the photos and images point at the test backend, which is gone when the browser opens the file
  const dom = (page.comp.dom as HTMLElement).outerHTML.replace(/ src="http:\/\/127\.0\.0\.1:\d+[^"]*"/g, '')
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escape(shot.name)}</title>
${document.head.innerHTML}
<style>${BASE_CSS}</style></head><body>
<div class="pv-status">9:41</div><div class="pv-nav">${escape(title)}</div>
<div class="pv-body">${dom}</div>${isTab ? `<div class="pv-tabs">${tabs}</div>` : ''}
</body></html>`
}

beforeAll(() => fs.mkdirSync(OUT, { recursive: true }))

describe('preview', () => {
  for (const shot of SHOTS) {
    test(shot.name, async () => {
      loginAs(shot.persona)
      wxShim.location = { ...HERE }
      const page = await openPage(shot.page, shot.query ? await shot.query() : {})
      if (shot.act) await shot.act(page)
      const file = path.join(OUT, `${shot.name}.html`)
      fs.writeFileSync(file, html(shot, page))
      // a picture of an error screen is no preview: the page must show its demo content
      expect((page.comp.dom as HTMLElement).textContent || '').not.toMatch(/网络不给力|出错了|加载失败/)
    })
  }
})
