// 入会 flow against the real backend: consent screen → real-name form → status page; the org's
// demo approver decides it from the workbench queue; the member sees 已入会. Withdrawal, the
// client-side ID check and a double-tapped submit.
import { backend, exists, find, followNavigation, loginAs, openPage, requests, settle, tap, dispatch, text, tokenOf, wxShim } from './kit'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
/** A valid ID number (Binhai county, born 1990-01-01, a sequence per test). */
function idNumber(seq: number): string {
  const first17 = `32092219900101${String(seq % 1000).padStart(3, '0')}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return first17 + '10X98765432'[sum % 11]
}

async function orgId(name: string): Promise<number> {
  const r = await backend('GET', `/orgs?q=${encodeURIComponent(name)}`, undefined, await tokenOf('mp-join-lookup'))
  const org = r.data.items.find((o: any) => o.name === name)
  if (!org) throw new Error(`no org ${name}`)
  return org.id
}

/** Consent, pick the org, fill the form (not submitted). */
async function fillJoin(persona: string, orgName: string, realName: string, seq: number) {
  loginAs(persona)
  const page = await openPage('pages/join/index')
  await tap(page, '#agree')
  await tap(page, '#consent-btn')
  expect(page.data.step).toBe('form')
  await dispatch(page, '#org-q', 'input', { value: orgName })
  await tap(page, '#org-search')
  const id = await orgId(orgName)
  await tap(page, `#org-${id}`)
  expect(text(page, '#org-picked')).toContain(orgName)
  await dispatch(page, '#real_name', 'input', { value: realName })
  await dispatch(page, '#id_number', 'input', { value: idNumber(seq) })
  await dispatch(page, '#employer', 'input', { value: '滨海同城配送站' })
  await dispatch(page, '#occupation', 'input', { value: '骑手' })
  await dispatch(page, '#industry', 'change', { value: 1 })
  expect(text(page, '#industry-text')).toBe('外卖配送')
  return page
}

test('a member joins: consent, form, submit → the approver approves in the workbench → 已入会', async () => {
  loginAs('mp-join-alice')
  let page = await openPage('pages/join/index')
  // the consent screen shows the membership policy and each data kind, from the API
  const policies = (await backend('GET', '/privacy/policies')).data.items
  const policy = policies.find((p: any) => p.purpose === 'membership')
  expect(text(page, '#policy-title')).toBe(policy.title)
  for (const label of policy.data_kind_labels) expect(text(page, '#consent-kinds')).toContain(label)
  // agreeing is required before the consent is sent
  await tap(page, '#consent-btn')
  expect(text(page, '#consent-error')).toBe('请先阅读并勾选同意')
  expect(requests('POST', '/me/consents')).toHaveLength(0)

  page = await fillJoin('mp-join-alice', '长法村', '阿丽', 101)
  const consents = requests('POST', '/me/consents')
  expect(consents).toHaveLength(1)
  expect(consents[0].data).toEqual({ purpose: 'membership', data_kinds: policy.data_kinds, policy_version: policy.version })

  await tap(page, '#submit')
  // the subscribe ask came inside the tap, and one application was written
  expect(wxShim.subscribe).toHaveLength(1)
  const templates = (await backend('GET', '/me/subscriptions', undefined, await tokenOf('mp-join-alice'))).data.items
  const asked = wxShim.subscribe[0].tmplIds
  expect(asked.length).toBeGreaterThan(0)
  for (const t of asked) expect(templates.map((x: any) => x.template_id)).toContain(t)
  expect(requests('POST', '/me/subscriptions')[0].data).toEqual({ accepted: asked, rejected: [] })
  const posts = requests('POST', '/memberships')
  expect(posts).toHaveLength(1)
  expect(posts[0].status).toBe(201)
  const nav = wxShim.nav[wxShim.nav.length - 1]
  expect(nav.type).toBe('redirectTo')
  expect(nav.url).toMatch(/^\/pages\/members\/detail\?id=\d+$/)
  const id = Number(nav.url!.split('=')[1])
  expect(posts[0].outcome).toBe('ok')

  let detail = await followNavigation()
  expect(text(detail, '#headline')).toBe('等待工会审核')
  expect(text(detail, '#status-label')).toBe('待审核')
  expect(text(detail, '#org-name')).toBe('长法村')
  expect(text(detail, '#id-number')).not.toContain(idNumber(101)) // masked
  expect(exists(detail, '#withdraw')).toBe(true)

  // the village's approver sees it in the queue and approves it
  loginAs('officer-changfa')
  const bench = await openPage('pages/workbench/index')
  expect(text(bench, `#todo-membership-${id}`)).toContain('入会申请：阿丽')
  expect(text(bench, `#todo-membership-${id}`)).toContain('入会审批')
  expect(text(bench, '#kind-membership')).toMatch(/入会审批\s*\d+/)
  await tap(bench, `#todo-membership-${id}`)
  expect(wxShim.nav[wxShim.nav.length - 1]).toEqual(expect.objectContaining({
    type: 'navigateTo', url: `/pages/workbench/membership/index?id=${id}&kind=membership` }))
  const decide = await followNavigation()
  expect(text(decide, '#applicant')).toBe('阿丽')
  expect(text(decide, '#employer')).toBe('滨海同城配送站')
  await tap(decide, '#approve')
  expect(text(decide, '#status-label')).toBe('已通过')
  expect(text(decide, '#decided')).toBe('已批准入会')
  expect(exists(decide, '#approve')).toBe(false)
  const decisions = requests('POST', `/memberships/${id}/decision`)
  expect(decisions).toHaveLength(1)
  expect(decisions[0].data).toEqual({ action: 'approve', version: 1 })

  // gone from the queue
  const bench2 = await openPage('pages/workbench/index')
  expect(exists(bench2, `#todo-membership-${id}`)).toBe(false)

  // the member sees 已入会 (the detail page, the join page and 我的)
  loginAs('mp-join-alice')
  detail = await openPage('pages/members/detail', { id: String(id) })
  expect(text(detail, '#headline')).toBe('已入会')
  expect(exists(detail, '#withdraw')).toBe(false)
  const again = await openPage('pages/join/index')
  expect(text(again, '#live-status')).toBe('已通过')
  const me = await openPage('pages/me/index')
  expect(text(me, '#membership')).toContain('已入会')
})

test('the officer rejects with a reason; the applicant sees it and may apply again', async () => {
  let page = await fillJoin('mp-join-bob', '长法村', '阿博', 102)
  await tap(page, '#submit')
  const id = Number(wxShim.nav[wxShim.nav.length - 1].url!.split('=')[1])
  loginAs('officer-changfa')
  const decide = await openPage('pages/workbench/membership/index', { id: String(id), kind: 'membership' })
  // the whole ID number only with a reason, which the county's admin sees in the access log
  expect(text(decide, '#id-number')).not.toBe(idNumber(102))
  await tap(decide, '#reveal-start')
  await tap(decide, '#reveal-btn')
  expect(text(decide, '#reveal-error')).toBe('请写明查看完整身份证号的原因（至少 2 个字），查看会被记录')
  expect(requests('POST', '/reveal')).toHaveLength(0)
  await dispatch(decide, '#reveal-reason', 'input', { value: '核对身份信息' })
  await tap(decide, '#reveal-btn')
  expect(requests('POST', `/memberships/${id}/reveal`)[0].data).toEqual({ field: 'id_number', reason: '核对身份信息' })
  expect(text(decide, '#id-number')).toBe(idNumber(102))
  const binhai = (await backend('GET', `/orgs?q=${encodeURIComponent('滨海县总工会')}`, undefined, await tokenOf('officer-binhai'))).data.items[0]
  const log = (await backend('GET', `/orgs/${binhai.id}/pii-access?limit=100`, undefined, await tokenOf('officer-binhai'))).data.items
  expect(log.some((r: any) => r.target_id === String(id) && r.reason === '核对身份信息')).toBe(true)
  await tap(decide, '#reject')
  await tap(decide, '#confirm-reject')
  expect(text(decide, '#decision-error')).toBe('请填写驳回原因，申请人会看到它')
  expect(requests('POST', `/memberships/${id}/decision`)).toHaveLength(0)
  await dispatch(decide, '#reason', 'input', { value: '单位信息不全，请补充后重新申请' })
  await tap(decide, '#confirm-reject')
  expect(text(decide, '#status-label')).toBe('未通过')
  loginAs('mp-join-bob')
  const detail = await openPage('pages/members/detail', { id: String(id) })
  expect(text(detail, '#reason')).toBe('原因：单位信息不全，请补充后重新申请')
  await tap(detail, '#reapply')
  expect(wxShim.nav[wxShim.nav.length - 1]).toEqual(expect.objectContaining({ type: 'redirectTo', url: '/pages/join/index' }))
  page = await followNavigation()
  expect(page.data.step).toBe('form') // consent already given: straight to the form
})

test('a pending application is withdrawn after the confirm modal', async () => {
  const page = await fillJoin('mp-join-carol', '长法村', '阿卡', 103)
  await tap(page, '#submit')
  const detail = await followNavigation()
  wxShim.modalConfirm = false
  await tap(detail, '#withdraw')
  expect(wxShim.modals).toHaveLength(1)
  expect(requests('POST', '/withdraw')).toHaveLength(0)
  wxShim.modalConfirm = true
  await tap(detail, '#withdraw')
  expect(requests('POST', '/withdraw')).toHaveLength(1)
  expect(text(detail, '#status-label')).toBe('已撤回')
  expect(exists(detail, '#reapply')).toBe(true)
})

test('the ID number is checked for format before sending; the server still checks the region', async () => {
  const page = await fillJoin('mp-join-dave', '长法村', '阿戴', 104)
  const good = idNumber(104)
  const badCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0')
  await dispatch(page, '#id_number', 'input', { value: badCheck })
  await tap(page, '#submit')
  expect(text(page, '#error-id_number')).toBe('身份证号最后一位校验不通过，请对照身份证核对')
  expect(requests('POST', '/memberships')).toHaveLength(0)
  // a well-formed number with a region code that does not exist: the server's message
  const first17 = '99092219900101104'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  await dispatch(page, '#id_number', 'input', { value: first17 + '10X98765432'[sum % 11] })
  await tap(page, '#submit')
  const posts = requests('POST', '/memberships')
  expect(posts).toHaveLength(1)
  expect(posts[0].status).toBe(422)
  expect(text(page, '#error-id_number')).toMatch(/[\u4e00-\u9fa5]/)
  expect(text(page, '#form-error')).toMatch(/[\u4e00-\u9fa5]/)
  expect(wxShim.nav.filter((n) => n.type === 'redirectTo')).toHaveLength(0)
})

test('a double-tapped submit writes one application', async () => {
  const page = await fillJoin('mp-join-erin', '长法村', '阿恩', 105)
  const node = find(page, '#submit')
  node.dispatchEvent('tap', { detail: {} })
  node.dispatchEvent('tap', { detail: {} })
  await settle()
  expect(requests('POST', '/memberships')).toHaveLength(1)
  const mine = await backend('GET', '/me/memberships', undefined, await tokenOf('mp-join-erin'))
  expect(mine.data.items).toHaveLength(1)
  expect(wxShim.nav.filter((n) => n.type === 'redirectTo')).toHaveLength(1)
})

test('a submit whose answer is lost is retried with the same key: still one application', async () => {
  const page = await fillJoin('mp-join-fay', '长法村', '阿菲', 106)
  wxShim.network.loseResponses = 1
  await tap(page, '#submit')
  expect(text(page, '#form-error')).toMatch(/网络/)
  await tap(page, '#submit')
  const posts = requests('POST', '/memberships')
  expect(posts).toHaveLength(2)
  expect(posts[0].header['Idempotency-Key']).toBe(posts[1].header['Idempotency-Key'])
  const mine = await backend('GET', '/me/memberships', undefined, await tokenOf('mp-join-fay'))
  expect(mine.data.items).toHaveLength(1)
  expect(text(await followNavigation(), '#headline')).toBe('等待工会审核')
})

test('a consent withdrawn before submitting sends the person back to the consent screen', async () => {
  const page = await fillJoin('mp-join-gil', '长法村', '阿吉', 107)
  const token = await tokenOf('mp-join-gil')
  const held = (await backend('GET', '/me/consents', undefined, token)).data.items.filter((c: any) => c.counts)
  for (const c of held) expect((await backend('POST', `/me/consents/${c.id}/withdraw`, undefined, token)).status).toBe(200)
  await tap(page, '#submit')
  expect(requests('POST', '/memberships')[0].status).toBe(403)
  expect(page.data.step).toBe('consent')
  expect(text(page, '#policy-title')).toBeTruthy()
  await tap(page, '#agree')
  await tap(page, '#consent-btn')
  expect(page.data.step).toBe('form')
  expect(text(page, '#org-picked')).toContain('长法村') // the form was kept
  await tap(page, '#submit')
  expect(requests('POST', '/memberships').pop()!.status).toBe(201)
})

test('offline on opening: the network message, then a retry loads the consent screen', async () => {
  loginAs('mp-join-hal')
  wxShim.network.offline = true
  const page = await openPage('pages/join/index')
  expect(text(page, '#state-message')).toBe('网络不给力，请检查网络后重试')
  wxShim.network.offline = false
  await tap(page, '#retry')
  expect(page.data.step).toBe('consent')
  expect(exists(page, '#consent-btn')).toBe(true)
})
