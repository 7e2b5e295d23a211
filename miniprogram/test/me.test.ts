// 我的 against the real backend: picture (chooseAvatar → upload → PATCH /me), nickname (form
// submit), phone binding (getPhoneNumber), my membership, messages with the unread badge (the
// page and the tab bar), consents and their withdrawal, data export, account cancellation.
import { backend, dispatch, exists, followNavigation, loginAs, openPage, pngFile, requests, tap, text, tokenOf, wxShim } from './kit'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
function idNumber(seq: number): string {
  const first17 = `32092219850505${String(seq % 1000).padStart(3, '0')}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return first17 + '10X98765432'[sum % 11]
}

let badges: any[] = []
beforeEach(() => {
  badges = []
  const w = (globalThis as any).wx
  w.setTabBarBadge = (o: any) => { badges.push(Object.assign({ type: 'set' }, o)); o.success && o.success({}) }
  w.removeTabBarBadge = (o: any) => { badges.push(Object.assign({ type: 'remove' }, o)); o.success && o.success({}) }
})

/** The persona applies to 长法村 through the API (consent + application); returns its id. */
async function applyByApi(persona: string, seq: number, name: string): Promise<number> {
  const token = await tokenOf(persona)
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'membership')
  const c = await backend('POST', '/me/consents', { purpose: 'membership', data_kinds: policy.data_kinds, policy_version: policy.version }, token)
  expect(c.status).toBe(201)
  const org = (await backend('GET', `/orgs?q=${encodeURIComponent('长法村')}`, undefined, token)).data.items.find((o: any) => o.name === '长法村')
  const m = await backend('POST', '/memberships', { org_id: org.id, real_name: name, id_number: idNumber(seq), employer: '某配送站', occupation: '骑手', industry: 'food_delivery' }, token)
  expect(m.status).toBe(201)
  return m.data.id
}

test('the picture is chosen with chooseAvatar, uploaded and shown', async () => {
  loginAs('mp-me-ann')
  const page = await openPage('pages/me/index')
  expect(exists(page, '#avatar')).toBe(false)
  await dispatch(page, '#avatar-btn', 'chooseavatar', { avatarUrl: pngFile(96, 96, 'avatar.png') })
  expect(requests('POST', '/files')).toHaveLength(1)
  const patches = requests('PATCH', '/me')
  expect(patches).toHaveLength(1)
  expect(Object.keys(patches[0].data)).toEqual(['avatar_file_id'])
  const me = (await backend('GET', '/me', undefined, await tokenOf('mp-me-ann'))).data
  expect(me.avatar_url).toBeTruthy()
  expect(exists(page, '#avatar')).toBe(true)
  expect(exists(page, '#avatar-empty')).toBe(false)
  expect(page.data.avatarUrl).toBe(me.avatar_url) // the <image src>
})

test('the nickname is set through the form (type=nickname) and a bad one shows the API message', async () => {
  loginAs('mp-me-ben')
  const page = await openPage('pages/me/index')
  await tap(page, '#edit-name')
  expect(exists(page, '#nickname-input')).toBe(true)
  await dispatch(page, '#name-form', 'submit', { value: { nickname: '   ' } })
  expect(text(page, '#profile-error')).toBe('请输入昵称')
  expect(requests('PATCH', '/me')).toHaveLength(0)
  await dispatch(page, '#name-form', 'submit', { value: { nickname: '骑手阿本' } })
  expect(requests('PATCH', '/me')[0].data).toEqual({ nickname: '骑手阿本' })
  expect(text(page, '#nickname')).toBe('骑手阿本')
  expect((await backend('GET', '/me', undefined, await tokenOf('mp-me-ben'))).data.nickname).toBe('骑手阿本')
  // too long for the API: its Chinese message, nothing changed
  await tap(page, '#edit-name')
  await dispatch(page, '#name-form', 'submit', { value: { nickname: '名'.repeat(40) } })
  expect(requests('PATCH', '/me')[1].status).toBe(422)
  expect(text(page, '#profile-error')).toMatch(/[\u4e00-\u9fa5]/)
  expect((await backend('GET', '/me', undefined, await tokenOf('mp-me-ben'))).data.nickname).toBe('骑手阿本')
  // WeChat's content check refuses it (the fake's blocked word): the API's message, kept as is
  await dispatch(page, '#name-form', 'submit', { value: { nickname: '违禁词小王' } })
  const refused = requests('PATCH', '/me')[2]
  expect(refused.status).toBe(422)
  expect(text(page, '#profile-error')).toMatch(/[\u4e00-\u9fa5]/)
  expect(text(page, '#nickname-input') + page.data.nickname).not.toContain('违禁词小王')
  expect((await backend('GET', '/me', undefined, await tokenOf('mp-me-ben'))).data.nickname).toBe('骑手阿本')
})

test('the phone number is bound with getPhoneNumber; a refusal sends nothing', async () => {
  loginAs('mp-me-cat')
  const page = await openPage('pages/me/index')
  expect(text(page, '#phone-text')).toBe('未绑定手机号')
  await dispatch(page, '#phone-btn', 'getphonenumber', { errMsg: 'getPhoneNumber:fail user deny' })
  expect(text(page, '#phone-error')).toBe('未获取到手机号，可稍后再绑定')
  expect(requests('POST', '/auth/phone')).toHaveLength(0)
  await dispatch(page, '#phone-btn', 'getphonenumber', { code: 'mock-phone:13912345678', errMsg: 'getPhoneNumber:ok' })
  expect(requests('POST', '/auth/phone')[0].data).toEqual({ code: 'mock-phone:13912345678' })
  const me = (await backend('GET', '/me', undefined, await tokenOf('mp-me-cat'))).data
  expect(me.phone).toMatch(/^1\*+5678$/) // masked by the API
  expect(text(page, '#phone-text')).toBe(`手机号 ${me.phone}`)
  expect(exists(page, '#phone-btn')).toBe(false)
})

test('my membership, the message about its decision with the unread badge, and read marks', async () => {
  loginAs('mp-me-dan')
  let page = await openPage('pages/me/index')
  expect(text(page, '#membership')).toContain('未入会')
  expect(exists(page, '#unread-badge')).toBe(false)
  await tap(page, '#membership')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: '/pages/join/index' }))

  const id = await applyByApi('mp-me-dan', 201, '阿丹')
  const ok = await backend('POST', `/memberships/${id}/decision`, { action: 'approve', version: 1 }, await tokenOf('officer-changfa'))
  expect(ok.status).toBe(200)

  page = await openPage('pages/me/index')
  expect(text(page, '#membership')).toContain('已入会 · 长法村')
  expect(text(page, '#unread-badge')).toBe('1')
  expect(badges.pop()).toEqual(expect.objectContaining({ type: 'set', index: 3, text: '1' }))
  await tap(page, '#entry-messages')
  const inbox = await followNavigation()
  const msgs = (await backend('GET', '/me/messages', undefined, await tokenOf('mp-me-dan'))).data.items
  expect(msgs).toHaveLength(1)
  expect(text(inbox, `#msg-${msgs[0].id}`)).toContain(msgs[0].title)
  expect(text(inbox, `#msg-${msgs[0].id}`)).toContain('长法村')
  expect(text(inbox, '#unread-text')).toBe('1 条未读')
  expect(exists(inbox, `#dot-${msgs[0].id}`)).toBe(true)
  await tap(inbox, `#msg-${msgs[0].id}`)
  expect(requests('POST', `/me/messages/${msgs[0].id}/read`)).toHaveLength(1)
  expect(text(inbox, '#unread-text')).toBe('没有未读消息')
  expect(exists(inbox, `#dot-${msgs[0].id}`)).toBe(false)
  expect(badges.pop()).toEqual(expect.objectContaining({ type: 'remove', index: 3 }))
  // the message opens the application it is about
  expect(wxShim.nav[wxShim.nav.length - 1]).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/members/detail?id=${id}` }))
  const detail = await followNavigation()
  expect(text(detail, '#headline')).toBe('已入会')
})

test('全部已读 clears every unread message', async () => {
  const a = await applyByApi('mp-me-eve', 202, '阿伊')
  await backend('POST', `/memberships/${a}/decision`, { action: 'reject', reason: '资料不全', version: 1 }, await tokenOf('officer-changfa'))
  loginAs('mp-me-eve')
  const inbox = await openPage('pages/me/messages/index')
  expect(text(inbox, '#unread-text')).toBe('1 条未读')
  expect(text(inbox)).toContain('资料不全')
  await tap(inbox, '#read-all')
  expect(text(inbox, '#unread-text')).toBe('没有未读消息')
  expect((await backend('GET', '/me/messages/unread-count', undefined, await tokenOf('mp-me-eve'))).data.unread).toBe(0)
})

test('consents are listed and withdrawn; the data export shows what is held', async () => {
  await applyByApi('mp-me-fox', 203, '阿福')
  loginAs('mp-me-fox')
  const page = await openPage('pages/me/privacy/index')
  const consents = (await backend('GET', '/me/consents', undefined, await tokenOf('mp-me-fox'))).data.items
  expect(consents.length).toBeGreaterThan(0)
  const c = consents[0]
  expect(text(page, `#consent-${c.id}`)).toContain(`${c.purpose_label} · ${c.data_kind_label}`)
  expect(text(page, `#consent-state-${c.id}`)).toBe('有效')
  wxShim.modalConfirm = false
  await tap(page, `#withdraw-${c.id}`)
  expect(requests('POST', '/withdraw')).toHaveLength(0)
  wxShim.modalConfirm = true
  await tap(page, `#withdraw-${c.id}`)
  expect(requests('POST', `/me/consents/${c.id}/withdraw`)).toHaveLength(1)
  expect(text(page, `#consent-state-${c.id}`)).toBe('已撤回')
  expect(exists(page, `#withdraw-${c.id}`)).toBe(false)

  await tap(page, '#export-btn')
  expect(text(page, '#export-summary')).toContain('入会申请1 条')
  expect(text(page, '#export-summary')).toContain('授权记录')
})

test('account cancellation: confirm modal; blocked while an application is open, else scheduled', async () => {
  await applyByApi('mp-me-gus', 204, '阿古')
  loginAs('mp-me-gus')
  let page = await openPage('pages/me/privacy/index')
  expect(exists(page, '#deletion')).toBe(false)
  wxShim.modalConfirm = false
  await tap(page, '#cancel-account')
  expect(wxShim.modals[0].title).toBe('注销账号')
  expect(requests('POST', '/me/deletion-request')).toHaveLength(0)
  wxShim.modalConfirm = true
  await tap(page, '#cancel-account')
  const d = (await backend('GET', '/me/deletion-request', undefined, await tokenOf('mp-me-gus'))).data
  expect(d.status).toBe('blocked')
  expect(text(page, '#deletion-status')).toBe(d.status_label)
  expect(text(page, '#deletion')).toContain('入会申请')
  expect(exists(page, '#cancel-account')).toBe(true) // may ask again once closed

  loginAs('mp-me-hal')
  page = await openPage('pages/me/privacy/index')
  await tap(page, '#cancel-account')
  expect(requests('POST', '/me/deletion-request').pop()!.status).toBe(201)
  expect(text(page, '#deletion-status')).not.toBe(d.status_label)
  expect(text(page, '#deletion-status')).toMatch(/[\u4e00-\u9fa5]/)
  expect(exists(page, '#cancel-account')).toBe(false)
})

test('退出登录 asks first, then forgets the tokens and drafts and shows the logged-out state; cancel keeps all', async () => {
  loginAs('mp-me-logout')
  const page = await openPage('pages/me/index')
  expect(exists(page, '#logged-out')).toBe(false)
  const me = (await backend('GET', '/me', undefined, await tokenOf('mp-me-logout'))).data
  const draftKey = `gh.draft:hardship:${me.id}`
  wxShim.storage.set(draftKey, { savedAt: Date.now(), data: { head: { name: '韦退' } } })
  const token = wxShim.storage.get('gh.access_token')
  expect(token).toBeTruthy()

  // cancel: nothing sent, nothing forgotten
  wxShim.modalConfirm = false
  await tap(page, '#logout-btn')
  expect(wxShim.modals.pop()).toEqual(expect.objectContaining({ title: '退出登录' }))
  expect(requests('POST', '/auth/logout')).toHaveLength(0)
  expect(wxShim.storage.get('gh.access_token')).toBe(token)
  expect(wxShim.storage.has(draftKey)).toBe(true)
  expect(exists(page, '#logged-out')).toBe(false)
  expect(exists(page, '#nickname')).toBe(true)

  // confirm: the session ends on the server and on the phone
  wxShim.modalConfirm = true
  await tap(page, '#logout-btn')
  expect(requests('POST', '/auth/logout')).toHaveLength(1)
  expect(wxShim.storage.has('gh.access_token')).toBe(false)
  expect(wxShim.storage.has('gh.refresh_token')).toBe(false)
  expect(wxShim.storage.has(draftKey)).toBe(false)
  expect(text(page, '#logged-out')).toContain('已退出登录')
  expect(exists(page, '#nickname')).toBe(false)
  expect((await backend('GET', '/me', undefined, token)).status).toBe(401) // the old token is void
  // coming back to the tab does not log in silently; 登录 does
  const before = requests().length
  await page.instance.onShow()
  expect(requests().length).toBe(before)
  expect(exists(page, '#logged-out')).toBe(true)
  await tap(page, '#login-btn')
  expect(exists(page, '#logged-out')).toBe(false)
  expect(text(page, '#nickname')).toBeTruthy()
  expect(wxShim.storage.get('gh.access_token')).toBeTruthy()
})
