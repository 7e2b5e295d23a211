// Helpers of the forms that send personal data: the API's 422 field errors as the form's own
// error keys, and the consent card a 403 consent_required asks for.
import { ApiError } from './api'

/** `fields` of a 422 (nested objects or dotted names, a message or a list of them) → one
 * Chinese message per form key; `key` renames an API field (`head.id_number`) to the form's. */
export function fieldErrors(fields: Record<string, any>, key: (field: string) => string = (f) => f): Record<string, string> {
  const errors: Record<string, string> = {}
  const walk = (obj: Record<string, any>, prefix: string) => Object.keys(obj).forEach((k) => {
    const v = obj[k]
    const name = prefix + k
    if (v && typeof v === 'object' && !Array.isArray(v)) return walk(v, name + '.')
    const field = key(name)
    const text = ([] as any[]).concat(v).map((m) => String(m)).join('；')
    errors[field] = errors[field] ? `${errors[field]}；${text}` : text
  })
  walk(fields || {}, '')
  return errors
}

export interface ConsentAsk {
  kinds: string[] // every data kind the API named, given in one POST /me/consents
  labels: string // their Chinese labels, for the card
  version: string // the policy version shown
  purposeLabel: string
  minor: boolean // the guardian's consent for a child is among them
  subject: boolean // the consent is about someone else (an officer entering for a worker)
}

/** The consent card's content when `e` is the API asking for consents first, else null. */
export function consentAsked(e: unknown, purposeLabel: string): ConsentAsk | null {
  if (!(e instanceof ApiError) || (e.code !== 'consent_required' && e.code !== 'guardian_consent_required')) return null
  const missing: { data_kind: string; label: string }[] = e.details.missing || []
  return {
    kinds: missing.map((m) => m.data_kind), labels: missing.map((m) => m.label).join('、'),
    version: e.details.policy_version, purposeLabel: e.details.purpose_label || purposeLabel,
    minor: missing.some((m) => m.data_kind === 'minor_guardian'), subject: !!e.details.subject_required,
  }
}
