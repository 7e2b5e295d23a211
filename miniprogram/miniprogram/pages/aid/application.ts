// 申请进度 (pages/aid/application?id=, the page the API's notifications open): status, the
// step being reviewed, the timeline of every event, the officer's reason after a return (with
// 修改后重新提交), and withdrawal before the final decision.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { STATUS_THEME, yuanText } from '../../utils/aid'

function timelineOf(app: any): any[] {
  return (app.history || []).slice().reverse().map((ev: any, i: number) => ({
    key: i,
    title: ev.org ? `${ev.org.name} · ${ev.action_label}` : ev.action_label,
    status: ev.to_status_label,
    comment: ev.comment || '',
    at: timeText(ev.created_at),
  }))
}

Component({
  data: {
    status: 'loading', message: '', app: null as any, timeline: [] as any[], amount: '', theme: 'default',
    mine: false, canEdit: false, canWithdraw: false, withdrawing: false, actionError: '', stepText: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = query && query.id
      ;(this as any)._withdraw = api.action()
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      if (!this.data.app) this.setData({ status: 'loading', message: '' })
      try {
        const me = await ensureLogin()
        const app = await api.get(`/aid/applications/${(this as any)._id}`)
        this.show(app, me.id === app.applicant_id)
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    show(app: any, mine: boolean) {
      const open = ['draft', 'returned'].indexOf(app.status) >= 0
      this.setData({
        status: 'ok', app, mine, timeline: timelineOf(app), amount: yuanText(app.amount_fen),
        theme: STATUS_THEME[app.status] || 'default',
        stepText: app.current_step ? `${app.current_step.org.name}审核中` : '',
        canEdit: mine && open,
        canWithdraw: mine && (open || app.status === 'submitted'),
      })
    },
    onEdit() {
      wx.navigateTo({ url: `/pages/aid/apply?id=${this.data.app.id}` })
    },
    onWithdraw() {
      if (this.data.withdrawing) return Promise.resolve()
      return new Promise<void>((resolve) => {
        wx.showModal({
          title: '撤回申请', content: '撤回后本次申请结束，需要时可重新申请。确定撤回吗？', confirmText: '撤回',
          success: async (r) => {
            if (!r.confirm) return resolve()
            this.setData({ withdrawing: true, actionError: '' })
            const w = (this as any)._withdraw as api.Action<any>
            try {
              const app = await w.run((key) => api.post(`/aid/applications/${this.data.app.id}/withdraw`, { version: this.data.app.version }, { idempotencyKey: key }))
              this.show(app, true)
              wx.showToast({ title: '已撤回', icon: 'success' })
            } catch (e) {
              this.setData({ actionError: api.errorMessage(e) })
            }
            this.setData({ withdrawing: false })
            resolve()
          },
          fail: () => resolve(),
        })
      })
    },
  },
})
