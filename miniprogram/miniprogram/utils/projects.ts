// 揭榜挂帅 display helpers: money (the API speaks integer fen), goal progress, levels.
export const LEVELS = [
  { key: 'county', label: '县级' },
  { key: 'town', label: '乡镇' },
  { key: 'village', label: '村级' },
]

/** 1234500 fen → "12,345 元" (cents only when there are any). */
export function yuanText(fen: number | null | undefined): string {
  const v = Number(fen || 0)
  const yuan = Math.floor(Math.abs(v) / 100)
  const cents = Math.abs(v) % 100
  const grouped = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  return `${v < 0 ? '-' : ''}${grouped}${cents ? '.' + String(cents).padStart(2, '0') : ''} 元`
}

/** "12345.6" (yuan as typed) → 1234560 fen, or null when it is not an amount. */
export function toFen(input: string): number | null {
  const s = String(input || '').trim().replace(/,/g, '')
  if (!/^\d{1,10}(\.\d{1,2})?$/.test(s)) return null
  const [whole, frac = ''] = s.split('.')
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2))
}

function num(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100)
}

export interface ProgressRow { name: string; text: string; percent: number }

/** The API's `progress` rows as "已完成 1870 / 目标 1000 人" with a capped bar width. */
export function progressRows(progress: any[]): ProgressRow[] {
  return (progress || []).map((g) => ({
    name: g.name,
    text: g.actual === null || g.actual === undefined
      ? `目标 ${num(g.target)} ${g.unit}，尚未上报`
      : `已完成 ${num(g.actual)} / 目标 ${num(g.target)} ${g.unit}（${Math.round((g.ratio || 0) * 100)}%）`,
    percent: Math.max(0, Math.min(100, Math.round((g.ratio || 0) * 100))),
  }))
}

export function satisfactionText(s: { answers: number; satisfied: number; rate: number | null } | null | undefined): string {
  if (!s || !s.answers) return '暂无满意度评价'
  return `满意度 ${Math.round((s.rate || 0) * 100)}%（${s.satisfied}/${s.answers} 人满意）`
}

/** "2026-12-01" (Shanghai day) → today's date in Asia/Shanghai as YYYY-MM-DD. */
export function shanghaiToday(): string {
  const d = new Date(Date.now() + 8 * 3600 * 1000)
  return d.toISOString().slice(0, 10)
}
