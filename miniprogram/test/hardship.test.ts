// Issue 21's screens against the real backend's demo data: a family's hardship files and the
// self-test, one file with the grassroots decision, the public notice with an objection.
import { backend, dispatch, loginAs, openPage, requests, tap, text, tokenOf, wxShim } from './kit'

async function orgId(name: string): Promise<number> {
  const r = await backend('GET', `/orgs?q=${encodeURIComponent(name)}`, undefined, await tokenOf('demo-member'))
  expect(r.status).toBe(200)
  return r.data.items.find((o: any) => o.name === name).id
}

test('a family sees its files and the self-test gives the level the API gives', async () => {
  loginAs('aid-luanpo')
  const page = await openPage('pages/hardship/index')
  const mine = await backend('GET', '/me/hardship-files', undefined, await tokenOf('aid-luanpo'))
  expect(mine.data.items.length).toBe(2)
  for (const file of mine.data.items) {
    expect(text(page, `#file-${file.id}`)).toContain(file.head_name)
    expect(text(page, `#file-${file.id}`)).toContain(file.status_label)
    expect(text(page, `#file-${file.id}`)).toContain(file.level_label)
  }

  await tap(page, '#self-test')
  expect(text(page, '#test-error')).toBe('请填写所在县和家庭人口')
  await dispatch(page, '#county', 'input', { value: '东兰' })
  await dispatch(page, '#size', 'input', { value: '3' })
  await dispatch(page, '#income', 'input', { value: '12000' })
  await tap(page, '#self-test')
  const sent = requests('POST', '/hardship-files/self-test').pop()!
  expect(sent.data).toEqual(expect.objectContaining({ household_size: 3, yearly_income_fen: 1_200_000 }))
  const expected = await backend('POST', '/hardship-files/self-test', sent.data, await tokenOf('aid-luanpo'))
  expect(expected.data.level).toBe('deep')
  expect(text(page, '#test-result')).toContain(expected.data.level_label)
  expect(text(page, '#test-result')).toContain('333.33 元')
  expect(text(page, '#test-result')).toContain('455.00 元')
})

test('the grassroots approver opens a waiting file and is told the home visit comes first', async () => {
  loginAs('officer-luanpo')
  const page = await openPage('pages/workbench/index')
  expect(text(page)).toContain('困难职工档案')
  const files = await backend('GET', '/hardship-files?status=grassroots_review', undefined, await tokenOf('officer-luanpo'))
  const waiting = files.data.items[0]
  const detail = await openPage('pages/hardship/file', { id: String(waiting.id) })
  expect(text(detail, '#head')).toContain(waiting.head_name)
  expect(text(detail, '#status')).toContain('待鸾坡村办理')
  expect(text(detail)).toMatch(/\d{4}\*+\d{4}/) // ID numbers masked
  await tap(detail, '#approve-btn')
  expect(text(detail, '#decision-error')).toBe('请先由两名工作人员完成入户核查并登记。')
  expect(requests('POST', `/hardship-files/${waiting.id}/decisions`).pop()!.status).toBe(409)
})

test('anyone sees the notice masked and may object once', async () => {
  const county = await orgId('东兰县总工会')
  loginAs('demo-mp-hardship-objector')
  const page = await openPage('pages/notices/index', { org_id: String(county) })
  const notices = await backend('GET', `/notices?org_id=${county}`)
  const notice = notices.data.items[0]
  expect(text(page, `#notice-${notice.id}`)).toContain('韦**')
  expect(text(page, `#notice-${notice.id}`)).toContain('因异议暂停')
  expect(text(page)).not.toContain('韦德胜')

  await tap(page, `#object-${notice.id}`)
  await dispatch(page, '#reason', 'input', { value: '他家有一辆新买的小货车，请核实。' })
  await tap(page, '#send-btn')
  expect(text(page, '#objected')).toContain('异议已提交')
  expect(requests('POST', `/notices/${notice.id}/objections`).pop()!.status).toBe(201)

  await tap(page, `#object-${notice.id}`)
  await dispatch(page, '#reason', 'input', { value: '再次提出：有小货车。' })
  await tap(page, '#send-btn')
  const again = requests('POST', `/notices/${notice.id}/objections`).pop()!
  expect([again.status, again.outcome]).toEqual([409, expect.anything()])
  expect(text(page, '#objection-error')).toBe('你对这条公示的异议正在等待处理。')
})

test('the services hub opens the hardship screen', async () => {
  loginAs('demo-member')
  const hub = await openPage('pages/services/index')
  await tap(hub, '#entry-hardship')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: '/pages/hardship/index' }))
})

test('the village approver reads the objection and dismisses it with a reason', async () => {
  loginAs('officer-banfeng')
  const queue = await backend('GET', '/workbench/todos?kind=notice_objection', undefined, await tokenOf('officer-banfeng'))
  const item = queue.data.items[0]
  expect(item.action).toBe(`/api/v1/notice-objections/${item.id}/decision`)
  const page = await openPage('pages/notices/objection', { id: String(item.id) })
  expect(text(page, '#reason')).toContain('门面出租')
  expect(text(page, '#objection-status')).toBe('待处理')
  await tap(page, '#dismiss-btn')
  expect(text(page, '#resolve-error')).toBe('请写明处理理由')
  await dispatch(page, '#comment', 'input', { value: '经核实门面为其兄弟所有' })
  await tap(page, '#dismiss-btn')
  expect(text(page, '#resolved')).toBe('已处理：异议不成立')
  expect(requests('POST', `/notice-objections/${item.id}/decision`).pop()!.status).toBe(200)
  const after = await backend('GET', `/notice-objections/${item.id}`, undefined, await tokenOf('officer-banfeng'))
  expect(after.data.status).toBe('dismissed')
})

test('the grassroots approver returns a waiting file with a reason: one keyed request, the answer shown', async () => {
  loginAs('officer-luanpo')
  const token = await tokenOf('officer-luanpo')
  const waiting = (await backend('GET', '/hardship-files?status=grassroots_review', undefined, token)).data.items[0]
  const detail = await openPage('pages/hardship/file', { id: String(waiting.id) })
  await dispatch(detail, '#comment', 'input', { value: '请补充家庭收入证明' })
  // a double tap is one request
  const first = tap(detail, '#return-btn')
  await tap(detail, '#return-btn')
  await first
  const sent = requests('POST', `/hardship-files/${waiting.id}/decisions`)
  expect(sent).toHaveLength(1)
  expect(sent[0].status).toBe(200)
  expect(sent[0].data).toEqual({ action: 'return', version: waiting.version, comment: '请补充家庭收入证明' })
  expect(sent[0].header['Idempotency-Key']).toBeTruthy()
  const now = (await backend('GET', `/hardship-files/${waiting.id}`, undefined, token)).data
  expect(now.status).toBe('returned')
  expect(text(detail, '#decided')).toBe(`已退回：${now.status_label}`)
  expect(text(detail, '#next-step')).toContain('已退回：请补充家庭收入证明')
  expect(text(detail, '#history')).toContain('请补充家庭收入证明')
})
