// One membership application (app/core/pages.py "members/detail", ?id=): its status and
// decision; the applicant withdraws it while pending, or applies again after a refusal.
import * as api from '../../utils/api'
import { currentUser } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { STATUS_THEMES } from '../../utils/membership'
import { confirm, loadInto, runDecision } from '../../utils/page'

Component({
  data: {
    status: 'loading',
    message: '',
    m: null as any,
    orgName: '',
    theme: 'default',
    createdText: '',
    decidedText: '',
    headline: '',
    withdrawing: false,
    actionError: '',
    officerView: false, // an officer looking at someone else's membership
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = Number((query && query.id) || 0)
      ;(this as any)._withdraw = api.action()
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load() {
      const id = (this as any)._id as number
      return loadInto(this, async () => {
        const m = await api.get(`/memberships/${id}`)
        const org = await api.get(`/orgs/${m.org_id}`).catch(() => ({ name: '' })) // the name is an extra
        return { m, orgName: org.name as string }
      }, ({ m, orgName }) => this.show(m, orgName), { quiet: !!this.data.m })
    },
    show(m: any, orgName: string) {
      const headline = m.status === 'approved' ? '已入会' : m.status === 'pending' ? '等待工会审核' : m.status_label
      this.setData({
        status: 'ok',
        m,
        orgName,
        theme: STATUS_THEMES[m.status] || 'default',
        headline,
        createdText: timeText(m.created_at),
        decidedText: m.decided_at ? timeText(m.decided_at) : '',
        officerView: !!currentUser() && currentUser()!.id !== m.user_id,
      })
    },
    async onWithdraw() {
      const run = (this as any)._withdraw as api.Action<any>
      const m = this.data.m
      if (run.running || !m) return
      if (!(await confirm('撤回入会申请', '撤回后工会不再审核这份申请，之后可以重新申请。确定撤回吗？', '撤回', '#d54941'))) return
      await runDecision(this, {
        action: run, busy: 'withdrawing', error: 'actionError', toast: '已撤回',
        send: (key) => api.post(`/memberships/${m.id}/withdraw`, { version: m.version }, { idempotencyKey: key }),
        done: (next: any) => this.show(next, this.data.orgName),
        reload: () => this.load(),
      })
    },
    onCorrect() {
      if (this.data.m) wx.navigateTo({ url: `/pages/members/correction?membership=${this.data.m.id}` })
    },
    onManageCard() {
      if (this.data.m) wx.navigateTo({ url: `/pages/cards/manage?membership=${this.data.m.id}` })
    },
    onReapply() {
      wx.redirectTo({ url: '/pages/join/index' })
    },
  },
})
