// Issue 19's screens: a rider sees what they are entitled to, claims the 清凉 supplies and
// gets a pick-up code with the nearest points; a claimed card code is shown to its claimer;
// station staff redeem the pick-up code once.
import { backend, loginAs, openPage, requests, tap, dispatch, text, tokenOf, wxShim, exists } from './kit'

const JINGZHOU = { latitude: 30.33, longitude: 112.24 }

test('a rider sees their benefits, claims the cooling supplies and gets a pick-up code', async () => {
  loginAs('jz-rider-290')
  wxShim.location = JINGZHOU
  const token = await tokenOf('jz-rider-290')
  const entitled = (await backend('GET', '/me/benefits', undefined, token)).data.items
  const cooling = entitled.find((e: any) => e.campaign.kind === 'supply').campaign
  expect(cooling).toBeTruthy()

  const list = await openPage('pages/benefits/index')
  for (const e of entitled) expect(text(list, `#benefit-${e.campaign.id}`)).toContain(e.campaign.name)
  expect(text(list, `#benefit-${cooling.id}`)).toContain('可领取')
  expect(text(list, `#benefit-${cooling.id}`)).toContain('截止')
  await tap(list, `#benefit-${cooling.id}`)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/benefits/detail?id=${cooling.id}` }))

  const page = await openPage('pages/benefits/detail', { id: String(cooling.id) })
  expect(text(page, '#campaign-name')).toBe(cooling.name)
  await tap(page, '#claim-btn')
  const sent = requests('POST', `/benefits/${cooling.id}/claims`)
  expect(sent).toHaveLength(1)
  expect(sent[0].status).toBe(201)
  expect(sent[0].data).toEqual({ lat: JINGZHOU.latitude, lng: JINGZHOU.longitude })
  expect(sent[0].header['Idempotency-Key']).toBeTruthy()
  const mine = (await backend('GET', '/me/benefits/claims', undefined, token)).data.items
  const claim = (await backend('GET', `/me/benefits/claims/${mine.find((c: any) => c.campaign_id === cooling.id).id}`, undefined, token)).data
  expect(text(page, '#pickup-code')).toBe(`领取码：${claim.pickup_code}`)
  expect(text(page, '#my-claim')).toContain(claim.nearby_points[0].name)
  expect(exists(page, '#claim-btn')).toBe(false)

  // opened again later, the page shows the same claim
  const again = await openPage('pages/benefits/detail', { id: String(cooling.id) })
  expect(text(again, '#pickup-code')).toBe(`领取码：${claim.pickup_code}`)

  // the station's staff redeem it once
  loginAs('officer-jingzhou')
  const staff = await openPage('pages/benefits/redeem')
  await dispatch(staff, '#code', 'input', { value: claim.pickup_code.toLowerCase() })
  await tap(staff, '#redeem-btn')
  expect(text(staff, '#redeem-result')).toContain(cooling.name)
  await dispatch(staff, '#code', 'input', { value: claim.pickup_code })
  await tap(staff, '#redeem-btn')
  const direct = await backend('POST', `/benefits/pickups/${claim.pickup_code}/redeem`, undefined, await tokenOf('officer-jingzhou'))
  expect(direct.status).toBe(409)
  expect(text(staff, '#redeem-error')).toBe(direct.data.error.message)
  await dispatch(staff, '#code', 'input', { value: 'abc' })
  await tap(staff, '#redeem-btn')
  expect(text(staff, '#redeem-error')).toBe('领取码是 10 位字母或数字')
})

test('a claimed e-reading card shows its code to the claimer only', async () => {
  loginAs('jz-rider-3')
  const token = await tokenOf('jz-rider-3')
  const entitled = (await backend('GET', '/me/benefits', undefined, token)).data.items
  const cards = entitled.find((e: any) => e.campaign.kind === 'code_card')
  expect(cards.claimed).toBe(true)
  const claim = (await backend('GET', `/me/benefits/claims/${cards.claim.id}`, undefined, token)).data
  const page = await openPage('pages/benefits/detail', { id: String(cards.campaign.id) })
  expect(text(page, '#card-code')).toBe(`卡号：${claim.code}`)
  const other = await backend('GET', `/me/benefits/claims/${cards.claim.id}`, undefined, await tokenOf('jz-rider-4'))
  expect(other.status).toBe(404)
})

test('someone who is not a member sees an empty list, and a claim shows the API refusal', async () => {
  loginAs('bene-stranger')
  const list = await openPage('pages/benefits/index')
  expect(text(list, '#state-message')).toBe('暂时没有你可以领取的福利')
  const officer = await tokenOf('officer-jingzhou')
  const campaigns = (await backend('GET', '/benefits', undefined, officer)).data.items
  const cooling = campaigns.find((c: any) => c.kind === 'supply')
  const page = await openPage('pages/benefits/detail', { id: String(cooling.id) })
  await tap(page, '#claim-btn')
  const direct = await backend('POST', `/benefits/${cooling.id}/claims`, {}, await tokenOf('bene-stranger'))
  expect(direct.status).toBe(403)
  expect(text(page, '#form-error')).toBe(direct.data.error.message)
})

test('服务 has the benefits entries', async () => {
  loginAs('jz-rider-291')
  const hub = await openPage('pages/services/index')
  expect(text(hub, '#entry-benefits')).toContain('我的福利')
  await tap(hub, '#entry-benefits')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: '/pages/benefits/index' }))
})
