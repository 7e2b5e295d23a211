// Officer: the bids of a project after its deadline, and the award (POST …/award with the
// project's version). Opened from the workbench queue (kind project_bids → ?id=<project id>).
import * as api from '../../../utils/api'
import { timeText } from '../../../utils/format'
import { confirm, loadInto, runDecision } from '../../../utils/page'
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
    load(quiet = false) {
      const id = (this as any)._id
      const live = (bids: any) => bids.items.filter((b: any) => b.status !== 'withdrawn')
      return loadInto(this, () => {
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个项目。', 404)
        return Promise.all([api.get(`/projects/${id}`), api.get(`/projects/${id}/bids`, { limit: 100 })])
      }, ([p, bids]) => {
        const rows = live(bids).map(bidRow)
        const winner = rows.find((b: any) => b.id === p.winner_bid_id)
        this.setData({
          p, budget: yuanText(p.budget_fen), closes: timeText(p.bids_close_at), bids: rows,
          canAward: (p.allowed_actions || []).indexOf('award') >= 0,
          resultText: winner ? `已评定：${winner.name}中榜，中榜金额 ${yuanText(p.granted_fen)}` : this.data.resultText,
        })
      }, { quiet, empty: ([, bids]) => (live(bids).length ? '' : '这个项目没有人揭榜') })
    },
    onPick(e: any) {
      if (!this.data.canAward) return
      this.setData({ selected: Number(e.currentTarget.dataset.id), formError: '' })
    },
    async onAward() {
      if (this.data.submitting) return
      const bid = this.data.bids.find((b) => b.id === this.data.selected)
      if (!bid) return this.setData({ formError: '请先选择中榜的揭榜方案' })
      if (!(await confirm('确定中榜', `确定由${bid.name}揭榜，金额 ${bid.amount}？其他揭榜人会收到未中榜通知，评定后不能更改。`))) return
      const p = this.data.p
      await runDecision(this, {
        action: (this as any)._submit, busy: 'submitting', error: 'formError', toast: '已评定',
        send: (key) => api.post(`/projects/${p.id}/award`, { bid_id: bid.id, version: p.version }, { idempotencyKey: key }),
        done: () => this.load(true),
        reload: () => this.load(true), // someone else decided meanwhile
      })
    },
  },
})
