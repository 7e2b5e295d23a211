// One membership application (app/core/pages.py "members/detail", ?id=): its status and
// decision; the applicant withdraws it while pending, or applies again after a refusal.
import * as api from '../../utils/api'
import { currentUser, ensureLogin } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { STATUS_THEMES } from '../../utils/membership'

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
    async load() {
      const id = (this as any)._id as number
      this.setData({ status: this.data.m ? 'ok' : 'loading', message: '' })
      try {
        await ensureLogin()
        const m = await api.get(`/memberships/${id}`)
        let orgName = ''
        try {
          orgName = (await api.get(`/orgs/${m.org_id}`)).name
        } catch (e) {
          orgName = ''
        }
        this.show(m, orgName)
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
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
    onWithdraw() {
      const run = (this as any)._withdraw as api.Action<any>
      if (run.running || !this.data.m) return
      wx.showModal({
        title: '撤回入会申请',
        content: '撤回后工会不再审核这份申请，之后可以重新申请。确定撤回吗？',
        confirmText: '撤回',
        confirmColor: '#d54941',
        success: (res) => {
          if (res.confirm) this.withdraw()
        },
      })
    },
    async withdraw() {
      const run = (this as any)._withdraw as api.Action<any>
      const m = this.data.m
      this.setData({ withdrawing: true, actionError: '' })
      try {
        const next = await run.run((key) => api.post(`/memberships/${m.id}/withdraw`, { version: m.version }, { idempotencyKey: key }))
        this.show(next, this.data.orgName)
        wx.showToast({ title: '已撤回', icon: 'success' })
      } catch (e) {
        this.setData({ actionError: api.errorMessage(e) })
        if (e instanceof api.ApiError && e.status === 409) await this.load()
      } finally {
        this.setData({ withdrawing: false })
      }
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
