// The request layer (utils/api.ts) against the real backend: envelope errors, timeouts,
// Idempotency-Key reuse, single-flight refresh and the silent re-login.
import * as crypto from 'crypto'
import * as api from '../miniprogram/utils/api'
import { backend, loginAs, pngFile, requests, wxShim } from './kit'

// TestConfig's fixed signing key (config/__init__.py): lets the test age a real token
const JWT_KEY = 'test-jwt-secret-key-that-is-long-enough-for-hs256'

function expired(token: string): string {
  const [h, p] = token.split('.')
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  payload.exp = Math.floor(Date.now() / 1000) - 60
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  const sig = crypto.createHmac('sha256', JWT_KEY).update(`${h}.${body}`).digest('base64url')
  return `${h}.${body}.${sig}`
}

test('an API error carries the Chinese message, code and details of the envelope', async () => {
  const err = await api.get('/stations/999999').catch((e) => e)
  expect(err).toBeInstanceOf(api.ApiError)
  expect(err.status).toBe(404)
  expect(err.code).toBe('not_found')
  const direct = await backend('GET', '/stations/999999')
  expect(err.message).toBe(direct.data.error.message)
  expect(err.message).toMatch(/[\u4e00-\u9fa5]/)
  const bad = await api.get('/stations/nearby', { lat: 'x', lng: 1 }).catch((e) => e)
  expect(bad.status).toBe(422)
  expect(Object.keys(bad.fields)).toContain('lat')
  expect(requests('GET', '/stations/nearby')[0].header['Accept-Language']).toBe('zh-CN')
})

test('a lost answer is a Chinese timeout error; offline is a network error', async () => {
  wxShim.network.loseResponses = 1
  const err = await api.get('/stations/services').catch((e) => e)
  expect(err.code).toBe('timeout')
  expect(err.isNetwork).toBe(true)
  expect(err.message).toContain('网络不给力')
  wxShim.network.offline = true
  const off = await api.get('/stations/services').catch((e) => e)
  expect(off.code).toBe('network')
  expect(api.errorMessage(off)).toContain('网络不给力')
})

test('every write carries an Idempotency-Key; an action reuses it after a lost answer only', async () => {
  loginAs('demo-worker')
  await api.ensureSession()
  const act = api.action()
  const first = act.key
  wxShim.network.loseResponses = 1
  await expect(act.run((key) => api.post('/me/messages/read-all', undefined, { idempotencyKey: key }))).rejects.toThrow('网络不给力')
  expect(act.key).toBe(first)
  await act.run((key) => api.post('/me/messages/read-all', undefined, { idempotencyKey: key }))
  const posts = requests('POST', '/me/messages/read-all')
  expect(posts.map((r) => r.header['Idempotency-Key'])).toEqual([first, first])
  expect(posts.map((r) => r.outcome)).toEqual(['lost', 'ok'])
  expect(act.key).not.toBe(first) // the next tap is a new action
  await api.patch('/me', { nickname: '骑手小王' })
  expect(requests('PATCH', '/me')[0].header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
})

test('a double tap on one action is one request', async () => {
  loginAs('demo-worker')
  await api.ensureSession()
  const act = api.action()
  const run = () => act.run((key) => api.post('/me/messages/read-all', undefined, { idempotencyKey: key }))
  await Promise.all([run(), run(), run()])
  expect(requests('POST', '/me/messages/read-all')).toHaveLength(1)
})

test('concurrent 401s wait for ONE refresh, then all succeed', async () => {
  loginAs('demo-worker')
  await api.ensureSession()
  wxShim.storage.set('gh.access_token', expired(wxShim.storage.get('gh.access_token')))
  const before = wxShim.storage.get('gh.refresh_token')
  const answers = await Promise.all([api.get('/me'), api.get('/me'), api.get('/me/messages/unread-count'), api.get('/me')])
  expect(answers[0].display_name).toBe('骑手小王')
  expect(requests('POST', '/auth/refresh')).toHaveLength(1)
  expect(requests('POST', '/auth/wx-login')).toHaveLength(1) // only the first login
  expect(wxShim.storage.get('gh.refresh_token')).not.toBe(before)
  expect(requests('GET', '/me').filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(1)
})

test('a 401 that arrives after the refresh retries with the new token: still one refresh', async () => {
  loginAs('demo-worker')
  await api.ensureSession()
  const stale = expired(wxShim.storage.get('gh.access_token'))
  wxShim.storage.set('gh.access_token', stale)
  wxShim.network.hold = '/me/messages/unread-count' // its 401 comes back only when released
  const late = api.get('/me/messages/unread-count')
  const me = await api.get('/me') // 401 → refresh → retry, while the other answer is held
  expect(me.display_name).toBe('骑手小王')
  expect(requests('POST', '/auth/refresh')).toHaveLength(1)
  wxShim.network.hold = ''
  wxShim.network.held.splice(0).forEach((answer) => answer())
  expect(typeof (await late).unread).toBe('number')
  expect(requests('POST', '/auth/refresh')).toHaveLength(1)
  const unread = requests('GET', '/me/messages/unread-count')
  expect(unread.map((r) => r.status)).toEqual([401, 200])
  expect(unread[0].header.Authorization).toBe('Bearer ' + stale)
  expect(unread[1].header.Authorization).toBe('Bearer ' + wxShim.storage.get('gh.access_token'))
})

test('a failed refresh logs in again silently (wx.login → /auth/wx-login)', async () => {
  loginAs('officer-binhai')
  await api.ensureSession()
  wxShim.storage.set('gh.access_token', expired(wxShim.storage.get('gh.access_token')))
  wxShim.storage.set('gh.refresh_token', 'not-a-token')
  const [a, b] = await Promise.all([api.get('/me'), api.get('/workbench/counts')])
  expect(a.display_name).toBe('滨海县总工会-张')
  expect(typeof b.total).toBe('number')
  expect(requests('POST', '/auth/refresh')).toHaveLength(1)
  expect(requests('POST', '/auth/wx-login')).toHaveLength(2) // first login + the silent one
})

test('the GET cache answers with the last good result when the network fails', async () => {
  const q = { lat: 36.6171, lng: 101.7782 }
  const fresh = await api.getCached('/stations/nearby', q, 'test-nearby')
  expect(fresh.stale).toBe(false)
  wxShim.network.offline = true
  const cached = await api.getCached('/stations/nearby', q, 'test-nearby')
  expect(cached.stale).toBe(true)
  expect(cached.data).toEqual(fresh.data)
  await expect(api.getCached('/stations/nearby', q, 'never-cached')).rejects.toThrow('网络不给力')
})

test('upload() sends the file as multipart with auth and a key, and parses the answer', async () => {
  const fs = require('fs') as typeof import('fs')
  const file = pngFile(2, 2, 'proof.png')

  loginAs('demo-uploader')
  const out = await api.upload<{ id: number; content_type: string; size_bytes: number }>('/files', file)
  expect(out.content_type).toBe('image/png')
  expect(typeof out.id).toBe('number')
  const sent = requests('POST', '/files')
  expect(sent).toHaveLength(1)
  expect(sent[0].header.Authorization).toMatch(/^Bearer /)
  expect(sent[0].header['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/)
  // a refused file is an ApiError with the API's Chinese message
  fs.writeFileSync(file, 'not an image at all')
  const err = await api.upload('/files', file).catch((e) => e)
  expect(err).toBeInstanceOf(api.ApiError)
  expect(err.status).toBe(422)
  expect(err.message).toMatch(/[\u4e00-\u9fa5]/)
})

test('askSubscribe asks WeChat for the templates of the events and records the answer', async () => {
  const sub = require('../miniprogram/utils/subscribe') as typeof import('../miniprogram/utils/subscribe')
  loginAs('demo-subscriber')
  const list = await sub.prepareSubscribe()
  expect(list.length).toBeGreaterThan(0)
  const first = list[0]
  const answer = await sub.askSubscribe([first.events[0]])
  expect(wxShim.subscribe).toHaveLength(1)
  expect(wxShim.subscribe[0].tmplIds).toEqual([first.template_id])
  expect(answer.accepted).toEqual([first.template_id])
  const posted = requests('POST', '/me/subscriptions')
  expect(posted).toHaveLength(1)
  expect(posted[0].data).toEqual({ accepted: [first.template_id], rejected: [] })
  const after = await sub.prepareSubscribe()
  expect(after.find((t) => t.template_id === first.template_id)!.credits).toBe(first.credits + 1)

  wxShim.subscribeAnswer = 'reject'
  const no = await sub.askSubscribe([first.events[0]])
  expect(no.rejected).toEqual([first.template_id])
})
