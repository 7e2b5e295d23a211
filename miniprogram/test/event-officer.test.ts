// Issue 18's officer screens: the 点单 training-request decision (schedule → a linked draft event,
// or decline with a reason), the 宣讲作品 review (publish or return), and the event management
// pages (create a draft, publish, cancel with a reason, mark attendance, finish with a headcount).
import { todoUrl } from '../miniprogram/utils/todo-routes'
import { formTime } from '../miniprogram/utils/event-form'
import { backend, dispatch, exists, find, followNavigation, loginAs, openPage, requests, tap, text, tokenOf, wxShim } from './kit'

const HOUR = 3600 * 1000
const at = (ms: number) => formTime(new Date(Date.now() + ms))

async function newTrainingRequest(topic: string): Promise<any> {
  const token = await tokenOf('jingzhou-housekeeper')
  const member = (await backend('GET', '/me/memberships?limit=20', undefined, token)).data.items.find((m: any) => m.status === 'approved')
  const day = formTime(new Date(Date.now() + 20 * 24 * HOUR)).slice(0, 10)
  const r = await backend('POST', '/training-requests', {
    org_id: member.org_id, topic, expected_participants: 30, preferred_dates: [day], place: '巧姐家政培训室',
  }, token)
  expect(r.status).toBe(201)
  return r.data
}

async function fill(page: any, values: Record<string, string>) {
  for (const [id, value] of Object.entries(values)) await dispatch(page, `#${id}`, 'input', { value })
}

test('点单: the county officer schedules a request from the queue; the linked draft event is created', async () => {
  const req = await newTrainingRequest('点单测试：收纳师培训')
  const url = todoUrl({ kind: 'training_request', object_id: req.id })
  expect(url).toBe(`/pages/training/decide/index?id=${req.id}&kind=training_request`)
  loginAs('officer-shashi')
  const page = await openPage('pages/training/decide/index', { id: String(req.id), kind: 'training_request' })
  expect(text(page, '#request-topic')).toBe('点单测试：收纳师培训')
  expect(text(page, '#request-facts')).toContain('约 30 人')
  expect(text(page, '#request-facts')).toContain(req.preferred_dates[0])
  expect(text(page, '#request-status')).toBe(req.status_label)
  expect(page.data.f.title).toBe('点单测试：收纳师培训')

  await fill(page, { 'f-speakers': '周丽萍 高级家政培训师' })
  await tap(page, '#submit-decision')
  expect(text(page, '#form-error')).toBe('请点“定位场地位置”记下场地坐标')
  expect(requests('POST', '/decisions')).toHaveLength(0)
  wxShim.location = { latitude: 30.3, longitude: 112.2 }
  await tap(page, '#locate')
  expect(text(page, '#location-text')).toContain('已定位')

  // the API's own rule (sign-up must close by the end) comes back in Chinese on the form
  const goodEnds = page.data.f.ends
  await fill(page, { 'f-ends': `${req.preferred_dates[0]} 07:00` })
  await tap(page, '#submit-decision')
  const refused = requests('POST', `/training-requests/${req.id}/decisions`).pop()!
  expect(refused.status).toBe(422)
  const direct422 = await backend('POST', `/training-requests/${req.id}/decisions`, refused.data, await tokenOf('officer-shashi'))
  expect(direct422.status).toBe(422)
  expect(text(page, '#form-error')).toBe(direct422.data.error.message)
  expect((await backend('GET', `/training-requests/${req.id}`, undefined, await tokenOf('officer-shashi'))).data.status).toBe('submitted')

  await fill(page, { 'f-ends': goodEnds })
  await Promise.all([tap(page, '#submit-decision'), tap(page, '#submit-decision')])
  expect(requests('POST', `/training-requests/${req.id}/decisions`).filter((r) => r.status === 200)).toHaveLength(1)
  expect(text(page, '#decide-result')).toBe('已安排：活动已建为草稿，去活动管理发布')
  const after = (await backend('GET', `/training-requests/${req.id}`, undefined, await tokenOf('officer-shashi'))).data
  expect(after.status).toBe('scheduled')
  expect(text(page, '#request-status')).toBe(after.status_label)
  expect(exists(page, '#submit-decision')).toBe(false)
  const ev = (await backend('GET', `/events/${after.event_id}`, undefined, await tokenOf('officer-shashi'))).data
  expect(ev.training_request_id).toBe(req.id)
  expect(ev.status).toBe('draft')
  expect(ev.speakers[0]).toEqual(expect.objectContaining({ name: '周丽萍', title: '高级家政培训师' }))
  expect(ev.capacity).toBe(30)

  await tap(page, '#open-event')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: `/pages/events/admin/index?id=${ev.id}` }))
})

test('点单: a decline needs a reason; a stale second page gets the conflict; other officers see nothing', async () => {
  const req = await newTrainingRequest('点单测试：茶艺培训')
  loginAs('officer-shashi')
  const page = await openPage('pages/training/decide/index', { id: String(req.id) })
  const stale = await openPage('pages/training/decide/index', { id: String(req.id) })
  await tap(page, '#mode-decline')
  await tap(page, '#submit-decision')
  expect(text(page, '#form-error')).toBe('请填写不予安排的原因，点单人会看到')
  await dispatch(page, '#reason', 'input', { value: '本季度师资已排满，下季度再安排' })
  await tap(page, '#submit-decision')
  expect(text(page, '#decide-result')).toBe('已答复不予安排，点单人会收到原因')
  expect(text(page, '#request-reason')).toBe('原因：本季度师资已排满，下季度再安排')
  const after = (await backend('GET', `/training-requests/${req.id}`, undefined, await tokenOf('jingzhou-housekeeper'))).data
  expect(after.status).toBe('declined')
  expect(text(page, '#request-status')).toBe(after.status_label)

  await tap(stale, '#mode-decline')
  await dispatch(stale, '#reason', 'input', { value: '重复' })
  await tap(stale, '#submit-decision')
  const conflict = requests('POST', `/training-requests/${req.id}/decisions`).pop()!
  expect(conflict.status).toBe(409)
  const direct409 = await backend('POST', `/training-requests/${req.id}/decisions`, conflict.data, await tokenOf('officer-shashi'))
  expect(direct409.status).toBe(409)
  expect(text(stale, '#form-error')).toBe(direct409.data.error.message)
  expect(text(stale, '#not-decidable')).toBe('这个点单已经处理过了')

  loginAs('officer-changfa') // a village officer elsewhere: the API's 404, shown as is
  const outsider = await openPage('pages/training/decide/index', { id: String(req.id) })
  const direct = await backend('GET', `/training-requests/${req.id}`, undefined, await tokenOf('officer-changfa'))
  expect(direct.status).toBe(404)
  expect(outsider.data.status).toBe('error')
  expect(text(outsider)).toContain(direct.data.error.message)
})

test('宣讲作品: the officer returns one work with a reason and publishes another', async () => {
  const author = await tokenOf('weihai-author')
  const mk = async (title: string) => {
    const r = await backend('POST', '/works', { title, category: 'story', link: 'https://v.example.com/t/' + encodeURIComponent(title), author_name: '曲晓燕' }, author)
    expect(r.status).toBe(201)
    return r.data
  }
  const a = await mk('测试作品：渔港里的工匠')
  const b = await mk('测试作品：夜班的灯')
  expect(todoUrl({ kind: 'event_work', object_id: a.id })).toBe(`/pages/events/work/index?id=${a.id}&kind=event_work`)
  loginAs('officer-weihai')
  const page = await openPage('pages/events/work/index', { id: String(a.id) })
  expect(text(page, '#work-title')).toBe('测试作品：渔港里的工匠')
  expect(text(page, '#work-status')).toBe(a.status_label)
  expect(text(page, '#work-link')).toBe(a.link)
  await tap(page, '#mode-return')
  await tap(page, '#submit-review')
  expect(text(page, '#form-error')).toBe('请填写退回原因，作者会看到')
  await dispatch(page, '#reason', 'input', { value: '视频声音太小，请重新录制' })
  await tap(page, '#submit-review')
  expect(text(page, '#review-result')).toBe('已退回，作者会收到原因')
  const returned = (await backend('GET', `/works/${a.id}`, undefined, author)).data
  expect(returned.status).toBe('returned')
  expect(returned.return_reason).toBe('视频声音太小，请重新录制')
  expect(text(page, '#work-status')).toBe(returned.status_label)
  expect(text(page, '#work-reason')).toBe('退回原因：视频声音太小，请重新录制')

  const second = await openPage('pages/events/work/index', { id: String(b.id) })
  await Promise.all([tap(second, '#submit-review'), tap(second, '#submit-review')])
  expect(requests('POST', `/works/${b.id}/decisions`)).toHaveLength(1)
  expect(text(second, '#review-result')).toBe('已发布，作品进入宣讲作品列表')
  const published = (await backend('GET', `/works/${b.id}`, undefined, author)).data
  expect(published.status).toBe('published')
  expect(text(second, '#work-status')).toBe(published.status_label)

  loginAs('officer-shashi') // not over Weihai: the API's 404
  const outsider = await openPage('pages/events/work/index', { id: String(a.id) })
  expect(outsider.data.status).toBe('error')
  expect(text(outsider)).toContain((await backend('GET', `/works/${a.id}`, undefined, await tokenOf('officer-shashi'))).data.error.message)
})

test('活动管理 from 服务: create a draft, publish, mark attendance for a person without a phone, finish', async () => {
  loginAs('officer-weihai')
  const hub = await openPage('pages/services/index')
  await tap(hub, '#entry-events-manage')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: '/pages/events/manage/index' }))
  const page = await openPage('pages/events/manage/index')
  const from = requests('GET', '/events').pop()!.path.match(/from=([\d-]+)/)![1]
  const listed = (await backend('GET', `/events?managed=true&limit=30&from=${from}`, undefined, await tokenOf('officer-weihai'))).data.items
  for (const e of listed.slice(0, 5)) expect(text(page, `#event-${e.id}`)).toContain(e.title)
  await tap(page, '#new-event')
  const title = `测试宣讲：渔港劳模讲安全 ${Date.now() % 100000}`
  await tap(page, '#kind-lecture')
  await fill(page, {
    'f-title': title, 'f-series': '安全生产', 'f-speakers': '王海 全国五一劳动奖章获得者\n李工',
    'f-venue': '威海港会议室', 'f-address': '威海市环翠区海港路1号',
    'f-starts': at(-0.1 * HOUR), 'f-ends': at(2 * HOUR), 'f-opens': at(-2 * HOUR), 'f-closes': at(1 * HOUR),
  })
  await tap(page, '#place-enterprise')
  await tap(page, '#create-btn')
  expect(text(page, '#form-error')).toBe('请点“定位场地位置”记下场地坐标')
  wxShim.location = { latitude: 37.5, longitude: 122.1 }
  await tap(page, '#locate')
  await tap(page, '#create-btn')
  expect(text(page, '#form-error')).toBe('线下活动请填写名额')
  await fill(page, { 'f-capacity': '40' })
  await tap(page, '#create-btn')
  expect(requests('POST', '/events').filter((r) => r.status === 201)).toHaveLength(1)
  const nav = wxShim.nav[wxShim.nav.length - 1]
  const id = Number(/id=(\d+)/.exec(nav.url!)![1])
  const token = await tokenOf('officer-weihai')
  const draft = (await backend('GET', `/events/${id}`, undefined, token)).data
  expect(draft.title).toBe(title)
  expect(draft.speakers.map((s: any) => [s.name, s.title])).toEqual([['王海', '全国五一劳动奖章获得者'], ['李工', null]])
  expect(draft.place_type).toBe('enterprise')

  const admin = await followNavigation()
  expect(text(admin, '#event-title')).toBe(title)
  expect(text(admin, '#event-status')).toBe(draft.status_label)
  expect(text(admin, '#event-place')).toBe('威海港会议室 · 威海市环翠区海港路1号')
  expect(text(admin, '#event-seats')).toBe('名额 40 · 已报名 0 · 剩余 40')
  await tap(admin, '#publish-btn')
  expect(text(admin, '#admin-result')).toBe('已发布，报名按报名时间开放')
  const published = (await backend('GET', `/events/${id}`, undefined, token)).data
  expect(published.status).toBe('published')
  expect(text(admin, '#event-status')).toBe(published.status_label)
  await tap(admin, '#code-btn') // the venue's check-in code, to print
  expect(requests('GET', `/events/${id}/qrcode`).map((r) => r.status)).toEqual([200])
  expect(String(find(admin, '#code-image').dom.getAttribute('src') || admin.data.codeUrl)).toMatch(/^data:image\/png;base64,/)

  // an elderly worker signs up through a relative; the officer marks them present
  const signup = await backend('POST', `/events/${id}/signups`, undefined, await tokenOf('evo-nophone'))
  expect(signup.status).toBe(201)
  const again = await openPage('pages/events/admin/index', { id: String(id) })
  expect(text(again, '#event-seats')).toBe('名额 40 · 已报名 1 · 剩余 39')
  expect(text(again, `#signup-${signup.data.id}`)).toContain('未签到')
  await tap(again, `#mark-${signup.data.id}`)
  await tap(again, '#mark-btn')
  expect(text(again, '#form-error')).toBe('请填写代签到原因，如 无智能手机')
  await dispatch(again, '#mark-reason', 'input', { value: '无智能手机' })
  await tap(again, '#mark-btn')
  expect(text(again, '#admin-result')).toContain('代签到')
  const marked = (await backend('GET', `/events/${id}/signups?status=confirmed`, undefined, token)).data.items[0]
  expect(marked.attended_at).toBeTruthy()
  expect(marked.attendance_reason).toBe('无智能手机')
  expect(text(again, `#signup-${signup.data.id}`)).toContain(`已签到（${marked.attendance_source_label}：无智能手机）`)
  expect(exists(again, `#mark-${signup.data.id}`)).toBe(false)

  await tap(again, '#open-finish')
  await dispatch(again, '#headcount', 'input', { value: '-3' })
  await tap(again, '#finish-btn')
  expect(text(again, '#form-error')).toBe('现场未用小程序的人数请填 0 或正整数')
  await dispatch(again, '#headcount', 'input', { value: '12' })
  await tap(again, '#finish-btn')
  expect(text(again, '#admin-result')).toBe('已结束，现场另有 12 人未用小程序签到')
  const finished = (await backend('GET', `/events/${id}`, undefined, token)).data
  expect(finished.status).toBe('finished')
  expect(finished.unregistered_attendance).toBe(12)
  expect(text(again, '#event-status')).toBe(finished.status_label)
  expect(text(again, '#event-headcount')).toBe('现场未用小程序 12 人')
  expect(exists(again, '#open-cancel')).toBe(false)
})

test('活动管理: an online draft is cancelled with a reason; a future event cannot be finished yet; workers are told who may manage', async () => {
  loginAs('officer-weihai')
  const page = await openPage('pages/events/manage/index')
  await tap(page, '#new-event')
  await tap(page, '#form-online')
  await fill(page, {
    'f-title': '测试云课堂：职工心理健康', 'f-speakers': '孙老师 心理咨询师',
    'f-starts': at(48 * HOUR), 'f-ends': at(50 * HOUR), 'f-closes': at(47 * HOUR),
  })
  await tap(page, '#create-btn')
  expect(text(page, '#form-error')).toBe('线上活动请填写直播或回放链接')
  await fill(page, { 'f-live': 'https://live.example.com/weihai/1' })
  await tap(page, '#audience-members')
  await tap(page, '#create-btn')
  expect(requests('POST', '/events').filter((r) => r.status === 201)).toHaveLength(1)
  const admin = await followNavigation()
  const ev = (await backend('GET', `/events/${admin.data.ev.id}`, undefined, await tokenOf('officer-weihai'))).data
  expect(ev.title).toBe('测试云课堂：职工心理健康')
  expect(ev.form).toBe('online')
  expect(ev.audience).toBe('members')
  expect(ev.live_url).toBe('https://live.example.com/weihai/1')
  expect(text(admin, '#event-place')).toBe(ev.form_label)
  expect(text(admin, '#event-seats')).toBe('已报名 0 人')
  await tap(admin, '#publish-btn')
  expect(exists(admin, '#open-finish')).toBe(false) // not started yet
  expect(exists(admin, '#code-btn')).toBe(false) // online: no venue code
  await tap(admin, '#open-cancel')
  await tap(admin, '#cancel-btn')
  expect(text(admin, '#form-error')).toBe('请填写取消原因，已报名的人会收到')
  await dispatch(admin, '#cancel-reason', 'input', { value: '讲师临时出差' })
  await tap(admin, '#cancel-btn')
  expect(text(admin, '#admin-result')).toBe('已取消，已通知报名的人')
  const after = (await backend('GET', `/events/${ev.id}`, undefined, await tokenOf('officer-weihai'))).data
  expect(after.status).toBe('cancelled')
  expect(text(admin, '#event-status')).toBe(after.status_label)
  expect(exists(admin, '#open-cancel')).toBe(false)

  loginAs('evo-plain-worker')
  const worker = await openPage('pages/events/manage/index')
  expect(worker.data.status).toBe('empty')
  expect(text(worker)).toContain('只有工会干部（审批人或管理员）可以管理活动')
})

test('活动管理: a lost response on 保存草稿 is retried with the same key: one draft, not two', async () => {
  loginAs('officer-weihai')
  const page = await openPage('pages/events/manage/index')
  await tap(page, '#new-event')
  await tap(page, '#form-online')
  const title = `测试云课堂：重试 ${Date.now() % 100000}`
  await fill(page, {
    'f-title': title, 'f-speakers': '孙老师', 'f-live': 'https://live.example.com/weihai/2',
    'f-starts': at(72 * HOUR), 'f-ends': at(74 * HOUR), 'f-closes': at(71 * HOUR),
  })
  wxShim.network.loseResponses = 1 // the draft is written, the phone sees a timeout
  await tap(page, '#create-btn')
  expect(text(page, '#form-error')).toContain('网络不给力')
  await tap(page, '#create-btn')
  const posts = requests('POST', '/events')
  expect(posts).toHaveLength(2)
  expect(new Set(posts.map((r) => r.header['Idempotency-Key'])).size).toBe(1)
  const mine = (await backend('GET', '/events?managed=true&kind=lecture&limit=100&from=' + at(0).slice(0, 10), undefined, await tokenOf('officer-weihai'))).data.items
  expect(mine.filter((e: any) => e.title === title)).toHaveLength(1)
  const admin = await followNavigation()
  expect(text(admin, '#event-title')).toBe(title)
})
