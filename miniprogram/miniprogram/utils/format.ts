// Small display helpers shared by pages.
export function distanceText(m: number): string {
  if (m < 1000) return `${m} 米`
  return `${(m / 1000).toFixed(m < 10000 ? 1 : 0)} 公里`
}

export function walkText(min: number): string {
  if (min < 60) return `步行约 ${min} 分钟`
  return `步行约 ${Math.floor(min / 60)} 小时 ${min % 60} 分钟`
}

export function ratingText(rating: number | null | undefined, count: number): string {
  if (rating === null || rating === undefined || !count) return '暂无评分'
  return `${rating.toFixed(1)} 分（${count} 人评价）`
}

/** "2026-12-01T15:04:05+08:00" → "2026-12-01 15:04" (the API already answers in Beijing time). */
export function timeText(iso: string | null | undefined): string {
  if (!iso) return ''
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso)
  return m ? `${m[1]} ${m[2]}` : iso
}
