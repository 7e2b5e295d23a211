// Display helpers of the events screens (宣讲培训).
/** The line a card shows for seats and the caller's sign-up. */
export function seatsText(e: any): string {
  const mine = e.my_signup
  if (mine && mine.status === 'confirmed') return '已报名'
  if (mine && mine.status === 'waitlisted') return `候补第 ${mine.position} 位`
  if (e.seats_left === null || e.seats_left === undefined) return '不限名额'
  return e.seats_left > 0 ? `剩余 ${e.seats_left} 个名额` : '已报满，可候补'
}
