// Officer: the bids of a project after its deadline, and the award (POST …/award with the
// project's version). Opened from the workbench queue (kind project_bids → ?id=<project id>).
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { timeText } from '../../../utils/format'
import { yuanText } from '../../../utils/projects'

function bidRow(b: any) {
  return {
    id: b.id,
    name: b.bidder_name || '会员',
    amount: yuanText(b.requested_fen),
    plan: b.plan,
    qualifications: b.qualifications,
    team: (b.team || []).map((m: any) => `${m.name}（${m.role}）`).join('、'),
    status: b.status,
    statusLabel: b.status_label,
    time: timeText(b.created_at),
  }
}

Component({
  data: {
    status: 'loading',
    message: '',
    p: null as any,
    budget: '',
    closes: '',
    bids: [] as any[],
    canAward: false,
    selected: 0,
    submitting: false,
    formError: '',
    resultText: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._submit = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load(quiet = false) {
      const id = (this as any)._id
      if (!quiet) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个项目。', 404)
        const [p, bids] = await Promise.all([api.get(`/projects/${id}`), api.get(`/projects/${id}/bids`, { limit: 100 })])
        const rows = bids.items.filter((b: any) => b.status !== 'withdrawn').map(bidRow)
        const winner = rows.find((b: any) => b.id === p.winner_bid_id)
        this.setData({
          p, budget: yuanText(p.budget_fen), closes: timeText(p.bids_close_at), bids: rows,
          canAward: (p.allowed_actions || []).indexOf('award') >= 0,
          resultText: winner ? `已评定：${winner.name}中榜，中榜金额 ${yuanText(p.granted_fen)}` : this.data.resultText,
          status: rows.length ? 'ok' : 'empty',
          message: rows.length ? '' : '这个项目没有人揭榜',
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onPick(e: any) {
      if (!this.data.canAward) return
      this.setData({ selected: Number(e.currentTarget.dataset.id), formError: '' })
    },
    onAward() {
      if (this.data.submitting) return
      const bid = this.data.bids.find((b) => b.id === this.data.selected)
      if (!bid) return this.setData({ formError: '请先选择中榜的揭榜方案' })
      wx.showModal({
        title: '确定中榜',
        content: `确定由${bid.name}揭榜，金额 ${bid.amount}？其他揭榜人会收到未中榜通知，评定后不能更改。`,
        confirmText: '确定',
        success: (res) => {
          if (res.confirm) this.award(bid)
        },
      })
    },
    async award(bid: any) {
      const submit = (this as any)._submit as api.Action<any>
      const body = { bid_id: bid.id, version: this.data.p.version }
      this.setData({ submitting: true, formError: '' })
      try {
        await submit.run((key) => api.post(`/projects/${this.data.p.id}/award`, body, { idempotencyKey: key }))
        wx.showToast({ title: '已评定', icon: 'success' })
        await this.load(true)
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
        if (e instanceof api.ApiError && e.status === 409) await this.load(true) // someone else decided meanwhile
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
