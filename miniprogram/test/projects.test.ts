// 揭榜挂帅 screens against the real backend: the list per level, project detail, the bid form
// (double tap, timeout retry, subscribe), my bids, the officer's award after the deadline (the
// demo's project whose bidding closed two days before the load, three bids waiting) with the
// losing bidder seeing the outcome, volunteer sign-up, the leader's report and hours, the
// beneficiaries' survey and the officer's 问效.
import { backend, findAll, followNavigation, loginAs, openPage, requests, tap, dispatch, text, tokenOf, wxShim } from './kit'
import { todoUrl } from '../miniprogram/utils/todo-routes'
import { TIMEOUT_MESSAGE } from '../miniprogram/utils/api'

async function api(persona: string, method: string, path: string, body?: unknown) {
  return backend(method, path, body, await tokenOf(persona))
}

async function projects(persona: string, query: string): Promise<any[]> {
  const r = await api(persona, 'GET', `/projects?limit=100${query}`)
  expect(r.status).toBe(200)
  return r.data.items
}

/** An open project (bids until a future deadline) this member may bid on and nobody else uses. */
async function openProject(persona: string, nth: number) {
  const list = (await projects(persona, '&status=published&level=village')).filter((p) => p.allowed_actions.includes('bid'))
  expect(list.length).toBeGreaterThan(nth)
  return list[nth]
}

/** The demo's project whose bidding closed with three bids (于瑜 = demo-member, leaders 02, 03). */
async function closedProject() {
  const list = (await projects('officer-binhai', '&status=published')).filter((p) => p.allowed_actions.includes('award'))
  expect(list).toHaveLength(1)
  return list[0]
}

test('the list has a tab per level and shows what the API lists there', async () => {
  loginAs('demo-leader-04')
  const page = await openPage('pages/projects/index')
  expect(findAll(page, '.tab').map((t) => text(t))).toEqual(['县级', '乡镇', '村级'])
  const county = await projects('demo-leader-04', '&level=county')
  expect(county.length).toBeGreaterThan(1)
  expect(findAll(page, '.card')).toHaveLength(Math.min(county.length, 20))
  expect(text(page, `#project-${county[0].id}`)).toContain(county[0].title)
  expect(text(page, `#project-${county[0].id}`)).toContain(county[0].status_label)
  expect(requests('GET', '/projects').pop()!.path).toContain('level=county')

  await tap(page, '#tab-town')
  const town = (await projects('demo-leader-04', '&level=town')).slice(0, 20)
  expect(text(page, `#project-${town[0].id}`)).toContain(town[0].title)
  expect(text(page, `#project-${town[0].id}`)).toContain(town[0].org.name)
  expect(text(page)).not.toContain(county[0].title)

  await tap(page, '#tab-village')
  await tap(page, '#open-only')
  const open = await projects('demo-leader-04', '&level=village&status=published')
  expect(findAll(page, '.card').length).toBe(Math.min(open.length, 20))
  findAll(page, '.card').forEach((c) => expect(text(c)).toContain('投标中'))
  expect(text(page, `#project-${open[0].id}`)).toContain(`揭榜截止 ${open[0].bid_deadline}`)

  // paging: 136 village projects, 20 a page
  await tap(page, '#open-only')
  expect(findAll(page, '.card')).toHaveLength(20)
  await tap(page, '#more')
  expect(findAll(page, '.card')).toHaveLength(40)
  expect(requests('GET', '/projects').pop()!.path).toContain('cursor=')

  await tap(page, `#project-${open[0].id}`)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: `/pages/projects/detail/index?id=${open[0].id}` }))
})

test('the detail shows the problem, goals with progress, money, team and reports', async () => {
  loginAs('demo-leader-04')
  const completed = (await projects('demo-leader-04', '&level=county&status=completed&q=' + encodeURIComponent('家政服务提质扩容促就业')))[0]
  const page = await openPage('pages/projects/detail/index', { id: String(completed.id) })
  expect(text(page, '#project-title')).toBe(completed.title)
  expect(text(page, '#project-status')).toBe('已完成')
  expect(text(page, '#problem')).toBe(completed.problem)
  expect(text(page, '#goal-0')).toContain('家政人员转移就业')
  expect(text(page, '#goal-0')).toContain('已完成 1870 / 目标 1000 人（187%）')
  expect(text(page, '#money')).toContain('预算 500,000 元')
  expect(text(page, '#team')).toContain('志愿者 40 人')
  expect(text(page, '#reports')).toContain('阶段实施情况良好。')
  expect(page.data.can.bid).toBe(false)
  expect(text(page, '#actions')).not.toContain('我要揭榜')

  const missing = await openPage('pages/projects/detail/index', { id: '999999' })
  const direct = await api('demo-leader-04', 'GET', '/projects/999999')
  expect(direct.status).toBe(404)
  expect(text(missing, '#state-message')).toBe(direct.data.error.message)
})

test('a member bids: the form checks, a double tap sends one bid, subscribe is asked, my bids shows it', async () => {
  loginAs('demo-leader-05')
  const target = await openProject('demo-leader-05', 0)
  const detail = await openPage('pages/projects/detail/index', { id: String(target.id) })
  expect(text(detail, '#bid-btn')).toBe('我要揭榜')
  await tap(detail, '#bid-btn')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: `/pages/projects/bid/index?id=${target.id}` }))

  const form = await openPage('pages/projects/bid/index', { id: String(target.id) })
  expect(text(form, '#project-title')).toBe(target.title)
  await tap(form, '#submit-bid')
  expect(text(form, '#error-plan')).toBe('请填写实施方案')
  expect(text(form, '#error-amount')).toContain('请填写金额')
  expect(requests('POST', '/bids')).toHaveLength(0)

  await dispatch(form, '#plan', 'input', { value: '组织村里的职工，分三期开展就业对接。' })
  await dispatch(form, '#qualifications', 'input', { value: '在本村做过两年就业帮扶。' })
  await dispatch(form, '#amount', 'input', { value: String(target.budget_fen / 100 + 1) })
  await tap(form, '#submit-bid')
  expect(text(form, '#error-amount')).toBe('不能超过预算 10,000 元')
  await dispatch(form, '#amount', 'input', { value: '8500.5' })
  await tap(form, '#add-member')
  await dispatch(form, '#member-name-0', 'input', { value: '韦小红' })
  await dispatch(form, '#member-role-0', 'input', { value: '联络员' })

  // a double tap: one request
  const first = tap(form, '#submit-bid')
  const second = tap(form, '#submit-bid')
  await Promise.all([first, second])
  const posts = requests('POST', `/projects/${target.id}/bids`)
  expect(posts).toHaveLength(1)
  expect(posts[0].status).toBe(201)
  expect(posts[0].data).toEqual({
    plan: '组织村里的职工，分三期开展就业对接。', qualifications: '在本村做过两年就业帮扶。',
    team: [{ name: '韦小红', role: '联络员' }], requested_fen: 850050,
  })
  expect(wxShim.subscribe).toHaveLength(1)
  expect(requests('POST', '/me/subscriptions')).toHaveLength(1)
  expect(wxShim.nav[wxShim.nav.length - 1]).toEqual(expect.objectContaining({ type: 'redirectTo', url: '/pages/projects/my-bids/index' }))

  const mine = await followNavigation()
  const bidId = (await api('demo-leader-05', 'GET', '/me/bids')).data.items.find((b: any) => b.project.id === target.id).id
  expect(text(mine, `#bid-${bidId}`)).toContain(target.title)
  expect(text(mine, `#bid-status-${bidId}`)).toBe('已提交')
  expect(text(mine, `#bid-${bidId}`)).toContain('8,500.50 元')

  // the detail now shows the bid instead of the button; bidding again edits it
  const again = await openPage('pages/projects/detail/index', { id: String(target.id) })
  expect(text(again, '#my-bid')).toContain('我的揭榜：已提交')
  expect(text(again, '#actions')).not.toContain('我要揭榜')
  const edit = await openPage('pages/projects/bid/index', { id: String(target.id) })
  expect(text(edit, '#editing')).toContain('正在修改')
  expect(edit.data.plan).toBe('组织村里的职工，分三期开展就业对接。')
  expect(edit.data.amount).toBe('8500.5')
  expect(text(edit, '#submit-bid')).toBe('保存修改')
})

test('a bid whose answer is lost is retried with the same key: one bid, the screen goes on', async () => {
  loginAs('demo-leader-08')
  const target = await openProject('demo-leader-08', 1)
  const form = await openPage('pages/projects/bid/index', { id: String(target.id) })
  await dispatch(form, '#plan', 'input', { value: '方案' })
  await dispatch(form, '#qualifications', 'input', { value: '经验' })
  await dispatch(form, '#amount', 'input', { value: '5000' })
  wxShim.network.loseResponses = 1
  await tap(form, '#submit-bid')
  expect(text(form, '#form-error')).toBe(TIMEOUT_MESSAGE)
  await tap(form, '#submit-bid')
  const posts = requests('POST', `/projects/${target.id}/bids`)
  expect(posts).toHaveLength(2)
  expect(posts[1].header['Idempotency-Key']).toBe(posts[0].header['Idempotency-Key'])
  expect(posts[1].status).toBe(201)
  const mine = await api('demo-leader-08', 'GET', '/me/bids')
  expect(mine.data.items.filter((b: any) => b.project.id === target.id)).toHaveLength(1)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: '/pages/projects/my-bids/index' }))
})

test('someone who is not a member cannot bid: the screen says why, the API refuses in Chinese', async () => {
  loginAs('mp-projects-outsider')
  const target = await openProject('demo-leader-04', 2)
  const form = await openPage('pages/projects/bid/index', { id: String(target.id) })
  expect(text(form, '#state-message')).toContain('已入会的会员')
  const direct = await api('mp-projects-outsider', 'POST', `/projects/${target.id}/bids`, { plan: 'x', qualifications: 'y', requested_fen: 100 })
  expect(direct.status).toBe(403)
  expect(direct.data.error.message).toMatch(/[\u4e00-\u9fa5]/)
})

test('the officer awards after the deadline from the workbench queue; the losing bidder sees the outcome', async () => {
  const project = await closedProject()
  // before: 于瑜 (demo-member) sees her bid waiting
  loginAs('demo-member')
  const before = await openPage('pages/projects/my-bids/index')
  const herBid = (await api('demo-member', 'GET', '/me/bids')).data.items.find((b: any) => b.project.id === project.id)
  expect(text(before, `#bid-status-${herBid.id}`)).toBe('已提交')
  expect(text(before, `#bid-${herBid.id}`)).toContain('等待截止后评定')

  // the officer's queue has the item, and the route table opens the award page
  const queue = await api('officer-binhai', 'GET', '/workbench/todos?kind=project_bids&limit=100')
  expect(queue.status).toBe(200)
  const item = queue.data.items.find((t: any) => t.id === project.id)
  expect(item).toBeTruthy()
  expect(todoUrl({ kind: item.kind, object_id: item.id })).toBe(`/pages/projects/award/index?id=${project.id}&kind=project_bids`)

  loginAs('officer-binhai')
  const page = await openPage('pages/projects/award/index', { id: String(project.id), kind: 'project_bids' })
  const bids = (await api('officer-binhai', 'GET', `/projects/${project.id}/bids?limit=100`)).data.items
  expect(bids).toHaveLength(3)
  expect(findAll(page, '.bid')).toHaveLength(3)
  const winner = bids.find((b: any) => b.id !== herBid.id)
  expect(text(page, `#bid-${winner.id}`)).toContain(winner.bidder_name)
  expect(text(page, `#bid-${winner.id}`)).toContain(winner.plan)

  // nothing chosen: no request; then choose, cancel the confirmation, confirm
  await tap(page, '#award-btn')
  expect(text(page, '#form-error')).toBe('请先选择中榜的揭榜方案')
  await tap(page, `#bid-${winner.id}`)
  expect(text(page, `#bid-status-${winner.id}`)).toBe('✓ 已选择')
  wxShim.modalConfirm = false
  await tap(page, '#award-btn')
  expect(requests('POST', '/award')).toHaveLength(0)
  wxShim.modalConfirm = true
  await tap(page, '#award-btn')
  const award = requests('POST', `/projects/${project.id}/award`)
  expect(award).toHaveLength(1)
  expect(award[0].status).toBe(200)
  expect(award[0].data).toEqual({ bid_id: winner.id, version: project.version })
  expect(text(page, '#award-result')).toContain(`已评定：${winner.bidder_name}中榜`)
  expect(text(page, `#bid-status-${herBid.id}`)).toBe('未中选')
  expect(text(page, `#bid-status-${winner.id}`)).toBe('已中选')
  expect(page.data.canAward).toBe(false)
  const after = await api('officer-binhai', 'GET', '/workbench/todos?kind=project_bids&limit=100')
  expect(after.data.items.find((t: any) => t.id === project.id)).toBeUndefined()

  // the losing bidder sees it on "my bids"
  loginAs('demo-member')
  const mine = await openPage('pages/projects/my-bids/index')
  expect(text(mine, `#bid-status-${herBid.id}`)).toBe('未中选')
  expect(text(mine, `#bid-${herBid.id}`)).toContain('方案未被选中，感谢参与')
  const shown = (await api('demo-member', 'GET', `/projects/${project.id}`)).data
  expect(shown.status).toBe('awarded')
  expect(text(mine, `#bid-${herBid.id}`)).toContain(`项目${shown.status_label}`)
  expect(mine.data.items.find((x: any) => x.id === herBid.id).status).toBe('lost')
})

test('an award before the deadline: the page says so and the API refuses', async () => {
  const target = await openProject('demo-leader-04', 3)
  loginAs('officer-binhai')
  const page = await openPage('pages/projects/award/index', { id: String(target.id) })
  expect(page.data.canAward).toBe(false)
  const direct = await api('officer-binhai', 'POST', `/projects/${target.id}/award`, { bid_id: 1, version: target.version })
  expect(direct.status).toBe(409)
  if (findAll(page, '.bid').length) expect(text(page, '#not-yet')).toBe('揭榜截止后才能评定')
  else expect(text(page, '#state-message')).toBe('这个项目没有人揭榜')
})

test('a submitted bid can be withdrawn from my bids (after a confirmation)', async () => {
  const persona = 'demo-leader-13'
  const target = await openProject(persona, 4)
  const made = await api(persona, 'POST', `/projects/${target.id}/bids`, { plan: '方案', qualifications: '经验', requested_fen: 100000 })
  expect(made.status).toBe(201)
  loginAs(persona)
  const page = await openPage('pages/projects/my-bids/index')
  expect(text(page, `#bid-status-${made.data.id}`)).toBe('已提交')
  wxShim.modalConfirm = false
  await tap(page, `#withdraw-${made.data.id}`)
  expect(requests('POST', '/withdraw')).toHaveLength(0)
  wxShim.modalConfirm = true
  await tap(page, `#withdraw-${made.data.id}`)
  const posts = requests('POST', `/projects/${target.id}/bids/${made.data.id}/withdraw`)
  expect(posts).toHaveLength(1)
  expect(posts[0].status).toBe(200)
  expect(posts[0].data).toEqual({ version: made.data.version })
  expect(text(page, `#bid-status-${made.data.id}`)).toBe('已撤回')
  expect(findAll(page, `#withdraw-${made.data.id}`)).toHaveLength(0)

  // withdrawn: the project offers the bid again
  const detail = await openPage('pages/projects/detail/index', { id: String(target.id) })
  expect(text(detail, '#bid-btn')).toBe('我要揭榜')
})

test('my bids is empty for someone who never bid, and a list error shows the API message', async () => {
  loginAs('mp-projects-nobids')
  const page = await openPage('pages/projects/my-bids/index')
  expect(text(page, '#state-message')).toBe('你还没有揭过榜，去榜单看看吧')
  wxShim.network.offline = true
  const list = await openPage('pages/projects/index')
  expect(text(list, '#state-message')).toContain('网络不给力')
  wxShim.network.offline = false
  await tap(list, '#retry')
  expect(findAll(list, '.card').length).toBeGreaterThan(0)
})
