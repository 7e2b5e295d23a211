// Test helpers: render the REAL pages (WXML + WXSS + TS + TDesign) with miniprogram-simulate and
// drive them like a user. See test/README.md.
/* eslint-disable @typescript-eslint/no-explicit-any */
import * as fs from 'fs'
import * as path from 'path'
import simulate = require('miniprogram-simulate')
import type { WxShim } from './setup'

export const ROOT = path.resolve(__dirname, '..', 'miniprogram')

export interface BackendInfo {
  baseUrl: string
  dir: string
  fixtures: { sign_scenes: Record<string, string>; event_scenes: Record<string, string> }
}

let info: BackendInfo | null = null
export function backendInfo(): BackendInfo {
  if (!info) {
    const file = process.env.GONGHUI_MP_BACKEND
    if (!file) throw new Error('the backend was not started (jest globalSetup test/backend/start.js)')
    info = JSON.parse(fs.readFileSync(file, 'utf8')) as BackendInfo
  }
  return info
}

/** The wx shim's state: settable inputs (persona, location, scanResult, network…) and recorders. */
export const wxShim: WxShim = (globalThis as any).wxShim

/** Log in as a demo person on the next wx.login (demo-worker, demo-member, officer-binhai…). */
export function loginAs(persona: string): void {
  wxShim.persona = persona
  for (const k of ['gh.access_token', 'gh.refresh_token', 'gh.user']) wxShim.storage.delete(k)
}

/** Wait until the page's requests are done (and their setData ran). */
export const settle = (timeoutMs?: number) => wxShim.idle(timeoutMs)

export interface PageHandle {
  comp: any // the j-component (querySelector, setData, dispatchEvent…)
  instance: any // the page's `this`: data and methods
  readonly data: any
  path: string
}

const loaded = new Map<string, string>()
let counter = 0

function loadOnce(route: string): string {
  const hit = loaded.get(route)
  if (hit) return hit
  const file = path.join(ROOT, route)
  if (!fs.existsSync(file + '.json')) throw new Error(`no page ${route}`)
  const tag = 'page-' + route.replace(/[^a-z0-9]+/gi, '-').toLowerCase() + '-' + ++counter
  let id = ''
  const doLoad = () => {
    id = simulate.load(file, tag, { rootPath: ROOT, compilerOptions: { maxBuffer: 8 * 1024 * 1024 } } as any)
  }
  // Gotcha: a component file runs once per jest registry, so a second page sharing a component
  // (state-view, TDesign…) would render it empty. Every further page loads in its own registry.
  if (loaded.size === 0) doLoad()
  else jest.isolateModules(doLoad)
  loaded.set(route, id)
  return id
}

/** Open a page like WeChat does: render it, attach it, onLoad(query), onShow, wait for requests. */
export async function openPage(route: string, query: Record<string, string> = {}): Promise<PageHandle> {
  route = route.replace(/^\//, '').split('?')[0]
  const id = loadOnce(route)
  const comp = simulate.render(id)
  const parent = document.createElement('parent-wrapper')
  document.body.appendChild(parent)
  comp.attach(parent)
  const inst = comp.instance
  // a lifecycle may wait for the user (the privacy popup): stop waiting for it then
  const run = async (fn: () => any) => {
    let blocked: any
    const waitUser = new Promise<void>((resolve) => {
      blocked = setInterval(() => wxShim.privacy.waiting && resolve(), 5)
    })
    try {
      await Promise.race([Promise.resolve(fn()), waitUser])
    } finally {
      clearInterval(blocked)
    }
  }
  if (typeof inst.onLoad === 'function') await run(() => inst.onLoad(Object.assign({}, query)))
  if (typeof inst.onShow === 'function') await run(() => inst.onShow())
  await settle()
  return {
    comp,
    instance: inst,
    get data() {
      return inst.data
    },
    path: route,
  }
}

/** Open the page of the last navigateTo/redirectTo/reLaunch (query parsed from its url). */
export async function followNavigation(): Promise<PageHandle> {
  const last = [...wxShim.nav].reverse().find((n) => n.url)
  if (!last || !last.url) throw new Error('no navigation recorded')
  const [p, q] = last.url.split('?')
  const query: Record<string, string> = {}
  new URLSearchParams(q || '').forEach((v, k) => (query[k] = v))
  return openPage(p, query)
}

/** Visible text of the page (whitespace collapsed). */
export function text(page: PageHandle | any, selector?: string): string {
  const root = selector ? find(page, selector) : page.comp || page
  const dom = root && (root.dom || (root.comp && root.comp.dom))
  return dom ? (dom.textContent || '').replace(/\s+/g, ' ').trim() : ''
}

function query(comp: any, selector: string, all: boolean): any {
  const one = (s: string) => (all ? comp.querySelectorAll(s) : comp.querySelector(s))
  let hit = one(selector)
  // inside child components (state-view, TDesign…): pages' root element is <view class="page">
  if ((!hit || (all && !hit.length)) && !selector.includes('>>>')) hit = one('.page >>> ' + selector)
  return hit
}

/** A node by selectComponent syntax ('#id', '.cls', '.a >>> .b'), also inside child components
 * (under the page's root `<view class="page">`); throws when absent. */
export function find(page: PageHandle | any, selector: string): any {
  const comp = page.comp || page
  const node = query(comp, selector, false)
  if (!node) throw new Error(`no ${selector} on ${page.path || 'component'}; text: ${text(page).slice(0, 300)}`)
  return node
}

export function findAll(page: PageHandle | any, selector: string): any[] {
  return query(page.comp || page, selector, true) || []
}

export function exists(page: PageHandle | any, selector: string): boolean {
  return !!query(page.comp || page, selector, false)
}

/** Dispatch an event on the node (for TDesign components: on their inner node, virtualHost). */
export async function dispatch(page: PageHandle, selector: string, event: string, detail: any = {}): Promise<void> {
  let node = find(page, selector)
  if (!node.dom && node.querySelector) {
    // a virtualHost TDesign component: its handlers sit on its first inner element
    const inner = node.querySelector('.t-button') || node.querySelector('.t-cell') || node.querySelector('.t-tag') || node.querySelector('view')
    if (inner) node = inner
  }
  node.dispatchEvent(event, { detail })
  await settle()
}

/** Tap the node and wait for the requests it started. */
export const tap = (page: PageHandle, selector: string, detail: any = {}) => dispatch(page, selector, 'tap', detail)

/** Requests the pages made, e.g. writes('POST', '/checkins'). */
export function requests(method?: string, pathPart?: string) {
  return wxShim.requests.filter((r) => (!method || r.method === method) && (!pathPart || r.path.includes(pathPart)))
}

/** Call the backend directly (as a test fixture, not as the page): JSON in/out. */
export async function backend(method: string, apiPath: string, body?: unknown, token?: string): Promise<{ status: number; data: any }> {
  const http = require('http') as typeof import('http')
  const url = new URL(backendInfo().baseUrl + (apiPath.startsWith('/api/') ? apiPath : '/api/v1' + apiPath))
  const payload = body === undefined ? undefined : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request({ method, hostname: url.hostname, port: url.port, path: url.pathname + url.search,
      headers: Object.assign({ 'content-type': 'application/json', 'Accept-Language': 'zh-CN' },
        token ? { Authorization: 'Bearer ' + token } : {}) }, (res) => {
      let s = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (s += c))
      res.on('end', () => {
        let data: any = s
        try { data = s ? JSON.parse(s) : null } catch (e) { /* text */ }
        resolve({ status: res.statusCode || 0, data })
      })
    })
    req.on('error', reject)
    if (payload) req.write(payload)
    req.end()
  })
}

/** An access token of a demo person, for fixture calls through backend(). */
export async function tokenOf(persona: string): Promise<string> {
  const r = await backend('POST', '/auth/wx-login', { code: `mock:${persona}` })
  if (r.status !== 200) throw new Error(`login as ${persona}: ${r.status} ${JSON.stringify(r.data)}`)
  return r.data.access_token
}

/** The scene printed on a station's sign (what its mini-program code carries). */
export function signScene(stationId: number): string {
  const s = backendInfo().fixtures.sign_scenes[String(stationId)]
  if (!s) throw new Error(`no sign scene for station ${stationId}`)
  return s
}

/** What the officer shows at an event's venue: its code's `scene` (published demo events). */
export function eventScene(eventId: number): string {
  const s = backendInfo().fixtures.event_scenes[String(eventId)]
  if (!s) throw new Error(`no venue code for event ${eventId} (only published demo events have one)`)
  return s
}

/** A real PNG file on disk (w×h, one colour) for wx.chooseMedia / upload tests; returns its path. */
export function pngFile(width = 64, height = 48, name = 'photo.png'): string {
  const zlib = require('zlib') as typeof import('zlib')
  const os = require('os') as typeof import('os')
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    return c >>> 0
  })
  const crc = (b: Buffer) => {
    let c = 0xffffffff
    for (const x of b) c = table[(c ^ x) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
  }
  const chunk = (t: string, d: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(d.length)
    const td = Buffer.concat([Buffer.from(t), d])
    const c = Buffer.alloc(4)
    c.writeUInt32BE(crc(td))
    return Buffer.concat([len, td, c])
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = 2
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x66)])
  const raw = Buffer.concat(Array.from({ length: height }, () => row))
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gh-png-')), name)
  fs.writeFileSync(file, png)
  return file
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
/** A valid (fake) ID number: region 451227, born `born` (YYYYMMDD), sequence `seq`. */
export function idNumber(seq: number, born = '19880303'): string {
  const first17 = `451227${born}${String(seq % 1000).padStart(3, '0')}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]
  return first17 + '10X98765432'[sum % 11]
}

/** `persona` consents and applies to join `orgName` (pending); returns the membership. */
export async function appliedMember(persona: string, seq: number, name: string, orgName = '板逢村'): Promise<{ id: number; version: number }> {
  const token = await tokenOf(persona)
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'membership')
  await backend('POST', '/me/consents', { purpose: 'membership', data_kinds: policy.data_kinds, policy_version: policy.version }, token)
  const org = (await backend('GET', `/orgs?q=${encodeURIComponent(orgName)}`, undefined, token)).data.items.find((o: any) => o.name === orgName)
  const m = await backend('POST', '/memberships', { org_id: org.id, real_name: name, id_number: idNumber(seq), employer: '板逢合作社', occupation: '农民工', industry: 'construction' }, token)
  if (m.status !== 201) throw new Error(`join ${orgName} as ${persona}: ${m.status} ${JSON.stringify(m.data)}`)
  return m.data
}

/** `persona` joins `orgName` and that org's `approver` approves (a member with a card);
 * returns the membership id. */
export async function approvedMember(persona: string, seq: number, name: string, orgName = '板逢村', approver = 'officer-banfeng'): Promise<number> {
  const m = await appliedMember(persona, seq, name, orgName)
  const ok = await backend('POST', `/memberships/${m.id}/decision`, { action: 'approve', version: m.version }, await tokenOf(approver))
  if (ok.status !== 200) throw new Error(`approve ${persona}: ${ok.status} ${JSON.stringify(ok.data)}`)
  return m.id
}
