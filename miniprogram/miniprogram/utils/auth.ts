// Login and session: pages call ensureLogin() before a call that needs a user; api.ts already
// refreshes and re-logs in silently on 401, so this is only about showing who is logged in.
import * as api from './api'
import { clearAllDrafts } from './drafts'

export interface User {
  id: number
  nickname?: string | null
  [k: string]: any
}

/** Log in silently (wx.login → /auth/wx-login) unless a session is stored; returns the user. */
export async function ensureLogin(): Promise<User> {
  await api.ensureSession()
  const user = api.storedUser<User>()
  if (user) return user
  return refreshMe()
}

/** GET /me and remember it. */
export async function refreshMe(): Promise<User> {
  const me = await api.get<User>('/me')
  wx.setStorageSync('gh.user', me)
  return me
}

/** The roles of an officer (`roles` of /me); a card verifier's grant is in `verifier_roles`. */
const OFFICER_ROLES = ['reviewer', 'approver', 'admin']

/** Whether the user holds an officer role on some org (the API decides which orgs it reaches). */
export function isOfficer(user: User): boolean {
  return (user.roles || []).some((r: any) => OFFICER_ROLES.indexOf(r.role) >= 0)
}

export function currentUser(): User | null {
  return api.storedUser<User>()
}

export function isLoggedIn(): boolean {
  return !!api.accessToken()
}

/** POST /auth/logout (best effort), forget the tokens, every form draft and every cached answer on the phone. */
export async function logout(): Promise<void> {
  try {
    if (api.accessToken()) await api.post('/auth/logout', undefined, { auth: true })
  } catch (e) {
    /* the session is dropped locally anyway */
  } finally {
    api.clearTokens()
    api.clearCache()
    clearAllDrafts()
  }
}
