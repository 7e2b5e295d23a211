// The tab pages the kit ships: 服务 (menu entries), 工作台 (to-do counts), 我的 (who is logged in).
import { SERVICE_MENU } from '../miniprogram/utils/menu'
import { backend, loginAs, openPage, tap, text, tokenOf, wxShim } from './kit'

test('服务 lists every menu entry and opens it', async () => {
  const page = await openPage('pages/services/index')
  for (const e of SERVICE_MENU) expect(text(page, `#entry-${e.key}`)).toContain(e.title)
  await tap(page, '#entry-projects')
  expect(wxShim.nav.pop()).toEqual(expect.objectContaining({ type: 'navigateTo', url: '/pages/projects/index' }))
})

test("工作台 shows the officer's to-do counts from the API", async () => {
  loginAs('officer-binhai')
  const page = await openPage('pages/workbench/index')
  const counts = (await backend('GET', '/workbench/counts', undefined, await tokenOf('officer-binhai'))).data
  expect(text(page, '#todo-total')).toBe(`待办 ${counts.total} 件`)
  for (const [kind, n] of Object.entries(counts.by_kind as Record<string, number>)) {
    if (n > 0) expect(text(page, `#kind-${kind}`)).toContain(String(n))
  }
})

test('我的 shows the logged-in person', async () => {
  loginAs('demo-member')
  const page = await openPage('pages/me/index')
  expect(text(page, '#nickname')).toBe('于瑜')
})
