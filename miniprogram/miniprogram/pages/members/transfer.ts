// 转会: a member asks to move their membership to another union (search the org, give a
// reason), sees the request's state and may withdraw it; opened with ?id= it shows one request,
// and the receiving union's approver decides it here (from the workbench or a message).
import * as api from '../../utils/api'
import { currentUser } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { loadInto, runDecision } from '../../utils/page'

Component({
  data: {
    status: 'loading',
    message: '',
    mode: 'mine', // 'mine' | 'one'
    transfers: [] as any[],
    pending: null as any,
    one: null as any,
    isMember: true,
    q: '',
    results: [] as any[],
    target: null as any,
    reason: '',
    decisionReason: '',
    formError: '',
    submitting: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      const self = this as any
      self._query = query || {}
      self._submit = api.action()
      self._decide = api.action()
      self._withdraw = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    shown(t: any) {
      return Object.assign({}, t, { created: timeText(t.created_at), decided: timeText(t.decided_at) })
    },
    load() {
      const q = (this as any)._query as Record<string, string>
      return loadInto(this, async () => {
        if (q.id) return { mode: 'one', one: this.shown(await api.get(`/membership-transfers/${encodeURIComponent(q.id)}`)) }
        const page = await api.get('/me/membership/transfers')
        const transfers = page.items.map((t: any) => this.shown(t))
        return { mode: 'mine', transfers, pending: transfers.find((t: any) => t.status === 'pending') || null }
      }, (shown) => this.setData(shown))
    },
    async onSearch(e: any) {
      const q = ((e && e.detail && e.detail.value) || '').trim()
      this.setData({ q, target: null })
      if (!q) {
        this.setData({ results: [] })
        return
      }
      try {
        const page = await api.get('/orgs', { q, limit: 10 })
        this.setData({ results: page.items.map((o: any) => ({ id: o.id, name: o.name,
          where: (o.path_names || []).join(' / ') })) })
      } catch (err) {
        this.setData({ results: [], formError: api.errorMessage(err) })
      }
    },
    onPick(e: any) {
      const id = Number(e.currentTarget.dataset.id)
      this.setData({ target: this.data.results.find((o: any) => o.id === id) || null, results: [] })
    },
    onReason(e: any) {
      this.setData({ reason: e.detail.value })
    },
    onDecisionReason(e: any) {
      this.setData({ decisionReason: e.detail.value })
    },
    async onSubmit() {
      if (!this.data.target) {
        this.setData({ formError: '请先搜索并选择要转入的工会' })
        return
      }
      if (this.data.reason.trim().length < 2) {
        this.setData({ formError: '请说明转会原因' })
        return
      }
      const body = { to_org_id: this.data.target.id, reason: this.data.reason.trim() }
      await runDecision(this, {
        action: (this as any)._submit, busy: 'submitting', error: 'formError', toast: '已提交转会申请',
        send: (key) => api.post('/me/membership/transfer', body, { idempotencyKey: key }),
        done: () => {
          this.setData({ target: null, reason: '', q: '' })
          return this.load()
        },
      })
    },
    onWithdraw() {
      const t = this.data.pending
      return runDecision(this, {
        action: (this as any)._withdraw, busy: 'submitting', error: 'formError',
        send: (key) => api.post(`/membership-transfers/${t.id}/withdraw`, { version: t.version }, { idempotencyKey: key }),
        done: () => this.load(),
      })
    },
    async decide(action: string) {
      const t = this.data.one
      const reason = this.data.decisionReason.trim()
      if (action === 'reject' && !reason) {
        this.setData({ formError: '不同意时请填写原因' })
        return
      }
      await runDecision(this, {
        action: (this as any)._decide, busy: 'submitting', error: 'formError',
        toast: action === 'approve' ? '已同意转入' : '已退回',
        send: (key) => api.post(`/membership-transfers/${t.id}/decision`, { action, version: t.version, reason: reason || null },
          { idempotencyKey: key }),
        done: (one: any) => this.setData({ one: this.shown(one) }),
      })
    },
    onApprove() {
      return this.decide('approve')
    },
    onReject() {
      return this.decide('reject')
    },
    isOwn(): boolean {
      const me = currentUser()
      return !!me && !!this.data.one && me.id === this.data.one.user_id
    },
  },
})
