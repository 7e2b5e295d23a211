// Membership (入会) codes the forms offer; the API answers with its own Chinese labels
// (`industry_label`, `status_label`), these are only for the picker before anything is sent.
export const INDUSTRIES: { value: string; label: string }[] = [
  { value: 'express_delivery', label: '快递' },
  { value: 'food_delivery', label: '外卖配送' },
  { value: 'ride_hailing', label: '网约车' },
  { value: 'freight', label: '货运' },
  { value: 'domestic_service', label: '家政服务' },
  { value: 'manufacturing', label: '制造业' },
  { value: 'construction', label: '建筑' },
  { value: 'sanitation', label: '环卫' },
  { value: 'other', label: '其他' },
]

// the subscribe-message events a membership decision sends (notify(event=…) in app/members)
export const MEMBERSHIP_EVENTS = ['membership.approved', 'membership.rejected']

export const STATUS_THEMES: Record<string, string> = {
  none: 'default',
  pending: 'warning',
  approved: 'success',
  rejected: 'danger',
  withdrawn: 'default',
}
