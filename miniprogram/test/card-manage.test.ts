// Issue 20 for officers: from a member's membership page the approver over the org opens 会员卡管理,
// suspends the card with a reason (the member's card page says so, the codes shown before stop
// verifying) and reinstates it; officers who may not act, and members, are refused.
import { appliedMember, approvedMember, backend, exists, followNavigation, loginAs, openPage, requests, tap, dispatch, text, tokenOf, wxShim } from './kit'

/** The membership page as the approver sees it → 会员卡管理. */
async function managePage(officer: string, membershipId: number) {
  loginAs(officer)
  const detail = await openPage('pages/members/detail', { id: String(membershipId) })
  expect(exists(detail, '#correct')).toBe(false) // the member's own correction is not the officer's
  await tap(detail, '#card-manage')
  expect(wxShim.nav[wxShim.nav.length - 1]).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/cards/manage?membership=${membershipId}` }))
  return followNavigation()
}

test('the approver suspends a card with a reason, its old code stops verifying, then reinstates it', async () => {
  const membershipId = await approvedMember('mp20-card-a', 931, '韦卡甲')
  loginAs('mp20-card-a')
  const mine = await openPage('pages/cards/card')
  const oldToken = mine.data.token as string
  expect(oldToken.split('.')).toHaveLength(4)
  mine.instance.onHide()

  const page = await managePage('officer-banfeng', membershipId)
  const card = (await backend('GET', `/memberships/${membershipId}/card`, undefined, await tokenOf('officer-banfeng'))).data
  expect(text(page, '#card-name')).toBe('韦卡甲')
  expect(text(page, '#card-number')).toBe(card.number_printed)
  expect(text(page, '#card-status')).toBe('有效')

  await tap(page, '#suspend-btn')
  expect(text(page, '#action-error')).toBe('请填写停用原因（至少 2 个字），会员会收到这条原因')
  await dispatch(page, '#reason', 'input', { value: '会员证件信息待核实' })
  wxShim.modalConfirm = false // the officer thinks again
  await tap(page, '#suspend-btn')
  expect(wxShim.modals.pop().title).toBe('停用会员卡')
  expect(requests('POST', '/suspend')).toHaveLength(0)
  wxShim.modalConfirm = true
  await Promise.all([tap(page, '#suspend-btn'), tap(page, '#suspend-btn')]) // a double tap: one request
  const sent = requests('POST', `/cards/${card.id}/suspend`)
  expect(sent.map((r) => r.status)).toEqual([200])
  expect(sent[0].header['Idempotency-Key']).toBeTruthy()
  expect(sent[0].data).toEqual({ reason: '会员证件信息待核实', version: card.version })
  const suspended = (await backend('GET', `/cards/${card.id}`, undefined, await tokenOf('officer-banfeng'))).data
  expect(suspended.status).toBe('suspended')
  expect(text(page, '#card-status')).toBe(suspended.status_label)
  expect(text(page, '#suspended-reason')).toBe('已停用：会员证件信息待核实')
  expect(exists(page, '#suspend-btn')).toBe(false)
  expect(wxShim.toasts.map((t) => t.title)).toContain('已停用')

  loginAs('mp20-card-a')
  const member = await openPage('pages/cards/card')
  expect(text(member, '#suspended')).toBe('会员卡已停用：会员证件信息待核实，请联系所在工会。')
  expect(exists(member, '#qr')).toBe(false)

  loginAs('officer-banfeng')
  const verify = await openPage('pages/cards/verify')
  wxShim.scanResult = { result: oldToken }
  await tap(verify, '#scan-btn')
  const verdict = (await backend('POST', '/cards/verify', { token: oldToken }, await tokenOf('officer-banfeng'))).data
  expect(verdict.valid).toBe(false)
  expect(text(verify, '#verdict-label')).toBe(verdict.verdict_label)
  expect(text(verify, '#verdict-label')).toBe('会员卡码已失效（会员卡已转会、暂停或重新签发）')
  expect(exists(verify, '#verdict-name')).toBe(false)

  loginAs('officer-banfeng')
  const again = await openPage('pages/cards/manage', { membership: String(membershipId) })
  await tap(again, '#reinstate-btn')
  expect(wxShim.modals.pop().title).toBe('恢复会员卡')
  expect(text(again, '#card-status')).toBe('有效')
  expect(exists(again, '#suspended-reason')).toBe(false)
  expect(exists(again, '#suspend-btn')).toBe(true)

  loginAs('mp20-card-a')
  const back = await openPage('pages/cards/card')
  expect(text(back, '#card-status')).toBe('有效')
  const fresh = back.data.token as string
  back.instance.onHide()
  expect(fresh).not.toBe(oldToken)
  const officer = await tokenOf('officer-banfeng')
  expect((await backend('POST', '/cards/verify', { token: oldToken }, officer)).data.valid).toBe(false)
  expect((await backend('POST', '/cards/verify', { token: fresh }, officer)).data.valid).toBe(true)
})

test('after a stale version the page shows the card as it is now, and trying again works', async () => {
  const membershipId = await approvedMember('mp20-card-b', 932, '韦卡乙')
  loginAs('officer-banfeng')
  const page = await openPage('pages/cards/manage', { membership: String(membershipId) })
  const card = page.data.card
  // meanwhile another officer suspends and reinstates it: the page's version is stale
  const officer = await tokenOf('officer-banfeng')
  const s = await backend('POST', `/cards/${card.id}/suspend`, { reason: '另一位干部停用', version: card.version }, officer)
  expect((await backend('POST', `/cards/${card.id}/reinstate`, { version: s.data.version }, officer)).status).toBe(200)
  await dispatch(page, '#reason', 'input', { value: '会员已离开本村' })
  await tap(page, '#suspend-btn')
  const first = requests('POST', `/cards/${card.id}/suspend`)
  expect(first.map((r) => r.status)).toEqual([409])
  expect(text(page, '#action-error')).toBeTruthy()
  expect(page.data.card.version).toBeGreaterThan(card.version) // reloaded
  await dispatch(page, '#reason', 'input', { value: '会员已离开本村' })
  await tap(page, '#suspend-btn') // the version now shown, under a new Idempotency-Key
  const both = requests('POST', `/cards/${card.id}/suspend`)
  expect(both.map((r) => r.status)).toEqual([409, 200])
  expect(both[1].header['Idempotency-Key']).not.toBe(both[0].header['Idempotency-Key'])
  expect(text(page, '#suspended-reason')).toBe('已停用：会员已离开本村')
})

test('a member opening the manage page is refused and nothing is asked of the cards API', async () => {
  const membershipId = await approvedMember('mp20-card-c', 933, '韦卡丙')
  loginAs('binhai-rider')
  const page = await openPage('pages/cards/manage', { membership: String(membershipId) })
  expect(text(page, '#state-message')).toBe('只有会员所在工会的干部可以管理会员卡。')
  expect(exists(page, '#retry')).toBe(false)
  expect(exists(page, '#suspend-btn')).toBe(false)
  expect(requests('GET', '/card')).toHaveLength(0)
  // the API refuses the member too
  const card = (await backend('GET', `/memberships/${membershipId}/card`, undefined, await tokenOf('officer-banfeng'))).data
  const refused = await backend('POST', `/cards/${card.id}/suspend`, { reason: '试一试', version: card.version }, await tokenOf('binhai-rider'))
  expect(refused.status).toBe(404)
})

test("a sibling village's approver gets the API's refusal; a reviewer over the org may only look", async () => {
  const membershipId = await approvedMember('mp20-card-d', 934, '韦卡丁')
  loginAs('officer-changfa')
  const sibling = await openPage('pages/cards/manage', { membership: String(membershipId) })
  const api = await backend('GET', `/memberships/${membershipId}/card`, undefined, await tokenOf('officer-changfa'))
  expect(api.status).toBe(404)
  expect(text(sibling, '#state-message')).toBe(api.data.error.message)
  expect(exists(sibling, '#suspend-btn')).toBe(false)

  const reviewerToken = await tokenOf('mp20-card-reviewer')
  const reviewer = (await backend('GET', '/me', undefined, reviewerToken)).data
  const admin = await tokenOf('officer-guangxi')
  const org = (await backend('GET', `/orgs?q=${encodeURIComponent('板逢村')}`, undefined, admin)).data.items.find((o: any) => o.name === '板逢村')
  expect((await backend('POST', `/orgs/${org.id}/officers`, { user_id: reviewer.id, role: 'reviewer' }, admin)).status).toBe(201)
  loginAs('mp20-card-reviewer')
  const look = await openPage('pages/cards/manage', { membership: String(membershipId) })
  expect(text(look, '#card-name')).toBe('韦卡丁')
  expect(text(look, '#read-only')).toContain('停用或恢复需要会员所在工会的审批人或管理员')
  expect(exists(look, '#suspend-btn')).toBe(false)
  const card = look.data.card
  const refused = await backend('POST', `/cards/${card.id}/suspend`, { reason: '试一试', version: card.version }, await tokenOf('mp20-card-reviewer'))
  expect(refused.status).toBe(403)
})

test('after approving a membership the approver goes on to its card', async () => {
  const m = await appliedMember('mp20-card-e', 935, '韦卡戊')
  loginAs('officer-banfeng')
  const decide = await openPage('pages/workbench/membership/index', { id: String(m.id) })
  expect(exists(decide, '#card-manage')).toBe(false) // no card before the approval
  await tap(decide, '#approve')
  expect(text(decide, '#status-label')).toBe('已通过')
  await tap(decide, '#card-manage')
  expect(wxShim.nav[wxShim.nav.length - 1].url).toBe(`/pages/cards/manage?membership=${m.id}`)
  const manage = await followNavigation()
  expect(text(manage, '#card-name')).toBe('韦卡戊')
  expect(text(manage, '#card-status')).toBe('有效')
  expect(exists(manage, '#suspend-btn')).toBe(true)
})
