// Codes of hardship files (app/hardship/models.py) with the Chinese the API's labels use, for
// the pickers of the file form; the screens that show a file use the API's own *_label fields.
export interface Choice {
  code: string
  label: string
}

export const RELATIONS: Choice[] = [
  { code: 'spouse', label: '配偶' }, { code: 'child', label: '子女' }, { code: 'parent', label: '父母' },
  { code: 'sibling', label: '兄弟姐妹' }, { code: 'grandchild', label: '孙子女' }, { code: 'other', label: '其他关系' },
]
export const HEALTH: Choice[] = [
  { code: 'healthy', label: '健康' }, { code: 'chronic', label: '慢性病' },
  { code: 'serious', label: '大病' }, { code: 'disabled', label: '残疾' },
]
export const SCHOOLING: Choice[] = [
  { code: 'none', label: '未在学' }, { code: 'preschool', label: '学前' }, { code: 'primary', label: '小学' },
  { code: 'secondary', label: '中学' }, { code: 'vocational', label: '职业院校' }, { code: 'college', label: '大专及以上' },
]
export const CAUSES: Choice[] = [
  { code: 'illness', label: '因病' }, { code: 'disability', label: '因残' }, { code: 'schooling', label: '因子女就学' },
  { code: 'accident', label: '因意外事故' }, { code: 'unemployment', label: '因失业' }, { code: 'other', label: '其他原因' },
]
export const INCOME_KINDS: Choice[] = [
  { code: 'wages', label: '工资性收入' }, { code: 'business', label: '经营性收入' }, { code: 'pension', label: '养老金' },
  { code: 'benefits', label: '政府补贴' }, { code: 'transfers', label: '赡养抚养收入' }, { code: 'other', label: '其他收入' },
]
export const COST_KINDS: Choice[] = [
  { code: 'medical', label: '医疗支出' }, { code: 'schooling', label: '教育支出' }, { code: 'housing', label: '住房支出' },
  { code: 'care', label: '护理支出' }, { code: 'other', label: '其他刚性支出' },
]

export function labelOf(choices: Choice[], code: string): string {
  const hit = choices.find((c) => c.code === code)
  return hit ? hit.label : code
}

/** "1234.5" (yuan, as typed) → 123450 fen; '' → 0; NaN when it is not an amount. */
export function yuanToFen(text: string): number {
  const t = (text || '').trim()
  if (!t) return 0
  if (!/^\d+(\.\d{0,2})?$/.test(t)) return NaN
  return Math.round(Number(t) * 100)
}

export const fenText = (fen: number) => (fen / 100).toFixed(2)

/** What the level means, after its label (the line and twice the line in yuan). */
export function levelReason(level: string, lineFen: number): string {
  if (level === 'deep') return `低于当地低保标准 ${fenText(lineFen)} 元`
  if (level === 'relative') return `低于低保标准的 2 倍 ${fenText(2 * lineFen)} 元`
  if (level === 'accident') return '意外或大病支出超过家庭年收入的 80%'
  return `不低于低保标准的 2 倍 ${fenText(2 * lineFen)} 元，且没有超过年收入 80% 的意外支出`
}
