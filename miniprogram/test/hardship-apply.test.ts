// Issue 21's file form (pages/hardship/apply), the file page after submitting and the hardship
// statistics for officers (pages/stats), against the real backend and its 东兰 demo data.
import { backend, dispatch, exists, followNavigation, loginAs, openPage, pngFile, requests, settle, tap, text, tokenOf, wxShim } from './kit'
import type { PageHandle } from './kit'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
/** A valid ID number of 东兰 (451224) born on `born` (YYYYMMDD). */
function idNumber(born: string, sequence: number): string {
  const first17 = `451224${born}${String(sequence).padStart(3, '0')}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return first17 + '10X98765432'[sum % 11]
}

async function orgId(name: string): Promise<number> {
  const r = await backend('GET', `/orgs?q=${encodeURIComponent(name)}`, undefined, await tokenOf('demo-member'))
  return r.data.items.find((o: any) => o.name === name).id
}

/** The eligibility is asked for after a pause in the typing: wait for it. */
async function afterTyping(): Promise<void> {
  await new Promise((r) => setTimeout(r, 600))
  await settle()
}

async function type(page: PageHandle, selector: string, value: string): Promise<void> {
  await dispatch(page, selector, 'input', { value })
}

/** Step 1: the union (searched by name) and the head of household. */
async function fillHead(page: PageHandle, village: string, name: string, id: string): Promise<void> {
  await type(page, '#org-q', village.slice(0, 2))
  await tap(page, '#org-search')
  await tap(page, `#org-${await orgId(village)}`)
  await type(page, '#head-name', name)
  await type(page, '#head-id_number', id)
  await tap(page, '#head-health-chronic')
}

async function addMember(page: PageHandle, name: string, relation: string, id: string): Promise<void> {
  await tap(page, '#add-member')
  await type(page, '#m-name', name)
  await tap(page, `#m-relation-${relation}`)
  await type(page, '#m-id_number', id)
  await tap(page, '#m-schooling-secondary')
  await tap(page, '#member-save')
}

async function fillBank(page: PageHandle, holder: string): Promise<void> {
  await type(page, '#bank-holder', holder)
  await type(page, '#bank-bank', '东兰县农村信用合作联社')
  await type(page, '#bank-number', '6230520090000123')
}

test('a member fills the file in five steps, gives the consents and the file is in their list with its level', async () => {
  loginAs('mp21-household')
  const page = await openPage('pages/hardship/apply')
  await tap(page, '#next-btn')
  expect(text(page, '#err-org_id')).toBe('请选择所在的村（社区）或乡镇工会')
  expect(text(page, '#err-head_name')).toBe('请填写户主姓名')
  await fillHead(page, '鸾坡村', '覃海生', idNumber('19800101', 811))
  await tap(page, '#next-btn')
  expect(exists(page, '#step-family')).toBe(true)

  // a family member: the ID number is checked on the phone like the join form does
  await tap(page, '#add-member')
  await type(page, '#m-name', '覃小梅')
  await type(page, '#m-id_number', idNumber('20100301', 812).slice(0, 17) + '0')
  await tap(page, '#member-save')
  expect(text(page, '#err-m-id_number')).toBe('身份证号最后一位校验不通过，请对照身份证核对')
  await tap(page, '#member-cancel')
  await addMember(page, '覃小梅', 'child', idNumber('20100301', 812))
  await addMember(page, '覃大山', 'parent', idNumber('19500505', 813))
  expect(text(page, '#member-0')).toContain('覃小梅（子女）')
  expect(text(page, '#member-1')).toContain('覃大山（父母）')
  // edit, then remove one
  await tap(page, '#edit-member-1')
  await type(page, '#m-name', '覃大川')
  await tap(page, '#member-save')
  expect(text(page, '#member-1')).toContain('覃大川（父母）')
  await tap(page, '#remove-member-1')
  expect(exists(page, '#member-1')).toBe(false)
  await tap(page, '#next-btn')

  // causes and yearly figures in yuan; the level as they are typed (2 people: line × 2 × 12)
  await tap(page, '#main-illness')
  await tap(page, '#secondary-schooling')
  await type(page, '#income-wages', '6000')
  await type(page, '#cost-medical', '1200.50')
  await afterTyping()
  const test = requests('POST', '/hardship-files/self-test').pop()!
  expect(test.data).toEqual(expect.objectContaining({ household_size: 2, yearly_income_fen: 600_000, yearly_fixed_costs_fen: 120_050 }))
  const expected = await backend('POST', '/hardship-files/self-test', test.data, await tokenOf('mp21-household'))
  expect(expected.data.level).toBe('deep')
  expect(text(page, '#eligibility-level')).toBe(`预估：${expected.data.level_label}`)
  expect(text(page, '#eligibility-text')).toContain('月人均收入 199.97 元，当地低保标准 455.00 元')
  await tap(page, '#next-btn')

  // bank account and one evidence photo through the kit's upload
  await fillBank(page, '覃海生')
  wxShim.media = [pngFile(64, 48, 'bingli.png')]
  await tap(page, '#pick-evidence')
  expect(text(page, '#evidence-0')).toContain('bingli.png')
  await tap(page, '#next-btn')
  expect(text(page, '#summary-size')).toBe('2 人')

  // the API asks for the consents first: one card, one POST /me/consents, then the submit
  await tap(page, '#submit-btn')
  expect(requests('POST', '/hardship-files').filter((r) => r.path === '/api/v1/hardship-files').pop()!.status).toBe(403)
  expect(text(page, '#consent')).toContain('身份证号')
  expect(text(page, '#consent')).toContain('银行账户')
  await tap(page, '#consent-btn')
  const consent = requests('POST', '/me/consents').pop()!
  expect(consent.status).toBe(201)
  expect(consent.data.purpose).toBe('aid')
  const created = requests('POST', '/hardship-files').filter((r) => r.path === '/api/v1/hardship-files').pop()!
  expect(created.status).toBe(201)
  expect(created.data).toEqual(expect.objectContaining({
    on_behalf: false, main_cause: 'illness', secondary_causes: ['schooling'],
    income_items: [{ kind: 'wages', amount_fen: 600_000 }], fixed_costs: [{ kind: 'medical', amount_fen: 120_050 }],
  }))
  expect(created.data.family).toEqual([expect.objectContaining({ name: '覃小梅', relation: 'child', schooling: 'secondary' })])
  expect(created.data.evidence_file_ids.length).toBe(1)
  const submitted = requests('POST', '/submit').pop()!
  expect(submitted.status).toBe(200)
  expect(submitted.header['Idempotency-Key']).toBeTruthy()
  const nav = wxShim.nav.pop()!
  expect(nav.type).toBe('redirectTo')
  const fileId = Number(/id=(\d+)/.exec(nav.url || '')![1])
  expect(wxShim.storage.has(`gh.draft:hardship:${(await backend('GET', '/me', undefined, await tokenOf('mp21-household'))).data.id}`)).toBe(false)

  // the file page after submitting: its state and the next step (the home visit)
  wxShim.nav.push(nav)
  const filePage = await followNavigation()
  const file = await backend('GET', `/hardship-files/${fileId}`, undefined, await tokenOf('mp21-household'))
  expect(file.data.status).toBe('grassroots_review')
  expect(text(filePage, '#status')).toContain(file.data.status_label)
  expect(text(filePage, '#next-step')).toBe('下一步：鸾坡村两名工作人员入户核查（一访二看三核四评），登记后初审')

  // and in the list with its level
  const list = await openPage('pages/hardship/index')
  expect(text(list, `#file-${fileId}`)).toContain('覃海生')
  expect(text(list, `#file-${fileId}`)).toContain(file.data.level_label)
  expect(text(list, `#file-${fileId}`)).toContain(file.data.status_label)
})

test('the level changes as the income crosses the 低保 line and twice the line', async () => {
  loginAs('mp21-income')
  const page = await openPage('pages/hardship/apply')
  await fillHead(page, '红里村', '罗春花', idNumber('19850202', 821))
  await tap(page, '#next-btn')
  await tap(page, '#next-btn') // alone: 1 person, the line is 455 × 12 = 5,460 yuan a year
  expect(text(page, '#eligibility-hint')).toContain('填写家庭收入后')
  const seen: string[] = []
  for (const yuan of ['5459.99', '5460', '10920']) {
    await type(page, '#income-wages', yuan)
    await afterTyping()
    seen.push(text(page, '#eligibility-level'))
  }
  expect(seen).toEqual(['预估：深度困难', '预估：相对困难', '预估：不符合条件'])
  expect(text(page, '#eligibility-reason')).toContain('不低于低保标准的 2 倍 910.00 元')
  // typing fast asks once, for the last figure
  const before = requests('POST', '/hardship-files/self-test').length
  await type(page, '#income-wages', '1')
  await type(page, '#income-wages', '12')
  await type(page, '#income-wages', '120')
  await afterTyping()
  const asked = requests('POST', '/hardship-files/self-test').slice(before)
  expect(asked.map((r) => r.data.yearly_income_fen)).toEqual([12_000])
  expect(text(page, '#eligibility-level')).toBe('预估：深度困难')
  // accident costs above 80 % of the income
  await type(page, '#income-wages', '20000')
  await type(page, '#accident', '16000.01')
  await afterTyping()
  expect(text(page, '#eligibility-level')).toBe('预估：意外致困')
  await type(page, '#income-wages', 'abc')
  await afterTyping()
  expect(text(page, '#eligibility-error')).toBe('工资性收入请填写金额（元，最多两位小数）')
})

test('a family member already in another open file: the Chinese refusal, and the corrected file goes through', async () => {
  // another household's file holds 韦小军's number (submitted by its own applicant)
  const held = idNumber('20080808', 831)
  const other = await tokenOf('mp21-holder')
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'aid')
  expect((await backend('POST', '/me/consents', { purpose: 'aid', data_kinds: ['id_number', 'bank_account'], policy_version: policy.version }, other)).status).toBe(201)
  const draft = await backend('POST', '/hardship-files', {
    org_id: await orgId('板逢村'), head: { name: '韦大军', id_number: idNumber('19790909', 832), health: 'serious', schooling: 'none' },
    family: [{ name: '韦小军', relation: 'child', id_number: held, health: 'healthy', schooling: 'primary' }],
    main_cause: 'illness', income_items: [{ kind: 'wages', amount_fen: 500_000 }],
    bank_account: { holder: '韦大军', bank: '东兰县农村信用合作联社', number: '6230520090000999' },
  }, other)
  expect(draft.status).toBe(201)
  expect((await backend('POST', `/hardship-files/${draft.data.id}/submit`, { version: draft.data.version }, other)).status).toBe(200)

  loginAs('mp21-second-household')
  const token = await tokenOf('mp21-second-household')
  expect((await backend('POST', '/me/consents', { purpose: 'aid', data_kinds: ['id_number', 'bank_account'], policy_version: policy.version }, token)).status).toBe(201)
  const page = await openPage('pages/hardship/apply')
  await fillHead(page, '板逢村', '韦二妹', idNumber('19820303', 833))
  await tap(page, '#next-btn')
  await addMember(page, '韦小军', 'other', held)
  await tap(page, '#next-btn')
  await tap(page, '#main-unemployment')
  await type(page, '#income-wages', '3000')
  await tap(page, '#next-btn')
  await fillBank(page, '韦二妹')
  await tap(page, '#next-btn')
  await tap(page, '#submit-btn')
  const refused = requests('POST', '/submit').pop()!
  expect(refused.status).toBe(409)
  expect(text(page, '#form-error')).toBe('这户家庭的成员已在另一份在档的困难职工档案中，请联系工会。')
  // the refusal names the person (details.fields): the form opens the family step at them
  expect(page.data.step).toBe(1)
  expect(text(page, '#err-family_0')).toBe('身份证号：此人已在另一份未办结的困难档案中。')

  // the member removed, the same draft is edited and submitted (no second file)
  await tap(page, '#step-1')
  await tap(page, '#remove-member-0')
  await tap(page, '#next-btn')
  await tap(page, '#next-btn')
  await tap(page, '#next-btn')
  await tap(page, '#submit-btn')
  expect(requests('PATCH', `/hardship-files/${refused.path.split('/')[4]}`).pop()!.status).toBe(200)
  expect(requests('POST', '/submit').pop()!.status).toBe(200)
  expect(requests('POST', '/hardship-files').filter((r) => r.path === '/api/v1/hardship-files').length).toBe(1)
  const mine = await backend('GET', '/me/hardship-files', undefined, token)
  expect(mine.data.items.map((f: any) => [f.head_name, f.household_size, f.status])).toEqual([['韦二妹', 1, 'grassroots_review']])
})

test('an API field error is shown next to its field, on its step', async () => {
  loginAs('mp21-field-error')
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'aid')
  await backend('POST', '/me/consents', { purpose: 'aid', data_kinds: ['id_number', 'bank_account'], policy_version: policy.version }, await tokenOf('mp21-field-error'))
  const page = await openPage('pages/hardship/apply')
  // a number the phone accepts but whose region the server does not know
  const first17 = '99122419800101814'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  await fillHead(page, '弄竹村', '牙小花', first17 + '10X98765432'[sum % 11])
  for (let i = 0; i < 2; i++) await tap(page, '#next-btn')
  await tap(page, '#main-accident')
  await type(page, '#income-wages', '3000')
  await tap(page, '#next-btn')
  await fillBank(page, '牙小花')
  await tap(page, '#next-btn')
  await tap(page, '#submit-btn')
  const sent = requests('POST', '/hardship-files').filter((r) => r.path === '/api/v1/hardship-files').pop()!
  expect(sent.status).toBe(422)
  expect(exists(page, '#step-head')).toBe(true)
  expect(text(page, '#err-head_id_number')).toBeTruthy()
  expect(text(page, '#form-error')).toBeTruthy()
})

test('the typing survives closing and reopening the page, and 清空重填 forgets it', async () => {
  loginAs('mp21-draft')
  const first = await openPage('pages/hardship/apply')
  await fillHead(first, '坤王村', '班秀英', idNumber('19830404', 841))
  await tap(first, '#next-btn')
  await addMember(first, '班小明', 'child', idNumber('20120606', 842))
  await tap(first, '#next-btn')
  await tap(first, '#main-disability')
  await type(first, '#income-wages', '4000')
  await afterTyping()
  first.comp.detach() // the app is closed

  const again = await openPage('pages/hardship/apply')
  expect(text(again, '#restored')).toContain('已恢复上次未提交的填写内容')
  expect(exists(again, '#step-figures')).toBe(true)
  expect(again.data.income.wages).toBe('4000')
  await afterTyping()
  expect(text(again, '#eligibility-level')).toBe('预估：深度困难')
  await tap(again, '#step-1')
  expect(text(again, '#member-0')).toContain('班小明（子女）')
  await tap(again, '#step-0')
  expect(again.data.head.name).toBe('班秀英')
  expect(text(again, '#orgs')).toContain('坤王村')

  await tap(again, '#discard')
  const third = await openPage('pages/hardship/apply')
  expect(exists(third, '#restored')).toBe(false)
  expect(third.data.head.name).toBe('')
})

test('the hardship screen opens the form', async () => {
  loginAs('mp21-entry')
  const page = await openPage('pages/hardship/index')
  await tap(page, '#open-apply')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: '/pages/hardship/apply' }))
})

test('the county officer sees 东兰 hardship figures and downloads the roster with the token', async () => {
  loginAs('officer-donglan-county')
  const page = await openPage('pages/stats/index')
  const county = await orgId('东兰县总工会')
  const token = await tokenOf('officer-donglan-county')
  const stats = await backend('GET', `/hardship/stats?org_id=${county}`, undefined, token)
  expect(stats.status).toBe(200)
  expect(text(page, '#hardship-total')).toContain(`东兰县总工会 · 已提交档案 ${stats.data.total} 户`)
  for (const figure of stats.data.filed_by_level) {
    expect(text(page, `#hardship-level-${figure.key}`)).toBe(`${figure.label}${figure.count} 户`)
  }
  for (const figure of stats.data.by_status) {
    expect(text(page, `#hardship-status-${figure.key}`)).toBe(`${figure.label}${figure.count} 户`)
  }
  // the demo data: filed files at each level (鸾坡村 and 坤王村 deep)
  expect(stats.data.filed_by_level.map((f: any) => f.count)).toEqual([2, 1, 1])
  // the filed ones by main and secondary cause, every cause listed
  expect(stats.data.filed_by_main_cause.length).toBe(6)
  for (const figure of stats.data.filed_by_main_cause) {
    expect(text(page, `#hardship-main-${figure.key}`)).toBe(`${figure.label}${figure.count} 户`)
  }
  for (const figure of stats.data.filed_by_secondary_cause) {
    expect(text(page, `#hardship-secondary-${figure.key}`)).toBe(`${figure.label}${figure.count} 户`)
  }
  expect(stats.data.filed_by_main_cause.reduce((n: number, f: any) => n + f.count, 0)).toBe(4)

  // a year: the figures of the files opened in it (the demo opened files in both years)
  const year = new Date().getFullYear()
  await tap(page, `#hardship-year-${year - 1}`)
  expect(requests('GET', '/hardship/stats').pop()!.path).toContain(`year=${year - 1}`)
  const lastYear = await backend('GET', `/hardship/stats?org_id=${county}&year=${year - 1}`, undefined, token)
  expect(text(page, '#hardship-total')).toBe(`东兰县总工会 · ${year - 1}年新建档案 ${lastYear.data.total} 户`)
  await tap(page, `#hardship-year-${year}`)
  const thisYear = await backend('GET', `/hardship/stats?org_id=${county}&year=${year}`, undefined, token)
  expect(text(page, '#hardship-total')).toBe(`东兰县总工会 · ${year}年新建档案 ${thisYear.data.total} 户`)
  expect(lastYear.data.total + thisYear.data.total).toBeLessThanOrEqual(stats.data.total)
  expect(thisYear.data.total).toBeLessThan(stats.data.total) // the year filter filters

  // 导出统计表: the figures on screen as XLSX, no reason asked
  await tap(page, '#hardship-stats-export')
  const figures = requests('GET', '/hardship/stats.xlsx').pop()!
  expect(figures.header.Authorization).toBe(`Bearer ${wxShim.storage.get('gh.access_token')}`)
  expect(figures.path).toContain(`org_id=${county}`)
  expect(figures.path).toContain(`year=${year}`)
  expect(figures.status).toBe(200)
  expect(wxShim.documents.pop()).toEqual(expect.objectContaining({ fileType: 'xlsx', magic: 'PK' }))
  expect(exists(page, '#export-error')).toBe(false)
  await tap(page, '#hardship-year-all')
  expect(text(page, '#hardship-total')).toContain(`东兰县总工会 · 已提交档案 ${stats.data.total} 户`)

  await tap(page, '#hardship-export')
  expect(text(page, '#export-error')).toBe('导出含银行账号的名册须写明用途（至少 2 个字）')
  expect(requests('GET', '/hardship-files/export').length).toBe(0)
  await dispatch(page, '#export-reason', 'input', { value: '送温暖资金发放核对' })
  wxShim.network.offline = true
  await tap(page, '#hardship-export')
  expect(text(page, '#export-error')).toBe('网络不给力，请检查网络后重试')
  expect(wxShim.documents.length).toBe(0)
  wxShim.network.offline = false
  await tap(page, '#hardship-export')
  const sent = requests('GET', '/hardship-files/export').pop()!
  expect(sent.header.Authorization).toBe(`Bearer ${wxShim.storage.get('gh.access_token')}`)
  expect(sent.path).toContain(`org_id=${county}`)
  expect(sent.status).toBe(200)
  const opened = wxShim.documents.pop()!
  expect(opened).toEqual(expect.objectContaining({ fileType: 'xlsx', showMenu: true, magic: 'PK' }))
  expect(exists(page, '#export-error')).toBe(false)
})

test('a village officer sees their own village; a member cannot open the statistics', async () => {
  loginAs('officer-luanpo')
  const village = await openPage('pages/stats/index')
  const luanpo = await backend('GET', `/hardship/stats?org_id=${await orgId('鸾坡村')}`, undefined, await tokenOf('officer-luanpo'))
  expect(text(village, '#hardship-total')).toContain(`鸾坡村 · 已提交档案 ${luanpo.data.total} 户`)

  loginAs('demo-member')
  const page = await openPage('pages/stats/index')
  expect(text(page, '#state-message')).toBe('只有工会干部可以查看统计')
  expect(requests('GET', '/hardship/stats').filter((r) => r.header.Authorization === `Bearer ${wxShim.storage.get('gh.access_token')}`).length).toBe(0)
  const refused = await backend('GET', `/hardship/stats?org_id=${await orgId('东兰县总工会')}`, undefined, await tokenOf('demo-member'))
  expect([403, 404]).toContain(refused.status)
})

test('a file in its notice shows the notice period, the objections for officers and the home visit', async () => {
  loginAs('officer-banfeng')
  const token = await tokenOf('officer-banfeng')
  const inNotice = (await backend('GET', '/hardship-files?status=in_notice', undefined, token)).data.items[0]
  const page = await openPage('pages/hardship/file', { id: String(inNotice.id) })
  const notices = await backend('GET', `/notices?org_id=${inNotice.org.id}`)
  const notice = notices.data.items.find((n: any) => n.subject_kind === 'hardship_file' && n.subject_id === inNotice.id)
  expect(text(page, '#notice-dates')).toBe(`公示期：${notice.starts_on} 发布，${notice.working_days} 个工作日，至 ${notice.ends_on}`)
  const objections = (await backend('GET', `/notices/${notice.id}/objections`, undefined, token)).data.items
  expect(objections.length).toBeGreaterThan(0)
  for (const o of objections) expect(text(page, `#objection-${o.id}`)).toContain(o.reason)
  expect(text(page, '#next-step')).toBe(notice.open_objections
    ? `公示中有 ${notice.open_objections} 件异议待核实，核实处理前暂停`
    : `公示至 ${notice.ends_on}，期满无异议后由东兰县总工会建档`)
  const detail = (await backend('GET', `/hardship-files/${inNotice.id}`, undefined, token)).data
  expect(text(page, '#visits')).toContain(detail.visits[0].findings)
  expect(exists(page, '#decide')).toBe(false) // the county's step, not the village's
  await tap(page, `#objection-${objections[0].id}`)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/notices/objection?id=${objections[0].id}` }))

  // the household itself sees the dates, not who objected or why
  loginAs('aid-banfeng')
  const own = await openPage('pages/hardship/file', { id: String(inNotice.id) })
  expect(text(own, '#notice-dates')).toContain(notice.ends_on)
  expect(objections.some((o: any) => exists(own, `#objection-${o.id}`))).toBe(false)
  expect(exists(own, '#decide')).toBe(false)

  // the county union files it only after the notice: its refusal is shown as the API gives it
  loginAs('officer-donglan-county')
  const county = await openPage('pages/hardship/file', { id: String(inNotice.id) })
  expect(exists(county, '#approve-btn')).toBe(false)
  await tap(county, '#file-btn')
  const refused = requests('POST', `/hardship-files/${inNotice.id}/decisions`).pop()!
  expect(refused.status).toBe(409)
  const again = await backend('POST', `/hardship-files/${inNotice.id}/decisions`, refused.data, await tokenOf('officer-donglan-county'))
  expect(again.status).toBe(409)
  expect(text(county, '#decision-error')).toBe(again.data.error.message)
})

test('a filed file shows its next yearly review', async () => {
  loginAs('officer-hongli')
  const token = await tokenOf('officer-hongli')
  const filed = (await backend('GET', '/hardship-files?status=filed', undefined, token)).data.items[0]
  const page = await openPage('pages/hardship/file', { id: String(filed.id) })
  expect(text(page, '#next-step')).toBe(`已建档，下次年度复核：${filed.review_due_on}`)
  expect(exists(page, '#notice')).toBe(false)
})

test('a village officer enters a worker (工会代录): the consent is recorded on the signed paper form', async () => {
  loginAs('officer-nongzhu')
  const page = await openPage('pages/hardship/apply')
  const village = await orgId('弄竹村')
  expect(exists(page, `#org-${village}`)).toBe(false)
  await tap(page, '#on-behalf')
  expect(exists(page, '#org-q')).toBe(false) // an officer enters for their own union only
  await tap(page, `#org-${village}`)
  await type(page, '#head-name', '牙秀兰')
  await type(page, '#head-id_number', idNumber('19760707', 851))
  await tap(page, '#next-btn')
  expect(text(page, '#err-paper_reference')).toBe('请填写职工签字的纸质申请和同意书编号')
  await type(page, '#paper-ref', '弄竹村-2026-003')
  await tap(page, '#next-btn')
  await tap(page, '#next-btn')
  await tap(page, '#main-accident')
  await type(page, '#income-wages', '20000')
  await type(page, '#accident', '30000')
  await afterTyping()
  expect(text(page, '#eligibility-level')).toBe('预估：意外致困')
  await tap(page, '#next-btn')
  await fillBank(page, '牙秀兰')
  await tap(page, '#next-btn')
  await tap(page, '#submit-btn')
  expect(text(page, '#consent')).toContain('职工本人')
  await tap(page, '#consent-btn')
  const consent = requests('POST', '/me/consents').pop()!
  expect(consent.status).toBe(201)
  expect(consent.data).toEqual(expect.objectContaining({
    paper_reference: '弄竹村-2026-003', subject: { name: '牙秀兰', id_number: idNumber('19760707', 851) },
  }))
  const created = requests('POST', '/hardship-files').filter((r) => r.path === '/api/v1/hardship-files').pop()!
  expect([created.status, created.data.on_behalf, created.data.org_id]).toEqual([201, true, village])
  expect(requests('POST', '/submit').pop()!.status).toBe(200)
  const fileId = /id=(\d+)/.exec(wxShim.nav.pop()!.url || '')![1]
  const file = (await backend('GET', `/hardship-files/${fileId}`, undefined, await tokenOf('officer-nongzhu'))).data
  expect([file.entered_by_officer, file.level, file.status]).toEqual([true, 'accident', 'grassroots_review'])
})

test('a submit whose answer was lost is retried with the same Idempotency-Key: one file', async () => {
  loginAs('mp21-weak-signal')
  const token = await tokenOf('mp21-weak-signal')
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'aid')
  await backend('POST', '/me/consents', { purpose: 'aid', data_kinds: ['id_number', 'bank_account'], policy_version: policy.version }, token)
  const page = await openPage('pages/hardship/apply')
  await fillHead(page, '坤王村', '班永强', idNumber('19770303', 861))
  for (let i = 0; i < 2; i++) await tap(page, '#next-btn')
  await tap(page, '#main-unemployment')
  await type(page, '#income-wages', '5000')
  await tap(page, '#next-btn')
  await fillBank(page, '班永强')
  await tap(page, '#next-btn')
  wxShim.network.loseResponses = 1 // the draft is created, the phone never hears it
  await tap(page, '#submit-btn')
  expect(text(page, '#form-error')).toBe('网络不给力，请求超时，请稍后重试')
  await tap(page, '#submit-btn')
  const creates = requests('POST', '/hardship-files').filter((r) => r.path === '/api/v1/hardship-files')
  expect(creates.map((r) => r.outcome)).toEqual(['lost', 'ok'])
  expect(creates[1].header['Idempotency-Key']).toBe(creates[0].header['Idempotency-Key'])
  expect(requests('POST', '/submit').pop()!.status).toBe(200)
  const mine = await backend('GET', '/me/hardship-files', undefined, token)
  expect(mine.data.items.length).toBe(1)
})

test('the same household again: the refusal offers the file already opened', async () => {
  loginAs('mp21-twice')
  const token = await tokenOf('mp21-twice')
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'aid')
  await backend('POST', '/me/consents', { purpose: 'aid', data_kinds: ['id_number', 'bank_account'], policy_version: policy.version }, token)
  const head = idNumber('19810808', 871)
  const fill = async () => {
    const page = await openPage('pages/hardship/apply')
    await fillHead(page, '红里村', '罗金凤', head)
    for (let i = 0; i < 2; i++) await tap(page, '#next-btn')
    await tap(page, '#main-illness')
    await type(page, '#income-wages', '2000')
    await tap(page, '#next-btn')
    await fillBank(page, '罗金凤')
    await tap(page, '#next-btn')
    await tap(page, '#submit-btn')
    return page
  }
  await fill()
  const first = (await backend('GET', '/me/hardship-files', undefined, token)).data.items[0]
  const page = await fill()
  expect(requests('POST', '/submit').pop()!.status).toBe(409)
  expect(text(page, '#form-error')).toContain('你已为这户家庭建立了困难职工档案。')
  await tap(page, '#open-existing')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/hardship/file?id=${first.id}` }))
})

test('a draft untouched for 30 days is forgotten', async () => {
  loginAs('mp21-old-draft')
  const me = (await backend('GET', '/me', undefined, await tokenOf('mp21-old-draft'))).data
  const key = `gh.draft:hardship:${me.id}`
  const old = { savedAt: Date.now() - 31 * 86400000, data: { step: 2, head: { name: '旧草稿', id_number: '', health: 'healthy', schooling: 'none', work: '', employer: '' } } }
  wxShim.storage.set(key, old)
  const page = await openPage('pages/hardship/apply')
  expect(page.data.head.name).toBe('')
  expect(exists(page, '#restored')).toBe(false)
  expect(wxShim.storage.has(key)).toBe(false)
  wxShim.storage.set(key, Object.assign({}, old, { savedAt: Date.now() - 29 * 86400000 }))
  const recent = await openPage('pages/hardship/apply')
  expect(recent.data.head.name).toBe('旧草稿')
})
