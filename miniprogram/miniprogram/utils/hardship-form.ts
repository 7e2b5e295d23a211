// The hardship file form's content (pages/hardship/apply) as plain data: what a draft keeps,
// the form's own checks per step, the request body (yuan → fen) and where an API field error
// is shown. No wx calls here: the page owns the screen, the storage and the requests.
import { COST_KINDS, INCOME_KINDS, yuanToFen } from './hardship'
import { idNumberProblem, normaliseIdNumber } from './idcard'

export const STEPS = ['户主', '家庭成员', '收支与原因', '账户与材料', '确认提交']

export interface Person { name: string; id_number: string; health: string; schooling: string; work: string }
export interface Family extends Person { relation: string }
export interface Head extends Person { employer: string }
export interface Evidence { file_id: number; name: string }
export interface OrgChip { id: number; name: string }

/** What the person types (the draft kept in wx storage holds these and the saved file). */
export interface FileForm {
  orgId: number
  onBehalf: boolean
  paperRef: string
  head: Head
  family: Family[]
  mainCause: string
  secondary: string[]
  income: Record<string, string> // kind → yuan as typed
  costs: Record<string, string>
  accident: string
  bank: { holder: string; bank: string; number: string }
  evidence: Evidence[]
}

/** Data keys of the page kept as the draft (and restored): the form, its step and the saved draft file. */
export const KEPT = ['step', 'orgs', 'orgId', 'onBehalf', 'paperRef', 'head', 'family', 'mainCause', 'secondary',
  'income', 'costs', 'accident', 'bank', 'evidence', 'fileId', 'fileVersion'] as const

const emptyPerson = (): Person => ({ name: '', id_number: '', health: 'healthy', schooling: 'none', work: '' })
export const emptyHead = (): Head => Object.assign(emptyPerson(), { employer: '' })
export const emptyFamily = (): Family => Object.assign(emptyPerson(), { relation: 'spouse' })

function amounts(kinds: { code: string }[]): Record<string, string> {
  const out: Record<string, string> = {}
  kinds.forEach((k) => (out[k.code] = ''))
  return out
}

export function emptyForm(): FileForm {
  return {
    orgId: 0, onBehalf: false, paperRef: '', head: emptyHead(), family: [], mainCause: '', secondary: [],
    income: amounts(INCOME_KINDS), costs: amounts(COST_KINDS), accident: '',
    bank: { holder: '', bank: '', number: '' }, evidence: [],
  }
}

export interface Figures {
  income: { kind: string; amount_fen: number }[]
  costs: { kind: string; amount_fen: number }[]
  accident: number
  bad: string // the label of the first amount that is not a number ('' when all are)
  typed: boolean // some income was typed (0 counts): only then is a level shown
}

/** The yearly items in fen (blank and 0 amounts left out). */
export function figures(form: FileForm): Figures {
  let bad = ''
  const items = (group: Record<string, string>, kinds: { code: string; label: string }[]) =>
    kinds.map((k) => ({ kind: k.code, label: k.label, amount_fen: yuanToFen(group[k.code]) }))
      .filter((i) => {
        if (isNaN(i.amount_fen)) bad = bad || i.label
        return i.amount_fen > 0
      })
      .map((i) => ({ kind: i.kind, amount_fen: i.amount_fen }))
  const income = items(form.income, INCOME_KINDS)
  const costs = items(form.costs, COST_KINDS)
  const accident = yuanToFen(form.accident)
  if (isNaN(accident)) bad = bad || '意外或大病支出'
  const typed = Object.keys(form.income).some((k) => form.income[k].trim() !== '')
  return { income, costs, accident: isNaN(accident) ? 0 : accident, bad, typed }
}

export const amountProblem = (label: string) => `${label}请填写金额（元，最多两位小数）`

/** The form's own checks of one step (the API checks everything again; its messages win). */
export function checkStep(step: number, form: FileForm): Record<string, string> {
  const errors: Record<string, string> = {}
  if (step === 0) {
    if (!form.orgId) errors.org_id = '请选择所在的村（社区）或乡镇工会'
    if (!form.head.name.trim()) errors.head_name = '请填写户主姓名'
    const problem = idNumberProblem(form.head.id_number)
    if (problem) errors.head_id_number = form.head.id_number.trim() ? problem : '请填写户主身份证号'
    if (form.onBehalf && !form.paperRef.trim()) errors.paper_reference = '请填写职工签字的纸质申请和同意书编号'
  }
  if (step === 2) {
    if (!form.mainCause) errors.main_cause = '请选择主要致困原因'
    const f = figures(form)
    if (f.bad) errors.income = amountProblem(f.bad)
    else if (!f.typed) errors.income = '请填写家庭年收入（没有收入请填 0）'
  }
  if (step === 3) {
    if (!form.bank.holder.trim()) errors.bank_holder = '请填写开户人'
    if (!form.bank.bank.trim()) errors.bank_bank = '请填写开户银行'
    if (!/^[0-9]{8,30}$/.test(form.bank.number.trim())) errors.bank_number = '银行账号应为 8–30 位数字'
  }
  return errors
}

/** The household, causes, figures, account and evidence as POST/PATCH /hardship-files take them. */
export function requestBody(form: FileForm): Record<string, any> {
  const f = figures(form)
  const person = (p: Person) => ({ name: p.name.trim(), id_number: normaliseIdNumber(p.id_number), health: p.health, schooling: p.schooling, work: p.work.trim() || null })
  return {
    head: Object.assign(person(form.head), { employer: form.head.employer.trim() || null }),
    family: form.family.map((m) => Object.assign(person(m), { relation: m.relation })),
    main_cause: form.mainCause, secondary_causes: form.secondary.filter((c) => c !== form.mainCause),
    income_items: f.income, fixed_costs: f.costs, accident_costs_fen: f.accident,
    bank_account: { holder: form.bank.holder.trim(), bank: form.bank.bank.trim(), number: form.bank.number.trim() },
    evidence_file_ids: form.evidence.map((x) => x.file_id),
  }
}

/** A short stable tag of a request body: the same body retried reuses its Idempotency-Key. */
export function tag(s: string): string {
  let h = 5381
  for (let i = 0; i < s.length; i++) h = ((h << 5) + h + s.charCodeAt(i)) | 0
  return (h >>> 0).toString(36)
}

/** API field names → the form's error keys (head.id_number → head_id_number, family.2.name → family_2). */
export function errorKey(field: string): string {
  const family = /^family\.(\d+)/.exec(field)
  if (family) return `family_${family[1]}`
  if (field.indexOf('bank_account.') === 0) return 'bank_' + field.slice('bank_account.'.length)
  if (field.indexOf('income_items') === 0) return 'income'
  if (field.indexOf('fixed_costs') === 0) return 'costs'
  if (field.indexOf('evidence_file_ids') === 0) return 'evidence'
  return field.replace(/\./g, '_')
}

/** The step that holds a field's error. */
export function stepOf(key: string): number {
  if (key === 'org_id' || key === 'paper_reference' || key.indexOf('head_') === 0) return 0
  if (key.indexOf('family') === 0) return 1
  if (['main_cause', 'secondary_causes', 'income', 'costs', 'accident_costs_fen'].indexOf(key) >= 0) return 2
  if (key.indexOf('bank_') === 0 || key === 'evidence') return 3
  return STEPS.length - 1
}
