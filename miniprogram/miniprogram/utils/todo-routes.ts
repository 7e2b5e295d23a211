// 工作台: to-do kind → the page that decides it (opened with ?id=<to-do id>). One line per kind.
export const TODO_ROUTES: Record<string, string> = {
  aid_application: '/pages/aid/decide',
  aid_no_approver: '/pages/aid/application',
}
