// 转会: a member asks to move their membership to another union (search the org, give a
// reason), sees the request's state and may withdraw it; opened with ?id= it shows one request,
// and the receiving union's approver decides it here (from the workbench or a message).
import * as api from '../../utils/api'
import { currentUser, ensureLogin } from '../../utils/auth'
import { timeText } from '../../utils/format'

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
    async load() {
      const q = (this as any)._query as Record<string, string>
      this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        if (q.id) {
          const one = await api.get(`/membership-transfers/${encodeURIComponent(q.id)}`)
          this.setData({ mode: 'one', one: this.shown(one), status: 'ok' })
          return
        }
        const page = await api.get('/me/membership/transfers')
        const transfers = page.items.map((t: any) => this.shown(t))
        this.setData({ mode: 'mine', transfers, pending: transfers.find((t: any) => t.status === 'pending') || null,
          status: 'ok' })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
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
      this.setData({ submitting: true, formError: '' })
      try {
        const body = { to_org_id: this.data.target.id, reason: this.data.reason.trim() }
        await ((this as any)._submit as api.Action<any>).run((key) =>
          api.post('/me/membership/transfer', body, { idempotencyKey: key }))
        wx.showToast({ title: '已提交转会申请', icon: 'success' })
        this.setData({ target: null, reason: '', q: '' })
        await this.load()
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },
    async onWithdraw() {
      const t = this.data.pending
      try {
        await ((this as any)._withdraw as api.Action<any>).run((key) =>
          api.post(`/membership-transfers/${t.id}/withdraw`, { version: t.version }, { idempotencyKey: key }))
        await this.load()
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      }
    },
    async decide(action: string) {
      const t = this.data.one
      const reason = this.data.decisionReason.trim()
      if (action === 'reject' && !reason) {
        this.setData({ formError: '不同意时请填写原因' })
        return
      }
      this.setData({ submitting: true, formError: '' })
      try {
        const one = await ((this as any)._decide as api.Action<any>).run((key) =>
          api.post(`/membership-transfers/${t.id}/decision`, { action, version: t.version, reason: reason || null },
            { idempotencyKey: key }))
        this.setData({ one: this.shown(one) })
        wx.showToast({ title: action === 'approve' ? '已同意转入' : '已退回', icon: 'success' })
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
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
