import { openPage, text, loginAs, wxShim } from './kit'

test('the me page logs in silently as the demo worker', async () => {
  loginAs('demo-worker')
  const page = await openPage('pages/me/index')
  expect(text(page)).toContain('骑手小王')
  expect(wxShim.storage.get('gh.access_token')).toBeTruthy()
})

test('nearby lists stations', async () => {
  const page = await openPage('pages/nearby/index')
  expect(text(page)).toContain('服务站')
})
