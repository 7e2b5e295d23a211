// 工作台 against the real backend: the queue oldest first with a badge per kind, the kind filter,
// tap → the decision page from utils/todo-routes, multi-select batch approval of batchable items
// (one call, the result of each shown), non-batchable items refused in the selection.
import { TODO_ROUTES, todoUrl } from '../miniprogram/utils/todo-routes'
import * as fs from 'fs'
import * as path from 'path'
import { ROOT, backend, exists, findAll, loginAs, openPage, requests, tap, text, tokenOf, wxShim } from './kit'

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
function idNumber(seq: number): string {
  const first17 = `32092219920202${String(seq % 1000).padStart(3, '0')}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]
  return first17 + '10X98765432'[sum % 11]
}

async function applyTo(orgName: string, persona: string, seq: number, name: string): Promise<number> {
  const token = await tokenOf(persona)
  const policy = (await backend('GET', '/privacy/policies')).data.items.find((p: any) => p.purpose === 'membership')
  await backend('POST', '/me/consents', { purpose: 'membership', data_kinds: policy.data_kinds, policy_version: policy.version }, token)
  const org = (await backend('GET', `/orgs?q=${encodeURIComponent(orgName)}`, undefined, token)).data.items.find((o: any) => o.name === orgName)
  const m = await backend('POST', '/memberships', { org_id: org.id, real_name: name, id_number: idNumber(seq), employer: '某快递网点', occupation: '快递员', industry: 'express_delivery' }, token)
  expect(m.status).toBe(201)
  return m.data.id
}

test('every to-do kind the backend knows has a decision page and a label', async () => {
  const r = await backend('GET', '/workbench/todos?kind=__none__', undefined, await tokenOf('mp-wb-probe'))
  expect(r.status).toBe(422)
  const known = (JSON.stringify(r.data).match(/[a-z_]+(?:, [a-z_]+)+/) || [''])[0].split(', ')
  expect(known.length).toBeGreaterThan(3)
  const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
  for (const kind of known) {
    expect(TODO_ROUTES[kind]).toBeDefined()
    expect(TODO_ROUTES[kind].label).toMatch(/[\u4e00-\u9fa5]/)
    const p = TODO_ROUTES[kind].path
    expect(p === '' || p.startsWith('/pages/')).toBe(true)
    // a decision page present in this tree is registered in app.json
    if (p && fs.existsSync(path.join(ROOT, p + '.json'))) expect(app.pages).toContain(p.slice(1))
  }
  expect(app.pages).toContain(TODO_ROUTES.membership.path.slice(1))
  expect(todoUrl({ kind: 'membership', object_id: 7 })).toBe('/pages/workbench/membership/index?id=7&kind=membership')
  expect(todoUrl({ kind: 'nope', object_id: 7 })).toBe('')
})

test('the queue is shown oldest first with badges per kind; a badge filters by kind', async () => {
  const a = await applyTo('板逢村', 'mp-wb-q1', 301, '韦一')
  const b = await applyTo('板逢村', 'mp-wb-q2', 302, '韦二')
  loginAs('officer-banfeng')
  const page = await openPage('pages/workbench/index')
  const api = (await backend('GET', '/workbench/todos?limit=50', undefined, await tokenOf('officer-banfeng'))).data.items
  // the rows on screen, in the API's order (oldest first)
  const rows = findAll(page, '.todo').map((n: any) => (n.dom.textContent || '').replace(/\s+/g, ''))
  expect(rows).toHaveLength(api.length)
  api.forEach((t: any, i: number) => expect(rows[i]).toContain(t.title.replace(/\s+/g, '')))
  const shown = page.data.items.map((t: any) => `todo-${t.key}`)
  expect(shown).toEqual(api.map((t: any) => `todo-${t.kind}-${t.id}`))
  expect(shown.indexOf(`todo-membership-${a}`)).toBeLessThan(shown.indexOf(`todo-membership-${b}`))
  const counts = (await backend('GET', '/workbench/counts', undefined, await tokenOf('officer-banfeng'))).data
  expect(text(page, '#todo-total')).toBe(`待办 ${counts.total} 件`)
  expect(text(page, '#kind-membership')).toBe(`入会审批${counts.by_kind.membership}`)
  expect(text(page, `#todo-membership-${a}`)).toContain('入会申请：韦一')
  expect(text(page, `#todo-membership-${a}`)).toContain('板逢村')

  await tap(page, '#kind-membership')
  expect(requests('GET', '/workbench/todos').pop()!.path).toContain('kind=membership')
  const filtered = findAll(page, '.todo').map((n: any) => n.dom.textContent || '')
  expect(filtered.length).toBe(counts.by_kind.membership)
  expect(filtered.every((t: string) => t.includes('入会审批'))).toBe(true)
  await tap(page, '#kind-all')
  expect(requests('GET', '/workbench/todos').pop()!.path).not.toContain('kind=')
})

test('batch approval: select batchable items, approve them in one call, each result shown', async () => {
  const ids = [await applyTo('鸾坡村', 'mp-wb-b1', 311, '蓝一'), await applyTo('鸾坡村', 'mp-wb-b2', 312, '蓝二'),
    await applyTo('鸾坡村', 'mp-wb-b3', 313, '蓝三'), await applyTo('鸾坡村', 'mp-wb-b4', 314, '蓝四')]
  loginAs('officer-luanpo')
  const page = await openPage('pages/workbench/index')
  expect(exists(page, '#batch-approve')).toBe(false)
  await tap(page, '#batch-mode')
  await tap(page, `#todo-membership-${ids[0]}`)
  await tap(page, `#todo-membership-${ids[1]}`)
  await tap(page, `#todo-membership-${ids[2]}`)
  await tap(page, `#todo-membership-${ids[2]}`) // unselected again
  await tap(page, `#todo-membership-${ids[3]}`)
  expect(text(page, '#batch-approve')).toBe('批准所选（3）')
  // meanwhile another officer decides one of them: the batch reports it, the others pass
  const other = await backend('POST', `/memberships/${ids[3]}/decision`, { action: 'reject', reason: '重复申请', version: 1 }, await tokenOf('officer-luanpo'))
  expect(other.status).toBe(200)
  wxShim.modalConfirm = false
  await tap(page, '#batch-approve')
  expect(requests('POST', '/workbench/batch-decisions')).toHaveLength(0)
  wxShim.modalConfirm = true
  await tap(page, '#batch-approve')
  const calls = requests('POST', '/workbench/batch-decisions')
  expect(calls).toHaveLength(1)
  expect(calls[0].data).toEqual({ action: 'approve', items: [ids[0], ids[1], ids[3]].map((id) => ({ kind: 'membership', id, version: 1 })) })
  expect(calls[0].header['Idempotency-Key']).toBeTruthy()
  expect(text(page, '#batch-result')).toMatch(/^已批准 2 件，1 件未处理：[\u4e00-\u9fa5]/)
  for (const id of [ids[0], ids[1], ids[3]]) expect(exists(page, `#todo-membership-${id}`)).toBe(false)
  expect(exists(page, `#todo-membership-${ids[2]}`)).toBe(true)
  const token = await tokenOf('officer-luanpo')
  const status = async (id: number) => (await backend('GET', `/memberships/${id}`, undefined, token)).data.status
  expect([await status(ids[0]), await status(ids[1]), await status(ids[2]), await status(ids[3])]).toEqual(['approved', 'approved', 'pending', 'rejected'])
  // the member sees it
  loginAs('mp-wb-b1')
  const detail = await openPage('pages/members/detail', { id: String(ids[0]) })
  expect(text(detail, '#headline')).toBe('已入会')
})

test('a non-batchable item cannot be selected; tapping it outside selection opens its page', async () => {
  loginAs('officer-binhai')
  const token = await tokenOf('officer-binhai')
  const items = (await backend('GET', '/workbench/todos?limit=100', undefined, token)).data.items
  const fixed = items.find((t: any) => !t.batchable && todoUrl({ kind: t.kind, object_id: t.id }))
  const free = items.find((t: any) => t.batchable)
  expect(fixed).toBeDefined() // demo data holds a final aid step or an unanswered station feedback
  expect(free).toBeDefined()
  const page = await openPage('pages/workbench/index')
  await tap(page, '#batch-mode')
  await tap(page, `#todo-${fixed.kind}-${fixed.id}`)
  expect(wxShim.toasts.pop()!.title).toBe('这一项需要逐件处理，不能批量审批')
  expect(text(page, '#batch-approve')).toBe('批准所选（0）')
  await tap(page, '#select-all')
  expect(page.data.selected[`${fixed.kind}-${fixed.id}`]).toBeUndefined()
  expect(page.data.selected[`${free.kind}-${free.id}`]).toBe(true)
  await tap(page, '#batch-cancel')
  await tap(page, `#todo-${fixed.kind}-${fixed.id}`)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: todoUrl({ kind: fixed.kind, object_id: fixed.id }) }))
})

test('offline: the queue shows the network message and retries', async () => {
  loginAs('officer-luanpo')
  await tokenOf('officer-luanpo')
  wxShim.network.offline = true
  const page = await openPage('pages/workbench/index')
  expect(text(page, '#state-message')).toBe('网络不给力，请检查网络后重试')
  wxShim.network.offline = false
  await tap(page, '#retry')
  expect(text(page, '#todo-total')).toMatch(/^待办 \d+ 件$/)
})

test('a decision on an application someone else decided meanwhile shows the conflict and the new state', async () => {
  const id = await applyTo('红里村', 'mp-wb-s1', 321, '罗一')
  loginAs('officer-hongli')
  const page = await openPage('pages/workbench/membership/index', { id: String(id), kind: 'membership' })
  expect(text(page, '#status-label')).toBe('待审核')
  const first = await backend('POST', `/memberships/${id}/decision`, { action: 'approve', version: 1 }, await tokenOf('officer-hongli'))
  expect(first.status).toBe(200)
  await tap(page, '#approve')
  expect(requests('POST', `/memberships/${id}/decision`).pop()!.status).toBe(409)
  expect(text(page, '#decision-error')).toMatch(/[\u4e00-\u9fa5]/)
  expect(text(page, '#status-label')).toBe('已通过')
  expect(exists(page, '#approve')).toBe(false)
})

test("someone who is not an officer over the org gets the API's message, no buttons", async () => {
  const id = await applyTo('红里村', 'mp-wb-s2', 322, '罗二')
  loginAs('officer-banfeng') // another village's approver
  const page = await openPage('pages/workbench/membership/index', { id: String(id), kind: 'membership' })
  expect(requests('GET', `/memberships/${id}`)[0].status).toBe(404)
  expect(text(page, '#state-message')).toMatch(/[\u4e00-\u9fa5]/)
  expect(exists(page, '#approve')).toBe(false)
})
