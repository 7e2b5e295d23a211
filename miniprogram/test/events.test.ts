// Issue 18's screens: a member finds an event from 服务, signs up (confirmed or a waitlist place),
// cancels (the first waitlisted is promoted), checks in with the venue's code; refusals show the
// API's Chinese message; a double tap signs up once.
import { backend, dispatch, eventScene, followNavigation, loginAs, openPage, requests, tap, text, tokenOf, wxShim } from './kit'

async function eventsFromApi(persona: string): Promise<any[]> {
  const r = await backend('GET', '/events?limit=100', undefined, await tokenOf(persona))
  expect(r.status).toBe(200)
  return r.data.items
}

async function eventTitled(title: string, persona = 'officer-weihai'): Promise<any> {
  const found = (await eventsFromApi(persona)).find((e) => e.title === title)
  expect(found).toBeTruthy()
  return found
}

test('服务 → 宣讲培训 lists the open events with seats left, filtered by kind', async () => {
  loginAs('ev-browser')
  const hub = await openPage('pages/services/index')
  await tap(hub, '#entry-events')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: '/pages/events/index' }))
  wxShim.nav.push({ type: 'navigateTo', url: '/pages/events/index' })
  const list = await followNavigation()
  const expected = await eventsFromApi('ev-browser')
  const first = expected[0]
  expect(text(list, `#event-${first.id}`)).toContain(first.title)
  const full = expected.find((e) => e.seats_left === 0)
  expect(text(list, `#event-${full.id}`)).toContain('已报满，可候补')
  const open = expected.find((e) => e.seats_left > 0)
  expect(text(list, `#event-${open.id}`)).toContain(`剩余 ${open.seats_left} 个名额`)

  await tap(list, '#kind-class')
  expect(requests('GET', '/events').pop()!.path).toContain('kind=class')
  const classes = (await backend('GET', '/events?kind=class&limit=20', undefined, await tokenOf('ev-browser'))).data.items
  for (const e of classes) expect(text(list, `#event-${e.id}`)).toContain(e.title)
  expect(text(list)).not.toContain('今日宣讲')

  await tap(list, `#event-${full.id}`)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: `/pages/events/event?id=${full.id}` }))
})

test('a full event: signing up gives a waitlist place; a cancellation promotes the first in line', async () => {
  const full = await eventTitled('工匠精神小班课（报满）')
  loginAs('ev-waiting')
  const page = await openPage('pages/events/event', { id: String(full.id) })
  expect(text(page, '#event-seats')).toBe('已报满，可候补')
  expect(text(page, '#signup-btn')).toBe('候补报名')
  await tap(page, '#signup-btn')
  const mine = (await backend('GET', `/events/${full.id}/signups/mine`, undefined, await tokenOf('ev-waiting'))).data
  expect(mine.status).toBe('waitlisted')
  expect(text(page, '#result')).toBe(`名额已满，已进入候补，第 ${mine.position} 位`)
  expect(text(page, '#my-state')).toBe(`候补中：第 ${mine.position} 位`)

  // a confirmed demo worker cancels on their phone; the first waitlisted is promoted and told
  const officer = await tokenOf('officer-weihai')
  const before = (await backend('GET', `/events/${full.id}/signups?status=waitlisted`, undefined, officer)).data.items
  loginAs('weihai-worker-2')
  const theirs = await openPage('pages/events/event', { id: String(full.id) })
  expect(text(theirs, '#my-state')).toBe('已报名')
  wxShim.modalConfirm = true
  await tap(theirs, '#cancel-btn')
  expect(wxShim.modals.pop()).toEqual(expect.objectContaining({ title: '取消报名' }))
  expect(text(theirs, '#result')).toBe('已取消报名')
  expect(text(theirs, '#signup-btn')).toBe('候补报名')
  const first = before.find((s: any) => s.position === 1)
  const promoted = (await backend('GET', `/events/${full.id}/signups?status=confirmed&limit=100`, undefined, officer)).data.items
  expect(promoted.map((s: any) => s.id)).toContain(first.id)
  const after = (await backend('GET', `/events/${full.id}/signups/mine`, undefined, await tokenOf('ev-waiting'))).data
  expect(after.position).toBe(mine.position - 1)
})

test("opening the event from its venue code checks in once; another event's code is refused", async () => {
  const today = await eventTitled('今日宣讲：劳模进企业')
  loginAs('ev-attendee')
  const page = await openPage('pages/events/event', { id: String(today.id) })
  await tap(page, '#signup-btn')
  expect(text(page, '#result')).toBe('报名成功')

  const scene = eventScene(today.id)
  wxShim.scanResult = { path: `pages/events/event?scene=${encodeURIComponent(scene)}`, result: '' }
  await tap(page, '#scan-btn')
  expect(text(page, '#result')).toBe('签到成功，欢迎参加')
  expect(text(page, '#my-state')).toMatch(/^已签到（\d{4}-\d{2}-\d{2} \d{2}:\d{2}）$/)
  const checkins = requests('POST', `/events/${today.id}/checkins`)
  expect(checkins[0].status).toBe(201)
  expect(checkins[0].data).toEqual({ scene })

  // scanning again (or opening the page from the code again) is refused, in the API's words
  const again = await openPage('pages/events/event', { scene: encodeURIComponent(scene) })
  const direct = await backend('POST', `/events/${today.id}/checkins`, { scene }, await tokenOf('ev-attendee'))
  expect(direct.status).toBe(409)
  expect(text(again, '#error')).toBe(direct.data.error.message)

  const other = await eventTitled('工匠精神小班课（报满）')
  wxShim.scanResult = { path: `pages/events/event?scene=${encodeURIComponent(eventScene(other.id))}` }
  await tap(page, '#scan-btn')
  const refused = await backend('POST', `/events/${today.id}/checkins`, { scene: eventScene(other.id) }, await tokenOf('ev-attendee'))
  expect(refused.status).toBe(403)
  expect(text(page, '#error')).toBe(refused.data.error.message)
  wxShim.scanResult = { result: 'https://example.com/x' }
  await tap(page, '#scan-btn')
  expect(text(page, '#error')).toContain('不是活动的签到码')
})

test('the venue opens in the map app; a double-tapped 报名 signs up once', async () => {
  const upcoming = await eventTitled('劳模工匠进社区宣讲会')
  loginAs('ev-double')
  const page = await openPage('pages/events/event', { id: String(upcoming.id) })
  await tap(page, '#nav-btn')
  expect(wxShim.openLocation.pop()).toEqual(expect.objectContaining({
    latitude: upcoming.links.open_location.latitude, longitude: upcoming.links.open_location.longitude,
  }))
  await Promise.all([tap(page, '#signup-btn'), tap(page, '#signup-btn')])
  expect(requests('POST', `/events/${upcoming.id}/signups`)).toHaveLength(1)
  expect(text(page, '#my-state')).toBe('已报名')
})

test('点单培训: a member picks a topic from the county union menu, submits, sees it waiting', async () => {
  loginAs('jingzhou-housekeeper')
  const token = await tokenOf('jingzhou-housekeeper')
  const member = (await backend('GET', '/me/memberships', undefined, token)).data.items[0]
  const menu = (await backend('GET', `/training-requests/menu?org_id=${member.org_id}`, undefined, token)).data
  const page = await openPage('pages/training/index')
  expect(text(page)).toContain(`向${menu.decider_org.name}点单`)
  expect(text(page, '#menu-0')).toBe(menu.items[0].topic)
  await tap(page, '#submit')
  expect(text(page, '#form-error')).toBe('请填写主题、人数、希望日期和地点')
  await tap(page, '#menu-0')
  await dispatch(page, '#participants', 'input', { value: '35' })
  await dispatch(page, '#date', 'input', { value: '2027-05-10' })
  await dispatch(page, '#place', 'input', { value: '公司培训室' })
  await tap(page, '#submit')
  const posted = requests('POST', '/training-requests').pop()!
  expect(posted.status).toBe(201)
  expect(posted.data).toEqual(expect.objectContaining({ topic: menu.items[0].topic, expected_participants: 35 }))
  const mine = (await backend('GET', '/training-requests?mine=true', undefined, token)).data.items[0]
  expect(text(page, `#request-${mine.id}`)).toContain(mine.status_label)
  // a bad date is refused with the API's Chinese message
  await dispatch(page, '#topic', 'input', { value: '育婴员培训' })
  await dispatch(page, '#participants', 'input', { value: '20' })
  await dispatch(page, '#date', 'input', { value: '五月' })
  await dispatch(page, '#place', 'input', { value: '公司培训室' })
  await tap(page, '#submit')
  expect(requests('POST', '/training-requests').pop()!.status).toBe(422)
  expect(text(page, '#form-error')).toMatch(/[\u4e00-\u9fff]/)
})

test('点单培训 asks a non-member to join first', async () => {
  loginAs('ev-not-member')
  const page = await openPage('pages/training/index')
  expect(text(page)).toContain('请先申请入会')
})
