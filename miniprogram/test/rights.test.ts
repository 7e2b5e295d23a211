// Issue 20: a member asks for rights help (consenting first), the union accepts, handles,
// resolves and calls back; the member rates and the case closes.
import { backend, dispatch, followNavigation, loginAs, openPage, tap, text, tokenOf, wxShim } from './kit'

async function withdrawRightsConsent(persona: string) {
  const token = await tokenOf(persona)
  const consents = (await backend('GET', '/me/consents', undefined, token)).data.items
  for (const c of consents.filter((x: any) => x.purpose === 'rights')) {
    await backend('POST', `/me/consents/${c.id}/withdraw`, {}, token)
  }
}

test('a member asks for help, the union handles it, the member rates and closes it', async () => {
  await withdrawRightsConsent('binhai-clerk')
  loginAs('binhai-clerk')
  const page = await openPage('pages/rights/index')
  const before = (await backend('GET', '/me/rights-cases', undefined, await tokenOf('binhai-clerk'))).data
  for (const c of before.items) expect(text(page, `#case-${c.id}`)).toContain(c.status_label)

  await tap(page, '#submit-btn')
  expect(text(page, '#form-error')).toBe('请选择求助类别')
  await tap(page, '#category-wage_arrears')
  await dispatch(page, '#happened', 'input', { value: '快递站拖欠两个月工资 6000 元' })
  await dispatch(page, '#wanted', 'input', { value: '追回工资' })
  await dispatch(page, '#employer', 'input', { value: '顺丰速运坎北站' })
  await dispatch(page, '#amount', 'input', { value: '6000' })
  await tap(page, '#submit-btn') // phone contact without a phone: the backend's field message
  expect(text(page, '#form-error')).toBe('选择电话联系时，请填写手机号码。')
  await dispatch(page, '#phone', 'input', { value: '13912345678' })
  await tap(page, '#submit-btn')
  expect(text(page, '#consent')).toContain('维权求助个人信息处理规则')
  await tap(page, '#agree')
  await tap(page, '#submit-btn')
  const created = wxShim.nav.pop()!
  expect(created.url).toMatch(/^\/pages\/rights\/case\?id=\d+$/)
  wxShim.nav.push(created)
  const mine = await followNavigation()
  const id = mine.data.c.id
  const api = (await backend('GET', `/rights-cases/${id}`, undefined, await tokenOf('binhai-clerk'))).data
  expect(text(mine, '#case-status')).toBe('待受理')
  expect(text(mine, '#deadlines')).toBe(`受理期限 ${api.accept_due} · 办结期限 ${api.resolve_due}（工作日计算）`)
  expect(api.amount_claimed_fen).toBe(600000)

  loginAs('officer-binhai')
  const officer = await openPage('pages/rights/case', { id: String(id) })
  await tap(officer, '#accept-btn')
  expect(text(officer, '#case-status')).toBe('已受理')
  await tap(officer, '#kind-mediation')
  await dispatch(officer, '#note', 'input', { value: '约谈站点负责人' })
  await tap(officer, '#step-btn')
  expect(text(officer, '#case-status')).toBe('办理中')
  await dispatch(officer, '#outcome-input', 'input', { value: '站点已支付拖欠工资' })
  await dispatch(officer, '#amount', 'input', { value: '6000' })
  await tap(officer, '#resolve-btn')
  expect(text(officer, '#case-status')).toBe('已办结')

  loginAs('binhai-clerk')
  const rate = await openPage('pages/rights/case', { id: String(id) })
  await tap(rate, '#star-5')
  await tap(rate, '#close-btn')
  expect(text(rate, '#form-error')).toBe('结案前工会会先电话回访您，请等待回访后再评价。')

  loginAs('officer-binhai')
  const call = await openPage('pages/rights/case', { id: String(id) })
  await dispatch(call, '#caller', 'input', { value: '张干事' })
  await dispatch(call, '#said', 'input', { value: '工资已到账' })
  await tap(call, '#follow-up-btn')
  expect(text(call, '#history')).toContain('电话回访')

  loginAs('binhai-clerk')
  const done = await openPage('pages/rights/case', { id: String(id) })
  await tap(done, '#star-4')
  await tap(done, '#close-btn')
  expect(text(done, '#case-status')).toBe('已结案')
  const closed = (await backend('GET', `/rights-cases/${id}`, undefined, await tokenOf('binhai-clerk'))).data
  expect([closed.status, closed.rating, closed.amount_recovered_fen]).toEqual(['closed', 4, 600000])
})

test('the county sees the escalated overdue case marked overdue', async () => {
  const token = await tokenOf('officer-binhai')
  const cases = (await backend('GET', '/rights-cases?limit=100', undefined, token)).data.items
  const escalated = cases.find((c: any) => c.escalated)
  loginAs('officer-binhai')
  const page = await openPage('pages/rights/case', { id: String(escalated.id) })
  expect(text(page, '#overdue')).toBe('已逾期，已由滨海县总工会督办')
})
