// Issue 20: a member asks for rights help (consenting first), the union accepts, handles,
// resolves and calls back; the member rates and the case closes.
import { approvedMember, backend, dispatch, exists, followNavigation, loginAs, openPage, pngFile, requests, tap, text, tokenOf, wxShim } from './kit'

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

/** A PDF file on disk; `complete: false` leaves out the end marker (the API refuses it). */
function pdfFile(name: string, complete = true): string {
  const fs = require('fs') as typeof import('fs')
  const os = require('os') as typeof import('os')
  const path = require('path') as typeof import('path')
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gh-pdf-')), name)
  fs.writeFileSync(file, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n' + (complete ? '%%EOF\n' : ''))
  return file
}

async function consentToRights(persona: string) {
  const token = await tokenOf(persona)
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'rights')
  const r = await backend('POST', '/me/consents', { purpose: 'rights', data_kinds: policy.data_kinds, policy_version: policy.version }, token)
  expect(r.status).toBe(201)
}

test('a member attaches photos and PDFs; a failed upload blocks the case until retried or removed; the case shows them', async () => {
  await approvedMember('mp20-rights-att', 941, '韦小维')
  await consentToRights('mp20-rights-att')
  loginAs('mp20-rights-att')
  const page = await openPage('pages/rights/index')
  expect(text(page, '#attach-limits')).toBe('可上传照片（JPG、PNG）或 PDF 文件，最多 10 个，每个不超过 5 MB')
  await tap(page, '#category-wage_arrears')
  await dispatch(page, '#happened', 'input', { value: '工地拖欠三个月工资，老板不接电话' })
  await dispatch(page, '#wanted', 'input', { value: '追回工资' })
  await dispatch(page, '#employer', 'input', { value: '板逢建筑队' })
  await tap(page, '#contact-in_app')

  wxShim.media = [pngFile(80, 60, 'payslip.png')]
  await tap(page, '#pick-photos')
  expect(text(page, '#att-0')).toContain('payslip.png')
  expect(text(page, '#att-0-done')).toBe('已上传')
  expect(page.data.attachments[0].progress).toBe(100) // what the upload task reported

  // a photo whose upload finds no network, a contract, and a broken PDF the API refuses
  wxShim.network.offline = true
  wxShim.media = [pngFile(40, 30, 'receipt.png')]
  await tap(page, '#pick-photos')
  wxShim.network.offline = false
  expect(text(page, '#att-1-error')).toBe('上传失败：网络不给力，请检查网络后重试')
  wxShim.messageFiles = [{ path: pdfFile('contract.pdf'), name: '劳动合同.pdf' }, { path: pdfFile('broken.pdf', false), name: '工资条.pdf' }]
  await tap(page, '#pick-files')
  expect(text(page, '#att-2')).toContain('劳动合同.pdf')
  expect(text(page, '#att-2-done')).toBe('已上传')
  expect(text(page, '#att-3')).toContain('工资条.pdf')
  expect(text(page, '#att-3-error')).toMatch(/^上传失败：.+/)
  // the two PDFs upload side by side: either may answer first
  expect(requests('POST', '/files').map((r) => r.status).sort((a, b) => a - b)).toEqual([0, 201, 201, 422])

  await tap(page, '#submit-btn') // not with a failed attachment
  expect(text(page, '#form-error')).toBe('有附件没有上传成功，请重试或删除后再提交')
  expect(requests('POST', '/rights-cases')).toHaveLength(0)

  await tap(page, '#att-1-retry')
  expect(text(page, '#att-1-done')).toBe('已上传')
  await tap(page, '#att-3-remove')
  expect(exists(page, '#att-3')).toBe(false)
  expect(text(page, '#attachments')).not.toContain('工资条.pdf')
  // a file over the limit is refused on the phone, before spending the upload
  const big = pdfFile('big.pdf')
  require('fs').writeFileSync(big, Buffer.alloc(6 * 1024 * 1024, 32))
  wxShim.messageFiles = [{ path: big, name: '录音转写.pdf' }]
  await tap(page, '#pick-files')
  expect(text(page, '#att-3-error')).toBe('上传失败：超过 5 MB，请压缩后再上传')
  expect(requests('POST', '/files')).toHaveLength(5)
  await tap(page, '#att-3-remove')
  await tap(page, '#submit-btn')
  expect(page.data.attachments).toEqual([]) // the form was cleared
  const sent = requests('POST', '/rights-cases')
  expect(sent.map((r) => r.status)).toEqual([201])
  const files = requests('POST', '/files').filter((r) => r.status === 201)
  expect(files).toHaveLength(3)
  expect(sent[0].data.documents).toHaveLength(3)

  const opened = await followNavigation()
  const id = opened.data.c.id
  const api = (await backend('GET', `/rights-cases/${id}`, undefined, await tokenOf('mp20-rights-att'))).data
  expect(api.documents.map((d: any) => d.original_name).sort()).toEqual(['contract.pdf', 'payslip.png', 'receipt.png'])
  expect(sent[0].data.documents.slice().sort()).toEqual(api.documents.map((d: any) => d.file_id).sort())
  for (const d of api.documents) expect(text(opened, `#doc-${d.file_id}-name`)).toBe(d.original_name)
  const photo = api.documents.find((d: any) => d.original_name === 'payslip.png')
  const pdf = api.documents.find((d: any) => d.original_name === 'contract.pdf')
  expect(exists(opened, `#doc-${pdf.file_id}-view`)).toBe(false)
  await tap(opened, `#doc-${photo.file_id}-view`)
  expect(wxShim.previews).toHaveLength(1)
  expect(wxShim.previews[0].urls[0]).toMatch(/^data:image\/png;base64,iVBOR/)

  // the officer handling it sees the same list and may open the photo (an audited read)
  loginAs('officer-banfeng')
  const officer = await openPage('pages/rights/case', { id: String(id) })
  expect(text(officer, '#documents')).toContain('证据材料（3）')
  await tap(officer, `#doc-${photo.file_id}-view`)
  expect(wxShim.previews).toHaveLength(2)
  expect(exists(officer, '#preview-error')).toBe(false)
})
