// Issue 17's aid flow: a family applies with an uploaded document, the village → town → county
// → province officers decide from their queues (a return is edited and resubmitted), the
// applicant follows the timeline; withdrawal, the audited reveal, field errors, double taps.
import { TODO_ROUTES } from '../miniprogram/utils/todo-routes'
import { backend, dispatch, findAll, followNavigation, loginAs, openPage, PageHandle, pngFile, requests, tap, text, tokenOf, wxShim } from './kit'

/** A valid 18-digit ID number (GB 11643 check digit), of an adult born in 1975 by default. */
function idNumber(seq: number, year = '1975'): string {
  const body = `451224${year}03${String(10 + (seq % 18)).padStart(2, '0')}${String(seq % 1000).padStart(3, '0')}`
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = body.split('').reduce((s, c, i) => s + Number(c) * w[i], 0)
  return body + '10X98765432'[sum % 11]
}
let seq = Math.floor(Math.random() * 900)

async function openProgram(persona: string) {
  const r = await backend('GET', '/aid/programs?scope=open', undefined, await tokenOf(persona))
  expect(r.status).toBe(200)
  const program = r.data.items.find((p: any) => p.eligible && p.categories.some((c: any) => c.code === 'family'))
  expect(program).toBeTruthy()
  return program
}

async function fill(page: PageHandle, values: Record<string, string>) {
  for (const k of Object.keys(values)) await dispatch(page, `#f-${k}`, 'input', { value: values[k] })
}

/** The applicant fills the family form for `name` in `village` with both documents uploaded. */
async function fillFamilyForm(persona: string, village: string, name: string, number: string) {
  loginAs(persona)
  const program = await openProgram(persona)
  const home = await openPage('pages/aid/index')
  expect(text(home, `#program-${program.id}`)).toContain(program.name)
  await tap(home, `#apply-${program.id}`)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/aid/apply?program=${program.id}` }))
  wxShim.nav.push({ type: 'navigateTo', url: `/pages/aid/apply?program=${program.id}` })
  const form = await followNavigation()
  expect(text(form, '#program-name')).toBe(program.name)
  const org = program.eligible_orgs.find((o: any) => o.name === village)
  await tap(form, `#org-${org.id}`)
  await tap(form, '#cat-family')
  await tap(form, '#tier-general')
  await fill(form, { name, id_number: number, household_county: '东兰县', holder: name, bank: '东兰县农村信用合作联社', number: '6230520012345678', reason: '家中老人重病，收入微薄。' })
  const uploads = requests('POST', '/api/v1/files').length
  wxShim.media = [pngFile(80, 60, 'hukou.png')]
  await tap(form, '#pick-household_register')
  wxShim.media = [pngFile(80, 60, 'jiance.png')]
  await tap(form, '#pick-monitoring_certificate')
  expect(text(form, '#doc-household_register')).toContain('已上传')
  expect(text(form, '#doc-monitoring_certificate')).toContain('已上传')
  expect(requests('POST', '/api/v1/files').slice(uploads).map((r) => r.status)).toEqual([201, 201])
  return { program, form, org }
}

/** The officer finds the application in their workbench queue and opens its decision page. */
async function fromQueue(persona: string, applicationId: number) {
  const r = await backend('GET', '/workbench/todos?kind=aid_application&limit=100', undefined, await tokenOf(persona))
  expect(r.status).toBe(200)
  const item = r.data.items.find((t: any) => t.id === applicationId)
  expect(item).toBeTruthy()
  loginAs(persona)
  return openPage(TODO_ROUTES[item.kind].path, { id: String(item.id) })
}

async function decide(persona: string, applicationId: number, action: 'approve' | 'return' | 'reject', comment = '') {
  const page = await fromQueue(persona, applicationId)
  if (comment) await dispatch(page, '#comment', 'input', { value: comment })
  await tap(page, `#${action}-btn`)
  return page
}

test('a family applies with uploaded documents; village → town → county → province approve, a return is edited and resubmitted', async () => {
  const name = '韦桂英'
  const number = idNumber(seq++)
  const { form, org } = await fillFamilyForm('aid-hongli', '红里村', name, number)

  await tap(form, '#submit-btn')
  // subscribe messages asked inside the tap, for the aid templates
  expect(wxShim.subscribe).toHaveLength(1)
  expect(requests('POST', '/me/subscriptions')).toHaveLength(1)
  const created = requests('POST', '/api/v1/aid/applications').filter((r) => r.path === '/api/v1/aid/applications')
  expect(created.map((r) => r.status)).toEqual([201])
  expect(created[0].data).toEqual(expect.objectContaining({ org_id: org.id, category_code: 'family', tier_code: 'general' }))
  expect(created[0].data.documents.map((d: any) => d.kind).sort()).toEqual(['household_register', 'monitoring_certificate'])
  const submit = requests('POST', '/submit')
  expect(submit.map((r) => r.status)).toEqual([200])
  const nav = wxShim.nav[wxShim.nav.length - 1]
  expect(nav.type).toBe('redirectTo')
  const id = Number(/id=(\d+)/.exec(nav.url!)![1])

  const status = await followNavigation()
  expect(text(status, '#app-status')).toBe('审核中')
  expect(text(status, '#step')).toBe('红里村审核中')
  expect(text(status, '#timeline')).toContain('提交')
  expect(text(status)).not.toContain(number) // masked

  // village approver: reveal the ID number with a reason (audited), then approve
  const village = await fromQueue('officer-hongli', id)
  expect(text(village, '#beneficiary')).toBe(name)
  expect(text(village, '#id-number')).not.toBe(number)
  expect(text(village, '#docs')).toContain('户口簿')
  await tap(village, '#reveal-id_number')
  expect(text(village, '#reveal-error')).toContain('请先填写查看原因')
  await dispatch(village, '#reveal-reason', 'input', { value: '核对户籍信息' })
  await tap(village, '#reveal-id_number')
  expect(text(village, '#id-number')).toBe(number)
  expect(requests('POST', '/reveal')[0].data).toEqual({ field: 'id_number', reason: '核对户籍信息' })
  await tap(village, '#approve-btn')
  expect(text(village, '#result')).toBe('已通过')
  expect(text(village, '#step')).toContain('东兰镇')

  // town approver returns it: a reason is required, the applicant sees it
  const town = await fromQueue('officer-donglan-town', id)
  await tap(town, '#return-btn')
  expect(text(town, '#decide-error')).toContain('请填写退回原因')
  expect(requests('POST', '/decisions').filter((r) => r.data.action === 'return')).toHaveLength(0)
  await dispatch(town, '#comment', 'input', { value: '监测证明不清晰，请重新拍照上传' })
  await tap(town, '#return-btn')
  expect(text(town, '#result')).toBe('已退回')
  expect(text(town, '#app-status')).toBe('已退回修改')

  // the applicant sees the reason, edits and resubmits
  loginAs('aid-hongli')
  const back = await openPage('pages/aid/application', { id: String(id) })
  expect(text(back, '#app-status')).toBe('已退回修改')
  expect(text(back, '#return-reason')).toBe('退回原因：监测证明不清晰，请重新拍照上传')
  await tap(back, '#edit-btn')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: `/pages/aid/apply?id=${id}` }))
  wxShim.nav.push({ type: 'navigateTo', url: `/pages/aid/apply?id=${id}` })
  const edit = await followNavigation()
  expect(text(edit, '#return-reason')).toBe('退回原因：监测证明不清晰，请重新拍照上传')
  expect(text(edit, '#submit-btn')).toBe('重新提交')
  expect(text(edit, '#doc-monitoring_certificate')).toContain('已上传')
  wxShim.media = [pngFile(120, 90, 'jiance-2.png')]
  await tap(edit, '#pick-monitoring_certificate')
  await fill(edit, { reason: '家中老人重病，收入微薄。已重新上传监测证明。' })
  const before = requests('PATCH').length
  await tap(edit, '#submit-btn')
  const patch = requests('PATCH', `/aid/applications/${id}`).slice(before)
  expect(patch.map((r) => r.status)).toEqual([200])
  expect(patch[0].data.beneficiary).toBeUndefined() // the masked ID number is never sent back
  expect(patch[0].data.bank_account).toBeUndefined()
  const again = await followNavigation()
  expect(text(again, '#app-status')).toBe('审核中')
  expect(text(again, '#timeline')).toContain('重新提交')
  expect(text(again, '#step')).toContain('红里村')

  // up the chain again: village, town, county, province (the last one reserves the money)
  await decide('officer-hongli', id, 'approve')
  await decide('officer-donglan-town', id, 'approve')
  const county = await decide('officer-donglan-county', id, 'approve')
  expect(text(county, '#step')).toContain('广西壮族自治区总工会')
  const province = await decide('officer-guangxi', id, 'approve', '同意资助')
  expect(text(province, '#app-status')).toBe('已通过')

  loginAs('aid-hongli')
  const done = await openPage('pages/aid/application', { id: String(id) })
  expect(text(done, '#app-status')).toBe('已通过')
  expect(text(done)).toContain('已批准，将在发放仪式上发放资助金')
  const api = await backend('GET', `/aid/applications/${id}`, undefined, await tokenOf('aid-hongli'))
  expect(findAll(done, '.event').length).toBe(api.data.history.length)
  expect(api.data.history.map((e: any) => e.action)).toEqual(expect.arrayContaining(['create', 'submit', 'return', 'resubmit']))
  expect(text(done, '#timeline')).toContain('同意资助')
  const home = await openPage('pages/aid/index')
  expect(text(home, `#app-${id}`)).toContain('已通过')
})

test("another village's approver opening the decision page sees the API's refusal", async () => {
  const number = idNumber(seq++)
  loginAs('aid-kunwang')
  const token = await tokenOf('aid-kunwang')
  const program = await openProgram('aid-kunwang')
  const org = program.eligible_orgs.find((o: any) => o.name === '坤王村')
  const draft = await backend('POST', '/aid/applications', { program_id: program.id, org_id: org.id, category_code: 'family', tier_code: 'general', beneficiary: { name: '蓝秀英', id_number: number, relation: 'self', household_county: '东兰县' }, bank_account: { holder: '蓝秀英', bank: '农信社', number: '6230520099990000' }, reason: '困难' }, token)
  expect(draft.status).toBe(201)

  loginAs('officer-hongli') // another village's approver
  const page = await openPage('pages/aid/decide', { id: String(draft.data.id) })
  const direct = await backend('GET', `/aid/applications/${draft.data.id}`, undefined, await tokenOf('officer-hongli'))
  expect(direct.status).toBe(404)
  expect(text(page, '#state-message')).toBe(direct.data.error.message)
})

test('bad input: the form checks first, then shows the API field message; a double tap creates one application', async () => {
  const { form } = await fillFamilyForm('aid-nongzhu', '弄竹村', '黄春梅', '451224197503150011')
  await fill(form, { number: '12ab' })
  await tap(form, '#submit-btn')
  expect(text(form, '#err-number')).toBe('银行账号应为 8–30 位数字')
  expect(requests('POST', '/api/v1/aid/applications')).toHaveLength(0)

  await fill(form, { number: '6230520012345678' })
  await tap(form, '#submit-btn') // an invalid ID number (bad check digit): the API says so
  const refused = requests('POST', '/api/v1/aid/applications').filter((r) => r.path === '/api/v1/aid/applications')
  expect(refused.map((r) => r.status)).toEqual([422])
  const direct = await backend('POST', '/aid/applications', refused[0].data, await tokenOf('aid-nongzhu'))
  expect(direct.status).toBe(422)
  expect(text(form, '#err-id_number')).toBe([].concat(direct.data.error.details.fields['beneficiary.id_number'] || direct.data.error.details.fields.beneficiary.id_number).join('；'))
  expect(text(form, '#form-error')).toBe(direct.data.error.message)

  const number = idNumber(seq++)
  await fill(form, { id_number: number })
  wxShim.network.loseResponses = 1 // the draft is written, the phone sees a timeout
  await tap(form, '#submit-btn')
  expect(text(form, '#form-error')).toContain('网络不给力')
  form.instance.onSubmit() // a double tap on the retry
  await tap(form, '#submit-btn')
  const creates = requests('POST', '/api/v1/aid/applications').filter((r) => r.status === 201)
  expect(new Set(creates.map((r) => r.header['Idempotency-Key'])).size).toBe(1)
  const mine = await backend('GET', '/me/aid/applications?limit=100', undefined, await tokenOf('aid-nongzhu'))
  const ours = mine.data.items.filter((a: any) => a.beneficiary.name === '黄春梅')
  expect(ours).toHaveLength(1)
  expect(ours[0].status).toBe('submitted')
})

test('the applicant withdraws a submitted application after confirming', async () => {
  const number = idNumber(seq++)
  const { form } = await fillFamilyForm('aid-luanpo', '鸾坡村', '罗海燕', number)
  await tap(form, '#submit-btn')
  const page = await followNavigation()
  expect(text(page, '#app-status')).toBe('审核中')
  wxShim.modalConfirm = false
  await tap(page, '#withdraw-btn')
  expect(requests('POST', '/withdraw')).toHaveLength(0)
  wxShim.modalConfirm = true
  await tap(page, '#withdraw-btn')
  expect(wxShim.modals[wxShim.modals.length - 1].content).toContain('确定撤回')
  expect(requests('POST', '/withdraw').map((r) => r.status)).toEqual([200])
  expect(text(page, '#app-status')).toBe('已撤回')
  expect(text(page, '#timeline')).toContain('撤回')
  expect(page.data.canWithdraw).toBe(false)
})

test('a first-time applicant for a child gets the consent screen, agrees once (guardian too) and the application goes in', async () => {
  const program = await openProgram('aid-kunwang')
  loginAs('aid-first-timer-guardian') // a new user: no consents yet
  const form = await openPage('pages/aid/apply', { program: String(program.id) })
  const org = program.eligible_orgs.find((o: any) => o.name === '坤王村')
  await tap(form, `#org-${org.id}`)
  await tap(form, '#cat-family')
  await tap(form, '#tier-general')
  await tap(form, '#rel-child')
  const child = idNumber(seq++, '2016')
  await fill(form, { name: '牙小宝', id_number: child, household_county: '东兰县', holder: '牙建国', bank: '农信社', number: '6230520055556666', reason: '父亲伤残，家中无收入。' })
  wxShim.media = [pngFile()]
  await tap(form, '#pick-household_register')
  await tap(form, '#pick-monitoring_certificate')
  await tap(form, '#submit-btn')
  const refused = requests('POST', '/api/v1/aid/applications').filter((r) => r.path === '/api/v1/aid/applications')
  expect(refused.map((r) => r.status)).toEqual([403])
  expect(text(form, '#consent')).toContain('身份证号')
  expect(text(form, '#consent')).toContain('未满 14 周岁')
  expect(text(form)).not.toContain('提交申请') // the submit bar waits for the consent

  await tap(form, '#consent-btn')
  const consent = requests('POST', '/me/consents')
  expect(consent.map((r) => r.status)).toEqual([201])
  expect(consent[0].data).toEqual(expect.objectContaining({ purpose: 'aid', guardian_relation: 'parent', subject: { name: '牙小宝', id_number: child } }))
  expect(consent[0].data.data_kinds.sort()).toEqual(['bank_account', 'certificate', 'id_number', 'minor_guardian'])
  const after = requests('POST', '/api/v1/aid/applications').filter((r) => r.path === '/api/v1/aid/applications')
  expect(after.map((r) => r.status)).toEqual([403, 201])
  const status = await followNavigation()
  expect(text(status, '#app-status')).toBe('审核中')
  expect(text(status, '#beneficiary')).toBe('牙小宝')
})

test('a decision on a stale screen shows the API conflict; a double-tapped approve decides once', async () => {
  const { form } = await fillFamilyForm('aid-banfeng', '板逢村', '班德胜', idNumber(seq++))
  await tap(form, '#submit-btn')
  const id = Number(/id=(\d+)/.exec(wxShim.nav[wxShim.nav.length - 1].url!)![1])
  const page = await fromQueue('officer-banfeng', id)
  // the applicant withdraws meanwhile (another phone)
  const token = await tokenOf('aid-banfeng')
  const seen = await backend('GET', `/aid/applications/${id}`, undefined, token)
  const w = await backend('POST', `/aid/applications/${id}/withdraw`, { version: seen.data.version }, token)
  expect(w.status).toBe(200)
  await tap(page, '#approve-btn')
  const refused = requests('POST', '/decisions').pop()!
  expect(refused.status).toBe(409)
  const direct = await backend('POST', `/aid/applications/${id}/decisions`, refused.data, await tokenOf('officer-banfeng'))
  expect(text(page, '#decide-error')).toBe(direct.data.error.message)

  const next = await fillFamilyForm('aid-banfeng', '板逢村', '班永福', idNumber(seq++))
  await tap(next.form, '#submit-btn')
  const id2 = Number(/id=(\d+)/.exec(wxShim.nav[wxShim.nav.length - 1].url!)![1])
  const again = await fromQueue('officer-banfeng', id2)
  again.instance.onDecide({ currentTarget: { dataset: { action: 'approve' } } })
  await tap(again, '#approve-btn')
  expect(requests('POST', `/aid/applications/${id2}/decisions`)).toHaveLength(1)
  expect(text(again, '#result')).toBe('已通过')
})
