// Issue 20: a member who moved asks to transfer to another union; the receiving union's
// approver decides from the request's page; the membership (and card) move.
import { backend, dispatch, loginAs, openPage, tap, text, tokenOf } from './kit'

test('a member withdraws, asks again, and 长法村 approves the transfer', async () => {
  loginAs('xingang-worker')
  const page = await openPage('pages/members/transfer')
  expect(text(page, '#pending-route')).toBe('新港村 → 长法村')
  await tap(page, '#withdraw-btn')
  expect(text(page, '#transfer-form')).toContain('申请转会')

  await tap(page, '#submit-btn')
  expect(text(page, '#form-error')).toBe('请先搜索并选择要转入的工会')
  await dispatch(page, '#org-search', 'input', { value: '长法' })
  const found = (await backend('GET', '/orgs?q=' + encodeURIComponent('长法'), undefined, await tokenOf('xingang-worker'))).data
  const changfa = found.items.find((o: any) => o.name === '长法村')
  await tap(page, `#org-${changfa.id}`)
  expect(text(page, '#picked')).toBe('转入：长法村')
  await dispatch(page, '#reason', 'input', { value: '在长法村的工地干活' })
  await tap(page, '#submit-btn')
  expect(text(page, '#pending-route')).toBe('新港村 → 长法村')

  const mine = (await backend('GET', '/me/membership/transfers', undefined, await tokenOf('xingang-worker'))).data
  const pending = mine.items.find((t: any) => t.status === 'pending')
  loginAs('officer-changfa')
  const workbench = await openPage('pages/workbench/index')
  expect(text(workbench, '#kind-membership_transfer')).toContain('转会申请')
  expect(text(workbench, '#kind-rights_case')).toContain('待受理的维权求助')
  const decision = await openPage('pages/members/transfer', { id: String(pending.id) })
  expect(text(decision, '#transfer-route')).toBe('新港村 → 长法村')
  await tap(decision, '#reject-btn')
  expect(text(decision, '#form-error')).toBe('不同意时请填写原因')
  await tap(decision, '#approve-btn')
  expect(text(decision, '#transfer-status')).toBe('已转会')

  const card = (await backend('GET', '/me/card', undefined, await tokenOf('xingang-worker'))).data
  expect(card.org.name).toBe('长法村')
})
