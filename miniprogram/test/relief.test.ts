// Issue 19 on the phone: relief between unions. The receiving union's admin opens the allocation
// from the workbench (relief_acknowledge), sees the decision record and the voucher and confirms
// the money arrived, enters a payout batch (refused whole beyond the allocation) and closes it;
// the giving union sees it in 给出的援助; both read the report back (totals,
// people by kind, the masked roster); the giving side gets no receiving-side buttons.
import { todoUrl } from '../miniprogram/utils/todo-routes'
import { backend, dispatch, exists, findAll, followNavigation, loginAs, openPage, pngFile, requests, tap, text, tokenOf, wxShim } from './kit'

async function orgId(name: string, token: string): Promise<number> {
  const r = await backend('GET', `/orgs?q=${encodeURIComponent(name)}`, undefined, token)
  return r.data.items.find((o: any) => o.name === name).id
}

/** Shaanxi decides and sends `fen` to `receiver`; returns the allocation id. */
async function sentRelief(receiver: string, fen: number, purpose: string): Promise<number> {
  const token = await tokenOf('officer-shaanxi')
  const created = await backend('POST', '/relief/allocations', {
    from_org_id: await orgId('陕西省总工会', token), to_org_id: await orgId(receiver, token), amount_fen: fen,
    purpose, meeting_name: '2024年第3次主席办公会', meeting_date: '2024-01-10', minute_reference: '陕工办纪〔2024〕3号',
  }, token)
  expect(created.status).toBe(201)
  const sent = await backend('POST', `/relief/allocations/${created.data.id}/transfer`,
    { version: created.data.version, voucher_reference: '陕工财转〔2024〕7号' }, token)
  expect(sent.status).toBe(200)
  return created.data.id
}

test('青海 confirms the money from the workbench; closes it; 陕西 sees it in 给出的援助', async () => {
  const id = await sentRelief('青海省总工会', 12345600, '雪灾：慰问受灾职工')
  loginAs('officer-qinghai')
  const workbench = await openPage('pages/workbench/index')
  expect(text(workbench, '#kind-relief_acknowledge')).toContain('救助资金确认')
  await tap(workbench, '#kind-relief_acknowledge')
  await tap(workbench, `#todo-relief_acknowledge-${id}`)
  expect(wxShim.nav[wxShim.nav.length - 1].url).toBe(todoUrl({ kind: 'relief_acknowledge', object_id: id }))
  const page = await followNavigation()
  expect(text(page, '#route')).toBe('陕西省总工会 → 青海省总工会')
  expect(text(page, '#amount')).toBe('123456 元')
  expect(text(page, '#status-label')).toBe('已拨付')
  expect(text(page, '#meeting')).toBe('2024年第3次主席办公会')
  expect(text(page, '#minute')).toBe('陕工办纪〔2024〕3号')
  expect(text(page, '#voucher')).toBe('陕工财转〔2024〕7号')
  expect(text(page, '#received')).toBe('待受援工会确认')
  expect(exists(page, '#report')).toBe(false)

  wxShim.modalConfirm = false
  await tap(page, '#ack-btn')
  expect(requests('POST', `/relief/allocations/${id}/acknowledge`)).toHaveLength(0)
  wxShim.modalConfirm = true
  await Promise.all([tap(page, '#ack-btn'), tap(page, '#ack-btn')]) // a double tap: one question, one request
  expect(requests('POST', `/relief/allocations/${id}/acknowledge`).map((r) => r.status)).toEqual([200])
  expect(text(page, '#status-label')).toBe('已到账')
  expect(text(page, '#received')).not.toBe('待受援工会确认')
  expect(exists(page, '#ack-btn')).toBe(false)
  expect(text(page, '#close-btn')).toBe('发放完毕，结束援助')
  expect(text(page, '#report-people')).toBe('0')
  expect(text(page, '#report-left')).toBe('123456 元')
  expect(text(page, '#roster-empty')).toBe('还没有发放记录')
  const after = (await backend('GET', '/workbench/todos?kind=relief_acknowledge', undefined, await tokenOf('officer-qinghai'))).data
  expect(after.items.some((t: any) => t.id === id)).toBe(false)
  // 青海 enters a batch of payouts: checked on the phone, all or none on the server
  await tap(page, '#payout-btn')
  const pay = await followNavigation()
  expect(text(pay, '#left')).toBe('可发放结余 123456 元')
  await tap(pay, '#add-btn')
  expect(text(pay, '#form-error')).toBe('请填写姓名')
  await dispatch(pay, '#p-name', 'input', { value: '才让' })
  await dispatch(pay, '#p-id', 'input', { value: '632123198001010012' })
  await dispatch(pay, '#p-amount', 'input', { value: '5000' })
  await dispatch(pay, '#p-reason', 'input', { value: '房屋受损' })
  await dispatch(pay, '#p-account', 'input', { value: '6223012345678901' })
  await tap(pay, '#add-btn')
  await dispatch(pay, '#p-name', 'input', { value: '多杰' })
  await dispatch(pay, '#p-id', 'input', { value: '632123198502020016' })
  await tap(pay, '#kind-rescuer')
  await dispatch(pay, '#p-amount', 'input', { value: '200000' })
  await dispatch(pay, '#p-reason', 'input', { value: '参与抢险救援' })
  await dispatch(pay, '#p-account', 'input', { value: '6223012345678902' })
  await tap(pay, '#add-btn')
  expect(text(pay, '#batch-total')).toBe('205000 元')
  await dispatch(pay, '#batch-name', 'input', { value: '第一批慰问金' })
  await tap(pay, '#submit-btn')
  expect(requests('POST', `/relief/allocations/${id}/payouts`).pop()!.status).toBe(409)
  expect(text(pay, '#form-error')).toMatch(/[\u4e00-\u9fa5]/) // the API's: beyond the allocation
  await tap(pay, '#person-1 .remove')
  expect(text(pay, '#batch-total')).toBe('5000 元')
  await tap(pay, '#submit-btn')
  expect(requests('POST', `/relief/allocations/${id}/payouts`).pop()!.status).toBe(201)
  expect(wxShim.nav[wxShim.nav.length - 1].type).toBe('navigateBack')
  const back = await openPage('pages/relief/allocation', { id: String(id) })
  expect(text(back, '#report-people')).toBe('1')
  expect(text(back, '#report-left')).toBe('118456 元')
  expect(text(back, '#roster-0')).toContain('受灾职工 · 5000 元')
  expect(text(back, '#roster-0')).not.toContain('632123198001010012')
  // 青海 closes it after the payouts
  await tap(back, '#close-btn')
  expect(text(back, '#status-label')).toBe('已关闭')
  expect(exists(back, '#close-btn')).toBe(false)
  expect(text(back, '#report-people')).toBe('1')

  loginAs('officer-shaanxi')
  const list = await openPage('pages/relief/index')
  expect(text(list)).toContain('本工会还没有收到援助')
  await tap(list, '#tab-given')
  expect(text(list, `#alloc-${id}`)).toContain('陕西省总工会 → 青海省总工会')
  expect(text(list, `#alloc-${id}`)).toContain('已关闭')
  await tap(list, `#alloc-${id}`)
  const detail = await followNavigation()
  expect(text(detail, '#status-label')).toBe('已关闭')
  expect(text(detail, '#report-left')).toBe('118456 元') // the report back, read by the giver
})

test('the giver reads Gansu\'s report back: 40 people by kind, a masked roster', async () => {
  const token = await tokenOf('officer-shaanxi')
  const given = (await backend('GET', '/relief/allocations?direction=given&limit=50', undefined, token)).data
  const gansu = given.items.find((a: any) => a.to_org.name === '甘肃省总工会' && a.paid_count === 40)
  loginAs('officer-shaanxi')
  const page = await openPage('pages/relief/allocation', { id: String(gansu.id) })
  expect(text(page, '#status-label')).toBe('已到账')
  expect(text(page, '#report-people')).toBe('40')
  expect(text(page, '#report-kinds')).toContain('受灾职工 30 人')
  expect(text(page, '#report-kinds')).toContain('救援人员 10 人')
  const lines = findAll(page, '.roster-line')
  expect(lines).toHaveLength(40)
  const first = text(page, '#roster-0')
  expect(first).toMatch(/\*/) // masked name and ID number, never the full ones
  expect(first).not.toMatch(/\d{18}|\d{17}X/)
  expect(first).toContain('救援人员 · 2000 元')
})

test('the giving union sees no receiving-side button; an outsider gets the API\'s 404 message', async () => {
  const id = await sentRelief('甘肃省总工会', 500000, '暴雨：慰问救援人员')
  loginAs('officer-shaanxi')
  const page = await openPage('pages/relief/allocation', { id: String(id) })
  expect(text(page, '#status-label')).toBe('已拨付')
  expect(exists(page, '#ack-btn')).toBe(false)
  // the API decides anyway: the giver's own acknowledge is refused with its Chinese message
  const r = await backend('POST', `/relief/allocations/${id}/acknowledge`, { version: 2 }, await tokenOf('officer-shaanxi'))
  expect(r.status).toBe(403)

  loginAs('officer-binhai')
  const outsider = await openPage('pages/relief/allocation', { id: String(id) })
  expect(outsider.data.status).toBe('error')
  expect(outsider.data.message).toMatch(/[\u4e00-\u9fa5]/)
  const list = await openPage('pages/relief/index', { direction: 'given' })
  expect(list.data.status).toBe('empty')
  expect(text(list)).toContain('本工会还没有给出援助')
})

test('a cash payout needs the photo of the signed receipt', async () => {
  const id = await sentRelief('青海省总工会', 100000, '冰雹：慰问受灾职工')
  const ack = await backend('POST', `/relief/allocations/${id}/acknowledge`, { version: 2 }, await tokenOf('officer-qinghai'))
  expect(ack.status).toBe(200)
  loginAs('officer-qinghai')
  const pay = await openPage('pages/relief/payout', { id: String(id) })
  await dispatch(pay, '#batch-name', 'input', { value: '现金慰问' })
  await dispatch(pay, '#p-name', 'input', { value: '卓玛' })
  await dispatch(pay, '#p-id', 'input', { value: '632123199001010017' })
  await dispatch(pay, '#p-amount', 'input', { value: '300.5' })
  await dispatch(pay, '#p-reason', 'input', { value: '牲畜受损' })
  await tap(pay, '#method-cash')
  expect(exists(pay, '#p-account')).toBe(false)
  await tap(pay, '#add-btn')
  expect(text(pay, '#form-error')).toBe('现金发放请拍照上传签收单')
  wxShim.media = [pngFile(90, 120, 'qianshou.png')]
  await tap(pay, '#signature-btn')
  expect(text(pay, '#signature-btn')).toBe('已上传签收单：qianshou.png')
  await tap(pay, '#add-btn')
  expect(text(pay, '#batch-total')).toBe('300.50 元')
  await tap(pay, '#submit-btn')
  expect(requests('POST', `/relief/allocations/${id}/payouts`).map((r) => r.status)).toEqual([201])
  const back = await openPage('pages/relief/allocation', { id: String(id) })
  expect(text(back, '#report-people')).toBe('1')
  expect(text(back, '#report-paid')).toBe('300.50 元')
})
