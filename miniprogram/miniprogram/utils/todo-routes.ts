// The officer workbench's route table: to-do kind (the API's `kind`) → the page that decides it.
// One line per kind; other screen helpers add theirs. Add lines, don't reorder.
// The page opens with `?id=<object_id>` (and `&kind=<kind>`).
export interface TodoRoute {
  path: string // a page path, opened with navigateTo
  label: string // the badge / filter text
}

export const TODO_ROUTES: Record<string, TodoRoute> = {
  project_bids: { path: '/pages/projects/award/index', label: '揭榜评定' },
  project_review: { path: '/pages/projects/review/index', label: '成果验收' },
}

export function todoRoute(kind: string): TodoRoute | undefined {
  return Object.prototype.hasOwnProperty.call(TODO_ROUTES, kind) ? TODO_ROUTES[kind] : undefined
}

/** The URL that opens the decision page of a to-do item, or '' when no page handles its kind. */
export function todoUrl(item: { kind: string; object_id: number }): string {
  const r = todoRoute(item.kind)
  return r ? `${r.path}?id=${item.object_id}&kind=${encodeURIComponent(item.kind)}` : ''
}
