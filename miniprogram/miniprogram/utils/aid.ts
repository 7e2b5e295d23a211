// Display helpers of the aid screens.
export function yuanText(fen: number): string {
  return (fen % 100 ? (fen / 100).toFixed(2) : String(fen / 100)) + ' 元'
}

export const STATUS_THEME: Record<string, string> = {
  draft: 'default', submitted: 'primary', returned: 'warning', approved: 'success',
  rejected: 'danger', withdrawn: 'default', paid: 'success',
}
