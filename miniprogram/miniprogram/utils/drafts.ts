// Drafts of forms kept on the phone (wx storage, one key per form and user, all under one
// prefix), so that logging out or cancelling the account removes every one of them: a draft
// may hold ID numbers and bank accounts. Pages keep drafts only through this module.
import { getItem, removeItem, setItem } from './storage'

const PREFIX = 'gh.draft:'
// keys of drafts kept before this module (an older version of the app): cleared too
const OLD_PREFIXES = ['gh.hardship-draft:']

interface Kept<T> {
  savedAt: number
  data: T
}

/** Storage key of `form`'s draft of `userId` (tests look it up). */
export function draftKey(form: string, userId: number): string {
  return `${PREFIX}${form}:${userId}`
}

export function saveDraft(form: string, userId: number, data: unknown): void {
  setItem(draftKey(form, userId), { savedAt: Date.now(), data })
}

/** The draft, or null when there is none or it is older than `maxAgeDays` (then it is removed:
 * an old draft's personal data does not stay on the phone). */
export function loadDraft<T>(form: string, userId: number, maxAgeDays: number): T | null {
  const kept = getItem<Kept<T>>(draftKey(form, userId))
  const fresh = kept && kept.data && Date.now() - kept.savedAt < maxAgeDays * 86400000 ? kept.data : null
  if (!fresh) clearDraft(form, userId)
  return fresh
}

export function clearDraft(form: string, userId: number): void {
  removeItem(draftKey(form, userId))
}

/** Every draft of every user on this phone (logout, account cancellation). */
export function clearAllDrafts(): void {
  let keys: string[] = []
  try {
    keys = wx.getStorageInfoSync().keys
  } catch (e) {
    return
  }
  keys.filter((k) => k.startsWith(PREFIX) || OLD_PREFIXES.some((p) => k.startsWith(p))).forEach(removeItem)
}
