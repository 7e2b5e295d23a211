// The officer workbench's route table: to-do kind (the API's `kind`) → the page that decides it.
// One line per kind; other screen helpers add theirs. Add lines, don't reorder.
// The page opens with `?id=<object_id>` (and `&kind=<kind>`).
export interface TodoRoute {
  path: string // a page path, opened with navigateTo ('' = no page in the mini-program yet)
  label: string // the badge / filter text
}

export const TODO_ROUTES: Record<string, TodoRoute> = {
  membership: { path: '/pages/workbench/membership/index', label: '入会审批' },
  aid_application: { path: '/pages/aid/decide', label: '帮扶审批' },
  project_bids: { path: '/pages/projects/award/index', label: '揭榜评定' },
  project_review: { path: '/pages/projects/review/index', label: '成果验收' },
  station_feedback: { path: '', label: '驿站反馈审核' },
  station_feedback_answer: { path: '', label: '驿站反馈答复' },
  aid_no_approver: { path: '/pages/aid/application', label: '帮扶缺审批人' },
  hardship_file: { path: '/pages/hardship/file', label: '困难职工档案' },
  hardship_review: { path: '/pages/hardship/file', label: '到期复核的困难档案' },
  hardship_follow_up: { path: '/pages/hardship/file', label: '脱困回访' },
  notice_objection: { path: '/pages/notices/objection', label: '公示异议' },
  membership_transfer: { path: '/pages/members/transfer', label: '转会申请' },
  membership_correction: { path: '/pages/members/correction', label: '会员信息更正' },
  rights_case: { path: '/pages/rights/case', label: '待受理的维权求助' },
  rights_overdue: { path: '/pages/rights/case', label: '逾期督办的维权案件' },
  training_request: { path: '/pages/training/decide/index', label: '待决定的点单培训' },
  event_work: { path: '/pages/events/work/index', label: '待审核的宣讲作品' },
  relief_acknowledge: { path: '/pages/relief/allocation', label: '救助资金确认' },
}

export function todoRoute(kind: string): TodoRoute | undefined {
  return Object.prototype.hasOwnProperty.call(TODO_ROUTES, kind) ? TODO_ROUTES[kind] : undefined
}

/** The URL that opens the decision page of a to-do item, or '' when no page handles its kind. */
export function todoUrl(item: { kind: string; object_id: number }): string {
  const r = todoRoute(item.kind)
  return r && r.path ? `${r.path}?id=${item.object_id}&kind=${encodeURIComponent(item.kind)}` : ''
}
