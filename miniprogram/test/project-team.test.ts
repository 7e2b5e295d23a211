// 揭榜挂帅 after the award: volunteer sign-up, the leader's progress report, volunteers' hours
// and submission for 问效, the officer's 问效 from the workbench queue, the beneficiaries' survey.
import { backend, findAll, loginAs, openPage, pngFile, requests, tap, dispatch, text, tokenOf, wxShim, exists } from './kit'
import { todoUrl } from '../miniprogram/utils/todo-routes'

async function api(persona: string, method: string, path: string, body?: unknown) {
  return backend(method, path, body, await tokenOf(persona))
}

/** A demo leader (10–19) and an in-progress project they lead with demo volunteers. */
async function leaderWithRunningProject(skip: string[] = []) {
  for (let n = 10; n <= 19; n++) {
    const persona = `demo-leader-${n}`
    if (skip.indexOf(persona) >= 0) continue
    const mine = await api(persona, 'GET', '/me/projects?limit=100')
    for (const row of mine.data.items.filter((r: any) => r.role === 'leader' && r.project.status === 'in_progress')) {
      // with demo volunteers (志愿者NNN = persona demo-volunteer-NNN): not every project has them
      const team = await api(persona, 'GET', `/projects/${row.project.id}/team?limit=100`)
      if (team.data.items.some((m: any) => m.role === 'volunteer' && /^志愿者\d{3}$/.test(m.nickname || ''))) {
        return { persona, projectId: row.project.id as number }
      }
    }
  }
  throw new Error('no demo leader with a running project')
}

test('a member signs up as a volunteer on a running project', async () => {
  const persona = 'demo-leader-09'
  const list = await api(persona, 'GET', '/projects?limit=100&status=in_progress')
  const target = list.data.items.find((p: any) => p.allowed_actions.includes('volunteer'))
  expect(target).toBeTruthy()
  const team = await api(persona, 'GET', `/projects/${target.id}/team?limit=100`)
  const before = team.data.items.filter((m: any) => m.role === 'volunteer').length

  loginAs(persona)
  const page = await openPage('pages/projects/detail/index', { id: String(target.id) })
  expect(text(page, '#team')).toContain(`志愿者 ${before} 人`)
  await dispatch(page, '#duty', 'input', { value: '周末帮忙组织活动' })
  await tap(page, '#volunteer-btn')
  const posts = requests('POST', `/projects/${target.id}/volunteers`)
  expect(posts).toHaveLength(1)
  expect(posts[0].status).toBe(201)
  expect(posts[0].data).toEqual({ duty: '周末帮忙组织活动' })
  expect(wxShim.subscribe).toHaveLength(1) // asked inside the tap
  expect(text(page, '#action-result')).toBe('报名成功，感谢你成为志愿者')
  expect(text(page, '#team')).toContain(`志愿者 ${before + 1} 人`)
  expect(exists(page, '#volunteer-btn')).toBe(false)
  const mine = await api(persona, 'GET', '/me/projects?limit=100')
  expect(mine.data.items.find((r: any) => r.project.id === target.id).role).toBe('volunteer')
})

test('the leader reports progress, logs hours and submits for 问效; the officer evaluates from the queue', async () => {
  const { persona, projectId } = await leaderWithRunningProject()
  loginAs(persona)
  // the leader finds the project under 我参与的
  const places = (await api(persona, 'GET', '/me/projects?limit=50')).data.items
  const place = places.find((r: any) => r.project.id === projectId && r.role === 'leader')
  const mine = await openPage('pages/projects/my-bids/index')
  await tap(mine, '#tab-projects')
  expect(findAll(mine, '.place')).toHaveLength(places.length)
  expect(text(mine, `#place-${place.team_member_id}`)).toContain(place.project.title)
  expect(text(mine, `#place-${place.team_member_id}`)).toContain(place.role_label)
  await tap(mine, `#place-${place.team_member_id}`)
  expect(wxShim.nav[wxShim.nav.length - 1]).toEqual(expect.objectContaining({ url: `/pages/projects/detail/index?id=${projectId}` }))

  const detail = await openPage('pages/projects/detail/index', { id: String(projectId) })
  expect(text(detail, '#report-btn')).toBe('报告进度')
  expect(text(detail, '#submit-btn')).toBe('提交问效')

  // the report
  const report = await openPage('pages/projects/report/index', { id: String(projectId) })
  const p = (await api(persona, 'GET', `/projects/${projectId}`)).data
  const goal = p.progress[0]
  expect(text(report, '#goal-0')).toContain(`${goal.name}（目标 ${goal.target} ${goal.unit}）`)
  await tap(report, '#submit-report')
  expect(text(report, '#error-text')).toBe('请写一写这段时间做了什么')
  expect(requests('POST', '/reports')).toHaveLength(0)
  await dispatch(report, '#period', 'input', { value: '2026-12' })
  await dispatch(report, '#actual-0', 'input', { value: String(goal.target) })
  await dispatch(report, '#text', 'input', { value: '本月完成全部培训，职工反响很好。' })
  // two site photos: uploaded to /files at once, one removed again
  wxShim.media = [pngFile(80, 60, 'site-1.png'), pngFile(60, 80, 'site-2.png')]
  await tap(report, '#add-photo')
  const uploads = requests('POST', '/files')
  expect(uploads.map((u) => u.status)).toEqual([201, 201])
  expect(findAll(report, '.photo')).toHaveLength(2)
  await tap(report, '#photo-remove-1')
  expect(findAll(report, '.photo')).toHaveLength(1)
  const kept = report.data.photos[0].id
  await tap(report, '#submit-report')
  const posted = requests('POST', `/projects/${projectId}/reports`)
  expect(posted).toHaveLength(1)
  expect(posted[0].status).toBe(201)
  expect(posted[0].data).toEqual({ period: '2026-12', actuals: [{ goal: goal.name, actual: goal.target }], text: '本月完成全部培训，职工反响很好。', photo_file_ids: [kept] })
  const stored = await api(persona, 'GET', `/projects/${projectId}/reports?limit=20`)
  expect(stored.data.items.pop().photo_file_ids).toEqual([kept])
  expect(wxShim.nav[wxShim.nav.length - 1]).toEqual(expect.objectContaining({ type: 'navigateBack' }))

  const after = await openPage('pages/projects/detail/index', { id: String(projectId) })
  expect(text(after, '#goal-0')).toContain(`已完成 ${goal.target} / 目标 ${goal.target} ${goal.unit}（100%）`)
  expect(text(after, '#reports')).toContain('本月完成全部培训，职工反响很好。')

  // volunteers' hours
  const teamBefore = (await api(persona, 'GET', `/projects/${projectId}/team?limit=100`)).data.items
  const vol = teamBefore.find((m: any) => m.role === 'volunteer' && /^志愿者\d{3}$/.test(m.nickname || ''))
  expect(vol).toBeTruthy()
  const team = await openPage('pages/projects/team/index', { id: String(projectId) })
  expect(team.data.isLeader).toBe(true)
  expect(text(team, `#hours-${vol.id}`)).toBe(`${vol.hours} 小时`)
  await tap(team, '#log-hours')
  expect(text(team, '#form-error')).toBe('请先在上面选择一位志愿者')
  await tap(team, `#member-${vol.id}`)
  await dispatch(team, '#hours', 'input', { value: '30' })
  await tap(team, '#log-hours')
  expect(text(team, '#form-error')).toBe('时长请填 0.1 到 24 小时')
  await dispatch(team, '#hours', 'input', { value: '2.5' })
  await tap(team, '#log-hours')
  const logged = requests('POST', `/projects/${projectId}/volunteers/${vol.id}/hours`)
  expect(logged).toHaveLength(1)
  expect(logged[0].status).toBe(201)
  expect(text(team, '#ok-text')).toContain('记录 2.5 小时')
  expect(text(team, `#hours-${vol.id}`)).toBe(`${vol.hours + 2.5} 小时`)

  // the volunteer (demo nickname 志愿者NNN = persona demo-volunteer-NNN) sees the hours, no form
  const m = /^志愿者(\d{3})$/.exec(vol.nickname)
  expect(m).toBeTruthy()
  loginAs(`demo-volunteer-${m![1]}`)
  const own = await openPage('pages/projects/team/index', { id: String(projectId) })
  expect(own.data.isLeader).toBe(false)
  expect(exists(own, '#hours-form')).toBe(false)
  expect(text(own, `#hours-${vol.id}`)).toBe(`${vol.hours + 2.5} 小时`)
  expect(text(own, '#total-hours')).toContain('志愿服务共')
  loginAs(persona)

  // submit for 问效
  wxShim.modalConfirm = true
  await tap(after, '#submit-btn')
  expect(requests('POST', `/projects/${projectId}/submit`)[0].status).toBe(200)
  expect(text(after, '#action-result')).toBe('已提交问效，请等待评估')
  expect(text(after, '#project-status')).toBe('问效中')

  // the officer: the queue item opens the review page
  const queue = await api('officer-binhai', 'GET', '/workbench/todos?kind=project_review&limit=100')
  const item = queue.data.items.find((t: any) => t.id === projectId)
  expect(item).toBeTruthy()
  expect(todoUrl({ kind: item.kind, object_id: item.id })).toBe(`/pages/projects/review/index?id=${projectId}&kind=project_review`)
  loginAs('officer-binhai')
  const review = await openPage('pages/projects/review/index', { id: String(projectId), kind: 'project_review' })
  expect(text(review, '#project-status')).toBe('问效中')
  expect(text(review, '#goals')).toContain('（100%）')
  expect(findAll(review, '.choice').map((c) => text(c))).toEqual(['验收通过', '退回整改', '未完成'])
  await tap(review, '#submit-review')
  expect(text(review, '#form-error')).toBe('请选择评估结论')
  await tap(review, '#outcome-completed')
  await dispatch(review, '#score', 'input', { value: '101' })
  await tap(review, '#submit-review')
  expect(text(review, '#form-error')).toBe('评分请填 0 到 100 的整数')
  expect(requests('POST', '/evaluation')).toHaveLength(0)
  await dispatch(review, '#score', 'input', { value: '88' })
  await dispatch(review, '#comment', 'input', { value: '目标全部完成。' })
  await tap(review, '#submit-review')
  const evals = requests('POST', `/projects/${projectId}/evaluation`)
  expect(evals).toHaveLength(1)
  expect(evals[0].status).toBe(200)
  expect(evals[0].data).toEqual({ score: 88, outcome: 'completed', comment: '目标全部完成。', version: expect.any(Number) })
  expect(text(review, '#review-result')).toBe('问效完成：验收通过，88 分。项目现为“已完成”')
  expect(text(review, '#project-status')).toBe('已完成')
  expect(exists(review, '#submit-review')).toBe(false)
  const closed = await api('officer-binhai', 'GET', '/workbench/todos?kind=project_review&limit=100')
  expect(closed.data.items.find((t: any) => t.id === projectId)).toBeUndefined()
})

test('问效 of a project that is not under review: the page says so', async () => {
  const { persona, projectId } = await leaderWithRunningProject()
  loginAs('officer-binhai')
  const review = await openPage('pages/projects/review/index', { id: String(projectId) })
  const p = (await api(persona, 'GET', `/projects/${projectId}`)).data
  expect(p.status).not.toBe('under_review')
  expect(text(review, '#not-reviewable')).toBe('这个项目现在不需要你问效')
  expect(exists(review, '#review-form')).toBe(false)
})

test('a beneficiary answers the satisfaction survey; the leader is not asked', async () => {
  const persona = 'demo-leader-07'
  const list = await api(persona, 'GET', '/projects?limit=5&level=county&status=completed&q=' + encodeURIComponent('家政服务提质扩容促就业'))
  const target = list.data.items[0]
  expect(target.allowed_actions).toContain('answer_survey')
  loginAs(persona)
  const page = await openPage('pages/projects/detail/index', { id: String(target.id) })
  expect(text(page, '#survey')).toContain('你对这个项目的成效满意吗？')
  await tap(page, '#survey-yes')
  const posts = requests('POST', `/projects/${target.id}/survey`)
  expect(posts).toHaveLength(1)
  expect(posts[0].status).toBe(200)
  expect(posts[0].data).toEqual({ satisfied: true })
  expect(text(page, '#action-result')).toBe('感谢你的评价')
  const s = (await api(persona, 'GET', `/projects/${target.id}`)).data.satisfaction
  expect(s.answers).toBeGreaterThan(0)
  expect(text(page, '#satisfaction')).toBe(`满意度 ${Math.round(s.rate * 100)}%（${s.satisfied}/${s.answers} 人满意）`)

  loginAs('demo-qiao') // she led it
  const leader = await openPage('pages/projects/detail/index', { id: String(target.id) })
  expect(exists(leader, '#survey')).toBe(false)
  const refused = await api('demo-qiao', 'POST', `/projects/${target.id}/survey`, { satisfied: true })
  expect(refused.status).toBe(403)
})
