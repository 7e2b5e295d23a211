// Issue 20: the member's electronic card with its QR, refreshed every minute; an officer or a
// merchant verifier scans it; a stranger has no card.
import { backend, exists, findAll, loginAs, openPage, requests, tap, text, tokenOf, wxShim } from './kit'
import type { PageHandle } from './kit'

test('a member shows the card and an officer verifies its QR', async () => {
  loginAs('demo-member')
  const page = await openPage('pages/cards/card')
  const card = (await backend('GET', '/me/card', undefined, await tokenOf('demo-member'))).data
  expect(text(page, '#card-name')).toBe('于瑜')
  expect(text(page, '#card-org')).toBe('长法村')
  expect(text(page, '#card-number')).toBe(card.number_printed)
  expect(text(page, '#card-status')).toBe('有效')
  expect(text(page, '#qr-tip')).toContain('每分钟自动刷新')
  const token = page.data.token as string
  expect(token.split('.')).toHaveLength(4)
  expect(findAll(page, '#qr')).toHaveLength(1)
  // the page asks for a fresh code after refresh_after_seconds, and stops when hidden
  expect(page.instance._timer).toBeTruthy()
  page.instance.onHide()
  expect(page.instance._timer).toBeNull()

  const lookedUp = await lookupsOf(card.id)
  loginAs('officer-changfa')
  const verify = await openPage('pages/cards/verify')
  wxShim.scanResult = { result: token }
  await tap(verify, '#scan-btn')
  expect(text(verify, '#verdict-label')).toBe('会员卡有效')
  expect(text(verify, '#verdict-name')).toBe('姓名：于*')
  expect(text(verify, '#verdict-org')).toBe('工会：长法村')
  // an officer is offered 会员卡管理; the scan itself looks nothing up and records no read
  expect(text(verify, '#manage-btn')).toBe('会员卡管理')
  expect(requests('GET', '/cards/by-number/')).toHaveLength(0)
  expect(await lookupsOf(card.id)).toBe(lookedUp)
  // the tap looks the card up (one audited read) and opens 会员卡管理 on it
  await tap(verify, '#manage-btn')
  expect(requests('GET', '/cards/by-number/').map((r) => r.status)).toEqual([200])
  expect(await lookupsOf(card.id)).toBe(lookedUp + 1)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/cards/manage?id=${card.id}` }))
  const manage = await openPage('pages/cards/manage', { id: String(card.id) })
  expect(manage.data.card.number).toBe(card.number)

  const parts = token.split('.')
  // one signature character changed in the middle (the last ones may carry padding bits only)
  const sig = parts[3]
  const forged = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11)
  wxShim.scanResult = { result: [parts[0], parts[1], parts[2], forged].join('.') }
  await tap(verify, '#scan-btn')
  expect(text(verify, '#verdict-label')).toContain('签名不符')
  expect(text(verify)).not.toContain('于*')
  expect(exists(verify, '#manage-btn')).toBe(false)
})

/** `persona` opens the verify page and scans demo-member's current card code. */
async function scanDemoCardAs(persona: string): Promise<PageHandle> {
  const token = (await backend('GET', '/me/card', undefined, await tokenOf('demo-member'))).data.token.token
  loginAs(persona)
  const verify = await openPage('pages/cards/verify')
  wxShim.scanResult = { result: token }
  await tap(verify, '#scan-btn')
  return verify
}

/** How many `card.lookup` audit rows name the card, as 滨海县's admin (over 长法村) reads them. */
async function lookupsOf(cardId: number): Promise<number> {
  const admin = await tokenOf('officer-binhai')
  const org = (await backend('GET', '/me', undefined, admin)).data.roles.find((r: any) => r.role === 'admin').org_id
  const trail = await backend('GET', `/orgs/${org}/audit?action=card.lookup&limit=100`, undefined, admin)
  expect(trail.status).toBe(200)
  return trail.data.items.filter((a: any) => a.target_id === String(cardId)).length
}

test('an officer of another union checks the card; 会员卡管理 tells them it is not theirs', async () => {
  const verify = await scanDemoCardAs('officer-banfeng')
  expect(text(verify, '#verdict-label')).toBe('会员卡有效')
  expect(requests('GET', '/cards/by-number/')).toHaveLength(0)
  await tap(verify, '#manage-btn')
  const lookup = requests('GET', '/cards/by-number/')
  expect(lookup.map((r) => r.status)).toEqual([404])
  const refusal = await backend('GET', lookup[0].path, undefined, await tokenOf('officer-banfeng'))
  expect(wxShim.toasts.pop()).toEqual(expect.objectContaining({ title: refusal.data.error.message, icon: 'none' }))
  expect(refusal.data.error.message).toBe('你管辖的工会中没有这个卡号的会员卡。')
  expect(wxShim.nav).toHaveLength(0)
  expect(text(verify, '#verdict-label')).toBe('会员卡有效')
})

test('a card verifier who is no officer checks the card and is not offered 会员卡管理', async () => {
  const officer = await tokenOf('officer-changfa')
  const changfa = (await backend('GET', '/me', undefined, officer)).data.roles[0].org_id
  const me = (await backend('GET', '/me', undefined, await tokenOf('changfa-card-verifier'))).data
  const granted = await backend('POST', `/orgs/${changfa}/officers`, { user_id: me.id, role: 'verifier' }, await tokenOf('officer-binhai'))
  expect(granted.status).toBe(201)
  const verify = await scanDemoCardAs('changfa-card-verifier')
  expect(text(verify, '#verdict-label')).toBe('会员卡有效')
  expect(exists(verify, '#manage-btn')).toBe(false)
  expect(requests('GET', '/cards/by-number/')).toHaveLength(0)
})

test('a card code from a member cannot be checked by another member', async () => {
  const verify = await scanDemoCardAs('binhai-rider')
  expect(text(verify, '#verify-error')).toBe('只有工会干部和会员卡核验员可以核验会员卡。')
})

test('someone who is not a member is told so and offered to join', async () => {
  loginAs('card-stranger')
  const page = await openPage('pages/cards/card')
  expect(text(page)).toContain('您还没有通过审批的会籍，暂时没有会员卡。')
  await tap(page, '#join-btn')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: '/pages/join/index' }))
})
