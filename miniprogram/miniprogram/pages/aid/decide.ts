// 帮扶审批 (from the workbench queue, ?id=<application>): the application with masked numbers,
// its documents and history; reveal the whole ID or bank number with a reason (audited by the
// API); approve, return (with the reason the applicant sees) or reject the current step.
import * as api from '../../utils/api'
import { STATUS_THEME, yuanText } from '../../utils/aid'
import { apiUrl } from '../../utils/config'
import { timeText } from '../../utils/format'
import { loadInto, runDecision } from '../../utils/page'

const DONE: Record<string, string> = { approve: '已通过', return: '已退回', reject: '已驳回' }

Component({
  data: {
    status: 'loading', message: '', app: null as any, amount: '', theme: 'default', stepText: '',
    history: [] as any[], docs: [] as any[], decidable: false,
    comment: '', deciding: '', decideError: '', result: '',
    revealReason: '', revealed: {} as Record<string, string>, revealError: '', revealing: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = query && query.id
      ;(this as any)._decide = api.action()
      ;(this as any)._reveal = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load() {
      return loadInto(this, () => api.get(`/aid/applications/${(this as any)._id}`), (app) => this.show(app))
    },
    show(app: any) {
      this.setData({
        status: 'ok', app, amount: yuanText(app.amount_fen), theme: STATUS_THEME[app.status] || 'default',
        stepText: app.current_step ? `当前：${app.current_step.org.name}审核` : '',
        decidable: app.status === 'submitted',
        docs: app.documents.map((d: any) => ({ kind: d.kind_label, name: d.original_name, url: apiUrl(`/files/${d.file_id}`) })),
        history: (app.history || []).map((ev: any, i: number) => ({
          key: i, title: ev.org ? `${ev.org.name} · ${ev.action_label}` : ev.action_label,
          comment: ev.comment || '', at: timeText(ev.created_at),
        })),
      })
    },
    onComment(e: any) {
      this.setData({ comment: e.detail.value, decideError: '' })
    },
    onRevealReason(e: any) {
      this.setData({ revealReason: e.detail.value, revealError: '' })
    },
    async onReveal(e: WechatMiniprogram.TouchEvent) {
      const field = e.currentTarget.dataset.field as string
      if (this.data.revealing) return
      if (this.data.revealReason.trim().length < 2) {
        this.setData({ revealError: '请先填写查看原因（会记入审计日志）' })
        return
      }
      this.setData({ revealing: true, revealError: '' })
      const r = (this as any)._reveal as api.Action<any>
      try {
        const res = await r.run((key) => api.post(`/aid/applications/${this.data.app.id}/reveal`, { field, reason: this.data.revealReason.trim() }, { idempotencyKey: key }))
        this.setData({ ['revealed.' + field]: res.value })
      } catch (err) {
        this.setData({ revealError: api.errorMessage(err) })
      }
      this.setData({ revealing: false })
    },
    async onDecide(e: WechatMiniprogram.TouchEvent) {
      const action = e.currentTarget.dataset.action as string
      if (this.data.deciding) return
      const comment = this.data.comment.trim()
      if (action !== 'approve' && !comment) {
        this.setData({ decideError: action === 'return' ? '请填写退回原因，申请人会看到' : '请填写驳回原因' })
        return
      }
      await runDecision(this, {
        action: (this as any)._decide, busy: 'deciding', busyValue: action, error: 'decideError', toast: DONE[action],
        send: (key) => api.post(`/aid/applications/${this.data.app.id}/decisions`, { action, comment: comment || null, version: this.data.app.version }, { idempotencyKey: key }),
        done: (app) => {
          this.show(app)
          this.setData({ result: DONE[action], comment: '' })
        },
      })
    },
    onBack() {
      wx.navigateBack({ delta: 1 })
    },
  },
})
