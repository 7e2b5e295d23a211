// Form drafts on the phone (utils/drafts): the hardship file form's draft holds ID numbers and a
// bank account, so logging out and cancelling the account remove every draft (and cached answer)
// kept in storage.
import { logout } from '../miniprogram/utils/auth'
import { appliedMember, backend, dispatch, loginAs, openPage, tap, text, tokenOf, wxShim } from './kit'
import type { PageHandle } from './kit'

async function type(page: PageHandle, selector: string, value: string): Promise<void> {
  await dispatch(page, selector, 'input', { value })
}

/** `persona` types into the hardship file form: returns the storage key of the draft. */
async function draftOf(persona: string, name: string): Promise<string> {
  loginAs(persona)
  const page = await openPage('pages/hardship/apply')
  await type(page, '#head-name', name)
  await type(page, '#head-id_number', '451224198803030011')
  const me = (await backend('GET', '/me', undefined, await tokenOf(persona))).data
  const key = `gh.draft:hardship:${me.id}`
  expect(wxShim.storage.get(key).data.head).toEqual(expect.objectContaining({ name, id_number: '451224198803030011' }))
  return key
}

test('logging out removes every form draft on the phone, other users\' and old-style ones too', async () => {
  const earlier = await draftOf('mp20b-draft-earlier', '韦前')
  const mine = await draftOf('mp20b-draft-logout', '韦后')
  wxShim.storage.set('gh.hardship-draft:999999', { savedAt: Date.now(), data: { head: { name: '旧版草稿' } } })
  wxShim.storage.set('gh.something-else', 'kept')
  wxShim.storage.set('gh.cache:/me/card', { savedAt: Date.now(), data: { number: 'GH20260000000001' } })
  await logout()
  expect(wxShim.storage.has('gh.cache:/me/card')).toBe(false)
  expect(wxShim.storage.has(mine)).toBe(false)
  expect(wxShim.storage.has(earlier)).toBe(false)
  expect(wxShim.storage.has('gh.hardship-draft:999999')).toBe(false)
  expect(wxShim.storage.has('gh.access_token')).toBe(false)
  expect(wxShim.storage.get('gh.something-else')).toBe('kept')

  // the form opens empty for the next person
  loginAs('mp20b-draft-logout')
  const page = await openPage('pages/hardship/apply')
  expect(page.data.head.name).toBe('')
  expect(page.data.restored).toBe(false)
})

test('cancelling the account removes the drafts; a refused cancellation keeps them', async () => {
  // an open membership application blocks the cancellation: the draft stays
  await appliedMember('mp20b-draft-blocked', 2001, '韦阻')
  const blockedKey = await draftOf('mp20b-draft-blocked', '韦阻')
  let privacy = await openPage('pages/me/privacy/index')
  await tap(privacy, '#cancel-account')
  expect(privacy.data.deletion.status).toBe('blocked')
  expect(wxShim.storage.has(blockedKey)).toBe(true)

  const key = await draftOf('mp20b-draft-cancel', '韦注')
  privacy = await openPage('pages/me/privacy/index')
  await tap(privacy, '#cancel-account')
  expect(privacy.data.deletion.status).not.toBe('blocked') // scheduled, or done at once for so new an account
  expect(text(privacy, '#deletion-status')).toMatch(/[\u4e00-\u9fa5]/)
  expect(wxShim.storage.has(key)).toBe(false)
  expect(wxShim.storage.has(blockedKey)).toBe(false)
})
