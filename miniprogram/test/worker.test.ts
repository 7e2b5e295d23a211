// Issue 17's first flow: a worker finds the nearest open station with drinking water, navigates
// and checks in by scanning; rating after the visit; weak signal and double taps.
import { backend, backendInfo, dispatch, exists, find, findAll, followNavigation, loginAs, openPage, requests, signScene, tap, text, pngFile, tokenOf, wxShim } from './kit'

const XINING = { latitude: 36.6171, longitude: 101.7782 }

async function nearbyFromApi(query: string) {
  const r = await backend('GET', `/stations/nearby?lat=${XINING.latitude}&lng=${XINING.longitude}&coord=gcj02&radius=1000&limit=20${query}`)
  expect(r.status).toBe(200)
  return r.data
}

test('a worker finds the nearest open station with drinking water, navigates and checks in by scanning', async () => {
  loginAs('demo-worker')
  wxShim.location = XINING
  const page = await openPage('pages/nearby/index')
  expect(text(page)).toContain('营业中')

  await tap(page, '#chip-drinking_water')
  await tap(page, '#chip-open')
  const last = requests('GET', '/stations/nearby').pop()!
  expect(last.path).toContain('services=drinking_water')
  expect(last.path).toContain('open_now=true')

  const expected = await nearbyFromApi('&services=drinking_water&open_now=true')
  const target = expected.items[0] || expected.nearest_outside
  expect(target).toBeTruthy()
  const cards = findAll(page, '.card')
  expect(cards.length).toBe(Math.max(expected.items.length, 1))
  expect(text(page, `#station-${target.id}`)).toContain(target.name)
  expect(text(page, `#station-${target.id}`)).toContain(`步行约 ${target.walk_minutes} 分钟`)
  expect(text(page, `#station-${target.id}`)).toContain(target.today_hours)
  expect(text(page, `#station-${target.id}`)).toContain('饮用水')
  expect(text(page, '.card')).toContain(target.name) // the first card is the nearest

  await tap(page, `#station-${target.id}`)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/station/index?id=${target.id}` }))
  wxShim.nav.push({ type: 'navigateTo', url: `/pages/station/index?id=${target.id}` })
  const station = await followNavigation()
  expect(text(station, '#station-name')).toBe(target.name)

  await tap(station, '#nav-btn')
  expect(wxShim.openLocation).toEqual([expect.objectContaining({
    latitude: target.open_location.latitude, longitude: target.open_location.longitude, name: target.name,
  })])

  // iOS hands the path with the scene URL-encoded
  const scene = signScene(target.id)
  wxShim.scanResult = { path: `pages/station/index?scene=${encodeURIComponent(scene)}`, result: '' }
  await tap(station, '#scan-btn')
  expect(text(station, '#checkin-result')).toMatch(/签到成功，今天第 \d+ 人次来访/)
  const checkin = requests('POST', `/stations/${target.id}/checkins`)
  expect(checkin).toHaveLength(1)
  expect(checkin[0].status).toBe(201)
  expect(checkin[0].data).toEqual({ scene })

  // Android hands it raw; within 10 minutes it is not counted again
  wxShim.scanResult = { path: `pages/station/index?scene=${scene}` }
  await tap(station, '#scan-btn')
  expect(text(station, '#checkin-result')).toContain('10 分钟内已签到过')
})

test('opening the station page from its code (onLoad({scene})) checks in', async () => {
  loginAs('demo-member')
  const { items } = await nearbyFromApi('')
  const target = items[1] || items[0]
  const page = await openPage('pages/station/index', { scene: encodeURIComponent(signScene(target.id)) })
  expect(text(page, '#station-name')).toBe(target.name)
  expect(text(page, '#checkin-result')).toContain('签到成功')
})

test("another station's code is refused with the API's message and nothing is counted", async () => {
  loginAs('demo-worker')
  const { items } = await nearbyFromApi('')
  const [here, other] = items
  const page = await openPage('pages/station/index', { id: String(here.id) })
  wxShim.scanResult = { path: `pages/station/index?scene=${encodeURIComponent(signScene(other.id))}` }
  await tap(page, '#scan-btn')
  const direct = await backend('POST', `/stations/${here.id}/checkins`, { scene: signScene(other.id) }, await tokenOf('demo-worker'))
  expect(direct.status).toBe(403)
  expect(text(page, '#checkin-error')).toBe(direct.data.error.message)
  expect(exists(page, '#checkin-result')).toBe(false)
  // a code that is not a station's at all
  wxShim.scanResult = { result: 'https://example.com/x' }
  await tap(page, '#scan-btn')
  expect(text(page, '#checkin-error')).toContain('不是服务站的签到码')
})

test('rating without a check-in shows the API refusal; after a check-in it is listed', async () => {
  loginAs('demo-rater')
  const { items } = await nearbyFromApi('')
  const target = items[0]
  const page = await openPage('pages/station/index', { id: String(target.id) })
  await tap(page, '#submit-feedback')
  expect(text(page, '#form-error')).toBe('请先点星星打分')
  await tap(page, '#star-4')
  await dispatch(page, '#feedback-text', 'input', { value: '热水很方便，谢谢' })
  await tap(page, '#submit-feedback')
  const refused = requests('POST', '/feedback').pop()!
  expect(refused.status).toBe(403)
  const direct = await backend('POST', `/stations/${target.id}/feedback`, { rating: 4 }, await tokenOf('demo-rater'))
  expect(direct.data.error.code).toBe('checkin_required')
  expect(text(page, '#form-error')).toBe(direct.data.error.message)

  wxShim.scanResult = { path: `pages/station/index?scene=${encodeURIComponent(signScene(target.id))}` }
  await tap(page, '#scan-btn')
  await tap(page, '#submit-feedback')
  expect(wxShim.toasts.map((t) => t.title)).toContain('感谢你的评价')
  expect(text(page, '#feedback-list')).toContain('热水很方便，谢谢')
  expect(text(page, '#rating')).toMatch(/分（\d+ 人评价）/)
})

test("an officer's answer to feedback is shown under it", async () => {
  const { items } = await nearbyFromApi('')
  // the demo feedback of Xining's first station has an answer or gets one now
  const officer = await tokenOf('officer-xining')
  let answeredText = ''
  for (const s of items) {
    const fb = await backend('GET', `/stations/${s.id}/feedback`)
    const item = fb.data.items[0]
    if (!item) continue
    if (!item.answer) {
      const r = await backend('POST', `/feedback/${item.id}/answer`, { answer: '已安排维修，感谢反馈', version: item.version }, officer)
      if (r.status !== 200 && r.status !== 201) continue
    }
    const page = await openPage('pages/station/index', { id: String(s.id) })
    answeredText = text(page, `#feedback-${item.id}`)
    break
  }
  expect(answeredText).toContain('工会回复：')
})

test('double-tapped submit and a retry after a lost answer write ONE feedback', async () => {
  loginAs('demo-twice')
  const { items } = await nearbyFromApi('')
  const target = items[2] || items[0]
  const token = await tokenOf('demo-twice')
  expect((await backend('POST', `/stations/${target.id}/checkins`, { scene: signScene(target.id) }, token)).status).toBe(201)
  const page = await openPage('pages/station/index', { id: String(target.id) })
  await tap(page, '#star-5')
  await dispatch(page, '#feedback-text', 'input', { value: '双击也只写一次' })
  await Promise.all([tap(page, '#submit-feedback'), tap(page, '#submit-feedback')])
  expect(requests('POST', '/feedback')).toHaveLength(1)

  // the next one: the answer is lost on the way back, the worker taps again
  await tap(page, '#star-3')
  await dispatch(page, '#feedback-text', 'input', { value: '超时后重试不重复' })
  wxShim.network.loseResponses = 1
  await tap(page, '#submit-feedback')
  expect(text(page, '#form-error')).toContain('网络不给力')
  await tap(page, '#submit-feedback')
  const posts = requests('POST', '/feedback').slice(1)
  expect(posts.map((p) => p.outcome)).toEqual(['lost', 'ok'])
  expect(posts[0].header['Idempotency-Key']).toBe(posts[1].header['Idempotency-Key'])
  const listed = (await backend('GET', `/stations/${target.id}/feedback?limit=100`)).data.items
  expect(listed.filter((f: any) => f.text === '超时后重试不重复')).toHaveLength(1)
  expect(listed.filter((f: any) => f.text === '双击也只写一次')).toHaveLength(1)
})

test('weak signal: the last results with a banner; no cache → a Chinese error with retry', async () => {
  wxShim.location = XINING
  const first = await openPage('pages/nearby/index')
  const names = findAll(first, '.card').length
  expect(names).toBeGreaterThan(0)
  expect(exists(first, '#stale-banner')).toBe(false)

  wxShim.network.offline = true
  const again = await openPage('pages/nearby/index')
  expect(text(again, '#stale-banner')).toContain('网络不佳，显示上次结果')
  expect(findAll(again, '.card').length).toBe(names)

  wxShim.storage.delete('gh.cache:nearby') // a first start: nothing cached yet
  const empty = await openPage('pages/nearby/index')
  expect(text(empty)).toContain('网络不给力')
  wxShim.network.offline = false
  await tap(empty, '#retry')
  expect(findAll(empty, '.card').length).toBe(names)
})

test('location refused: a clear hint and a retry', async () => {
  wxShim.location = null
  const page = await openPage('pages/nearby/index')
  expect(text(page, '#location-hint')).toContain('无法获取你的位置')
  expect(requests('GET', '/stations/nearby')).toHaveLength(0)
  wxShim.location = XINING
  await tap(page, '#retry-location')
  expect(findAll(page, '.card').length).toBeGreaterThan(0)
})

test('privacy: the popup asks first; agreeing continues to the location, refusing shows the hint', async () => {
  wxShim.privacy.agreed = false
  const page = await openPage('pages/nearby/index')
  expect(text(page)).toContain('隐私保护提示')
  expect(wxShim.privacy.events).toContain('exposureAuthorization')
  await dispatch(page, '#agree-btn', 'agreeprivacyauthorization')
  expect(text(page)).not.toContain('隐私保护提示')
  expect(findAll(page, '.card').length).toBeGreaterThan(0)

  wxShim.privacy.agreed = false
  const other = await openPage('pages/nearby/index')
  await tap(other, '#disagree-btn')
  expect(text(other, '#location-hint')).toContain('无法获取你的位置')
})

test('map view: markers of the listed stations; a marker opens its station', async () => {
  wxShim.location = XINING
  const page = await openPage('pages/nearby/index')
  await tap(page, '#toggle-view')
  const map = find(page, '#map')
  expect(map).toBeTruthy()
  const ids = page.data.cards.map((c: any) => c.id)
  expect(page.data.markers.map((m: any) => m.id)).toEqual(ids)
  expect(page.data.markers[0]).toEqual(expect.objectContaining({
    latitude: page.data.cards[0].open_location.latitude, longitude: page.data.cards[0].open_location.longitude }))
  await dispatch(page, '#map', 'markertap', { markerId: ids[0] })
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: `/pages/station/index?id=${ids[0]}` }))
  await tap(page, '#toggle-view')
  expect(exists(page, '#map')).toBe(false)
})

test('nothing within 1 km: the nearest station is shown anyway', async () => {
  wxShim.location = { latitude: 36.75, longitude: 101.95 }
  const api = (await backend('GET', '/stations/nearby?lat=36.75&lng=101.95&radius=1000&limit=20')).data
  expect(api.items).toHaveLength(0)
  const page = await openPage('pages/nearby/index')
  expect(text(page, '#nearest-outside')).toContain('1 公里内没有服务站，离你最近的是')
  expect(text(page, `#station-${api.nearest_outside.id}`)).toContain(api.nearest_outside.name)
})

test("the station's photos (uploaded by its officer) are shown from the API host", async () => {
  const api = require('../miniprogram/utils/api') as typeof import('../miniprogram/utils/api')
  const { items } = await nearbyFromApi('')
  const target = items[3] || items[0]
  loginAs('officer-xining')
  const photo = await api.upload<{ id: number }>(`/stations/${target.id}/photos`, pngFile(320, 240))
  const current = await api.get(`/stations/${target.id}`)
  await api.patch(`/stations/${target.id}`, { photos: [photo.id], version: current.version })
  loginAs('demo-worker')
  const page = await openPage('pages/station/index', { id: String(target.id) })
  const src = page.data.photos.map((p: any) => p.src)
  expect(src).toHaveLength(1)
  expect(src[0]).toMatch(new RegExp(`^${backendInfo().baseUrl}/api/v1/stations/photos/${photo.id}`))
  expect(findAll(page, '.photo')).toHaveLength(1)
})
