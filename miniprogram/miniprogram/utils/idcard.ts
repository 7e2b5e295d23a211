// Client-side check of a Chinese resident ID number's FORMAT (GB 11643-1999): 17 digits and a
// digit or X, a real birth date, the check digit. The server decides the rest (region codes).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const CHECK_CODES = '10X98765432'

export function normaliseIdNumber(raw: string): string {
  return (raw || '').replace(/\s+/g, '').toUpperCase()
}

/** '' when the format is fine, else the Chinese message to show under the field. */
export function idNumberProblem(raw: string): string {
  const n = normaliseIdNumber(raw)
  if (!/^[0-9]{17}[0-9X]$/.test(n)) return '请输入 18 位身份证号：前 17 位是数字，最后一位是数字或 X'
  const y = Number(n.slice(6, 10))
  const m = Number(n.slice(10, 12))
  const d = Number(n.slice(12, 14))
  const born = new Date(Date.UTC(y, m - 1, d))
  if (born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) {
    return '身份证号中的出生日期（第 7 到 14 位）不是真实日期'
  }
  if (y < 1900 || born.getTime() > Date.now()) return '身份证号中的出生日期须在 1900 年到今天之间'
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(n[i]) * WEIGHTS[i]
  if (CHECK_CODES[sum % 11] !== n[17]) return '身份证号最后一位校验不通过，请对照身份证核对'
  return ''
}
