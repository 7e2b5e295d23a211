// Officers' tools: station management (edit, suspend and reopen, the station code image) and
// the project / aid statistics as bars, each compared with the API itself.
import { backend, dispatch, find, loginAs, openPage, requests, tap, text, tokenOf, wxShim } from './kit'

async function jingzhouStation() {
  const token = await tokenOf('officer-jingzhou')
  const me = await backend('GET', '/me', undefined, token)
  const org = me.data.roles.find((r: any) => r.role === 'admin')
  const list = await backend('GET', `/orgs/${org.org_id}/stations?limit=100`, undefined, token)
  expect(list.status).toBe(200)
  return { token, org, stations: list.data.items }
}

test('an admin edits a station, suspends and reopens it, and gets its code to print', async () => {
  const { token, stations } = await jingzhouStation()
  const target = stations.find((s: any) => s.status === 'active')
  loginAs('officer-jingzhou')
  const list = await openPage('pages/station-admin/index')
  expect(text(list, `#station-${target.id}`)).toContain(target.name)
  expect(text(list, `#station-${target.id}`)).toContain(target.status_label)
  await tap(list, `#station-${target.id}`)
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ url: `/pages/station-admin/edit?id=${target.id}` }))

  const page = await openPage('pages/station-admin/edit', { id: String(target.id) })
  expect(text(page, '#station-name')).toBe(target.name)
  await dispatch(page, '#f-name', 'input', { value: target.name + '（新）' })
  const hadWater = target.services.indexOf('hot_water') >= 0
  await tap(page, '#svc-hot_water')
  await tap(page, '#save-btn')
  expect(text(page, '#saved')).toBe('已保存')
  expect(text(page, '#station-name')).toBe(target.name + '（新）')
  const after = await backend('GET', `/stations/${target.id}`, undefined, token)
  expect(after.data.name).toBe(target.name + '（新）')
  expect(after.data.services.indexOf('hot_water') >= 0).toBe(!hadWater)

  // a bad phone number: the API's message on the form, nothing saved
  await dispatch(page, '#f-phone', 'input', { value: 'abc' })
  await tap(page, '#save-btn')
  const refused = requests('PATCH', `/stations/${target.id}`).pop()!
  expect(refused.status).toBe(422)
  expect(text(page, '#form-error')).toContain((await backend('PATCH', `/stations/${target.id}`, { phone: 'abc' }, token)).data.error.message)
  await dispatch(page, '#f-phone', 'input', { value: '' })

  wxShim.modalConfirm = false
  await tap(page, '#status-btn')
  expect(requests('PATCH', `/stations/${target.id}`).filter((r) => r.data.status)).toHaveLength(0)
  wxShim.modalConfirm = true
  await tap(page, '#status-btn')
  expect(text(page, '#station-status')).toBe((await backend('GET', `/stations/${target.id}`, undefined, token)).data.status_label)
  expect(page.data.station.status).toBe('suspended')
  expect(text(page, '#status-btn')).toBe('恢复开放')
  const nearby = await backend('GET', `/stations/by-code/${target.code}`)
  expect(nearby.status).toBe(404) // gone for the public
  await tap(page, '#status-btn')
  expect(page.data.station.status).toBe('active')

  await tap(page, '#code-btn')
  const code = requests('GET', `/stations/${target.id}/qrcode`)
  expect(code.map((r) => r.status)).toEqual([200])
  const src = find(page, '#code-image').dom.getAttribute('src') || page.data.codeUrl
  expect(page.data.codeUrl.startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true) // a PNG
  expect(src).toBeTruthy()
})

test('a worker sees that station management is for admins; an admin of another city cannot open the station', async () => {
  loginAs('demo-worker')
  const page = await openPage('pages/station-admin/index')
  expect(text(page, '#state-message')).toBe('只有工会干部和驿站核验员可以使用驿站管理')

  const { stations } = await jingzhouStation()
  loginAs('officer-xining')
  const edit = await openPage('pages/station-admin/edit', { id: String(stations[0].id) })
  await dispatch(edit, '#f-name', 'input', { value: '别人的驿站' })
  await tap(edit, '#save-btn')
  const direct = await backend('PATCH', `/stations/${stations[0].id}`, { name: '别人的驿站' }, await tokenOf('officer-xining'))
  expect(direct.status).toBeGreaterThanOrEqual(403)
  expect(text(edit, '#form-error')).toContain(direct.data.error.message)
  await tap(edit, '#code-btn')
  const code = await backend('GET', `/stations/${stations[0].id}/qrcode`, undefined, await tokenOf('officer-xining'))
  expect(text(edit, '#code-error')).toBe(code.data.error.message) // the envelope, decoded from bytes
})

test('statistics: the aid program by village, category and tier, and projects per level, as the API counts them', async () => {
  const token = await tokenOf('officer-guangxi')
  const managed = await backend('GET', '/aid/programs?scope=managed', undefined, token)
  const first = managed.data.items[0]
  const stats = await backend('GET', `/aid/programs/${first.id}/stats`, undefined, token)
  loginAs('officer-guangxi')
  const page = await openPage('pages/stats/index')
  expect(text(page, '#aid-name')).toBe(stats.data.program.name)
  expect(text(page, '#aid-approved')).toContain(`${stats.data.totals.approved.count} 人`)
  expect(text(page, '#aid-paid')).toContain(`${stats.data.totals.paid.count} 人`)
  for (const row of stats.data.by_village) expect(text(page, `#village-${row.key.replace(/[^A-Za-z0-9_-]/g, '-')}`)).toContain(row.label)
  for (const row of stats.data.by_tier) expect(text(page, `#tier-${row.key.replace(/[^A-Za-z0-9_-]/g, '-')}`)).toContain(`${row.approved.count} 人`)

  const other = managed.data.items.find((p: any) => p.id !== first.id)
  if (other) {
    await tap(page, `#program-${other.id}`)
    const two = await backend('GET', `/aid/programs/${other.id}/stats`, undefined, token)
    expect(text(page, '#aid-name')).toBe(two.data.program.name)
    expect(text(page, '#aid-pending')).toContain(`${two.data.totals.pending.count} 人`)
  }

  const binhai = await tokenOf('officer-binhai')
  const me = await backend('GET', '/me', undefined, binhai)
  const projects = await backend('GET', `/orgs/${me.data.roles[0].org_id}/project-stats`, undefined, binhai)
  expect(projects.status).toBe(200)
  loginAs('officer-binhai')
  const p = await openPage('pages/stats/index')
  expect(text(p, '#p-published')).toContain(String(projects.data.total.published))
  expect(text(p, '#p-finished')).toContain(String(projects.data.total.finished))
  for (const l of projects.data.by_level) expect(text(p, `#level-${l.level}`)).toContain(l.level_label)
  expect(text(p, '#no-programs')).toBe('没有你管理的帮扶项目')
})
