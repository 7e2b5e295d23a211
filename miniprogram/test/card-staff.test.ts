// Station staff and the member card: a card verifier of 荆州 checks a rider in at a station by
// scanning the rider's card (pages/station-admin/index), and hands the 清凉 supplies over on the
// card at a pick-up point (pages/benefits/redeem); refusals in Chinese; not shown to others.
import { backend, exists, loginAs, openPage, requests, tap, text, tokenOf, wxShim } from './kit'

const COOLING = '清凉全覆盖·外卖骑手送清凉'

/** 荆州's admin, its org and an open station. */
async function jingzhou() {
  const admin = await tokenOf('officer-jingzhou')
  const org = (await backend('GET', '/me', undefined, admin)).data.roles.find((r: any) => r.role === 'admin')
  const stations = (await backend('GET', `/orgs/${org.org_id}/stations?limit=100`, undefined, admin)).data.items
  return { admin, orgId: org.org_id as number, station: stations.find((s: any) => s.status === 'active') }
}

/** `persona` becomes a card verifier of `orgId` (station staff, no officer role). */
async function verifier(persona: string, orgId: number, admin: string): Promise<void> {
  const token = await tokenOf(persona)
  const me = (await backend('GET', '/me', undefined, token)).data
  if ((me.roles || []).some((r: any) => r.role === 'verifier' && r.org_id === orgId)) return
  const granted = await backend('POST', `/orgs/${orgId}/officers`, { user_id: me.id, role: 'verifier' }, admin)
  expect(granted.status).toBe(201)
}

async function cardToken(persona: string): Promise<string> {
  const card = await backend('GET', '/me/card', undefined, await tokenOf(persona))
  expect(card.status).toBe(200)
  return card.data.token.token
}

function forge(token: string): string {
  const parts = token.split('.')
  const sig = parts[3]
  parts[3] = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11)
  return parts.join('.')
}

test('station staff scan a rider\'s card: checked in, then not counted again, a forged code refused', async () => {
  const { admin, orgId, station } = await jingzhou()
  await verifier('mp20b-station-staff', orgId, admin)
  const token = await cardToken('jz-rider-202')
  const masked = (await backend('POST', '/cards/verify', { token }, admin)).data.masked_name
  expect(masked).toMatch(/\*/)

  loginAs('mp20b-station-staff')
  const page = await openPage('pages/station-admin/index')
  expect(text(page, `#station-${station.id}`)).toContain(station.name)
  expect(text(page, `#card-checkin-${station.id}`)).toBe('扫会员卡签到')
  await tap(page, `#station-${station.id}`)
  expect(wxShim.nav).toHaveLength(0) // editing is for admins

  wxShim.scanResult = null // the staff member closes the camera: nothing sent
  await tap(page, `#card-checkin-${station.id}`)
  expect(requests('POST', '/checkins/card')).toHaveLength(0)

  wxShim.scanResult = { result: token }
  await tap(page, `#card-checkin-${station.id}`)
  const first = requests('POST', `/stations/${station.id}/checkins/card`).pop()!
  expect(first.status).toBe(201)
  expect(first.data).toEqual({ token })
  expect(first.header['Idempotency-Key']).toBeTruthy()
  const shown = text(page, `#checkin-result-${station.id}`)
  expect(shown.startsWith(`已签到：${masked}，`)).toBe(true)
  expect(shown).toMatch(/今日到访 \d+ 人次$/)

  await tap(page, `#card-checkin-${station.id}`)
  expect(requests('POST', '/checkins/card').pop()!.status).toBe(201)
  expect(text(page, `#checkin-result-${station.id}`)).toBe(`本时段已签到过：${masked}，不重复计数`)

  wxShim.scanResult = { result: forge(token) }
  await tap(page, `#card-checkin-${station.id}`)
  const refused = requests('POST', '/checkins/card').pop()!
  expect(refused.status).toBe(422)
  expect(refused.header['Idempotency-Key']).not.toBe(first.header['Idempotency-Key'])
  const direct = await backend('POST', `/stations/${station.id}/checkins/card`, { token: forge(token) }, admin)
  expect(direct.data.error.details.verdict).toBe('forged')
  expect(text(page, `#checkin-result-${station.id}`)).toBe(direct.data.error.message)
  expect(text(page, `#checkin-result-${station.id}`)).toContain('签名不符')
})

test('a worker without a role is told who may use the page, and sees no scan', async () => {
  loginAs('demo-worker')
  const page = await openPage('pages/station-admin/index')
  expect(text(page, '#state-message')).toBe('只有工会干部和驿站核验员可以使用驿站管理')
  expect(exists(page, '[id^=card-checkin]')).toBe(false)
})

test('card pick-up: staff pick the campaign, scan the rider\'s card once; again or without a claim is refused', async () => {
  const { admin, orgId } = await jingzhou()
  await verifier('mp20b-point-staff', orgId, admin)
  const campaigns = (await backend('GET', '/benefits?card_pickup=true', undefined, await tokenOf('mp20b-point-staff'))).data.items
  const cooling = campaigns.find((c: any) => c.name === COOLING)
  expect(cooling.card_pickup).toBe(true)
  const token = await cardToken('jz-rider-203')

  loginAs('mp20b-point-staff')
  const page = await openPage('pages/benefits/redeem', { campaign: String(cooling.id) })
  expect(text(page, '#card-pickup')).toContain('凭会员卡领取')
  expect(text(page, `#campaign-${cooling.id}`)).toBe(COOLING)
  expect(page.data.campaignId).toBe(cooling.id)

  wxShim.scanResult = { result: token }
  await tap(page, '#card-pickup-btn')
  const handed = requests('POST', `/benefits/${cooling.id}/card-pickups`).pop()!
  expect(handed.status).toBe(200)
  expect(handed.header['Idempotency-Key']).toBeTruthy()
  expect(text(page, '#card-pickup-result')).toContain(`已领取：${COOLING}`)
  const claims = (await backend('GET', '/me/benefits/claims', undefined, await tokenOf('jz-rider-203'))).data.items
  expect(claims.find((c: any) => c.campaign_id === cooling.id || c.campaign_name === COOLING).status).toBe('redeemed')

  // the same card again (a fresh code): handed over already
  wxShim.scanResult = { result: await cardToken('jz-rider-203') }
  await tap(page, '#card-pickup-btn')
  expect(requests('POST', '/card-pickups').pop()!.status).toBe(409)
  expect(text(page, '#card-pickup-error')).toMatch(/^该会员已领取过（\d{4}-\d{2}-\d{2} \d{2}:\d{2}），不能重复领取$/)

  // a rider who never claimed the supplies
  wxShim.scanResult = { result: await cardToken('jz-rider-295') }
  await tap(page, '#card-pickup-btn')
  expect(requests('POST', '/card-pickups').pop()!.status).toBe(404)
  expect(text(page, '#card-pickup-error')).toBe('该会员在此没有待领取的福利。')

  // a forged card code: the verdict's reason
  wxShim.scanResult = { result: forge(token) }
  await tap(page, '#card-pickup-btn')
  expect(requests('POST', '/card-pickups').pop()!.status).toBe(422)
  expect(text(page, '#card-pickup-error')).toContain('签名不符')
})

test('the card pick-up is not offered to someone who may not hand anything over', async () => {
  loginAs('demo-worker')
  const page = await openPage('pages/benefits/redeem')
  expect(requests('GET', '/benefits').pop()!.status).toBe(200)
  expect(exists(page, '#card-pickup')).toBe(false)
  expect(exists(page, '#code')).toBe(true)
})
