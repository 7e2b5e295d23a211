// One rights case: state, deadlines (working days), history. The member rates and closes it
// after the union's follow-up call, or reopens it within 7 days; the handling officers accept
// it, record steps (mediation, referrals, a legal aid lawyer), resolve it and log the call.
import * as api from '../../utils/api'
import { currentUser } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { loadInto, runDecision } from '../../utils/page'

const STEP_KINDS = [
  { code: 'note', label: '备注' },
  { code: 'mediation', label: '调解' },
  { code: 'labour_inspectorate', label: '转劳动监察' },
  { code: 'legal_aid', label: '转法律援助' },
  { code: 'lawyer', label: '指派律师' },
]

function today(): string {
  const d = new Date(Date.now() + 8 * 3600 * 1000) // Beijing date
  return d.toISOString().slice(0, 10)
}

Component({
  data: {
    status: 'loading',
    message: '',
    c: null as any,
    history: [] as any[],
    documents: [] as any[],
    previewError: '',
    mine: false,
    stepKinds: STEP_KINDS,
    stepKind: 'mediation',
    note: '',
    outcome: '',
    amountYuan: '',
    caller: '',
    said: '',
    rating: 0,
    comment: '',
    reopenReason: '',
    formError: '',
    busy: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      const self = this as any
      self._id = (query && query.id) || ''
      self._act = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    show(c: any) {
      const me = currentUser()
      this.setData({
        c: Object.assign({}, c, { created: timeText(c.created_at) }),
        mine: !!me && me.id === c.user_id,
        history: (c.history || []).map((h: any) => Object.assign({}, h, { time: timeText(h.created_at) })),
        documents: (c.documents || []).map((d: any) => ({ id: d.file_id, name: d.original_name, type: d.content_type,
          image: /^image\//.test(d.content_type) })),
      })
    },
    /** An attached photo, fetched with the caller's session (GET /files/{id}; an officer's read
     * is audited) and shown full screen. */
    async onPreview(e: any) {
      const doc = this.data.documents.find((d: any) => d.id === Number(e.currentTarget.dataset.id))
      if (!doc || !doc.image) return
      this.setData({ previewError: '' })
      try {
        const url = await api.imageDataUrl(`/files/${doc.id}`, doc.type)
        wx.previewImage({ urls: [url], current: url })
      } catch (err) {
        this.setData({ previewError: api.errorMessage(err) })
      }
    },
    load() {
      return loadInto(this, () => api.get(`/rights-cases/${encodeURIComponent((this as any)._id)}`), (c) => this.show(c))
    },
    onInput(e: any) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
    },
    onStepKind(e: any) {
      this.setData({ stepKind: e.currentTarget.dataset.code })
    },
    onStar(e: any) {
      this.setData({ rating: Number(e.currentTarget.dataset.value) })
    },
    act(action: string, body: Record<string, any>, done: string) {
      return runDecision(this, {
        action: (this as any)._act, busy: 'busy', error: 'formError', toast: done,
        send: (key) => api.post(`/rights-cases/${this.data.c.id}/${action}`, Object.assign({ version: this.data.c.version }, body),
          { idempotencyKey: key }),
        done: (c) => {
          this.show(c)
          this.setData({ note: '', outcome: '', amountYuan: '', caller: '', said: '', comment: '', reopenReason: '' })
        },
      })
    },
    onAccept() {
      return this.act('accept', {}, '已受理')
    },
    onStep() {
      if (!this.data.note.trim()) return this.setData({ formError: '请填写办理情况' })
      return this.act('steps', { kind: this.data.stepKind, note: this.data.note.trim() }, '已记录')
    },
    onResolve() {
      if (this.data.outcome.trim().length < 2) return this.setData({ formError: '请填写办理结果' })
      const amount = this.data.amountYuan.trim()
      return this.act('resolve', { outcome: this.data.outcome.trim(),
        amount_recovered_fen: amount ? Math.round(Number(amount) * 100) : null }, '已办结')
    },
    onFollowUp() {
      if (!this.data.caller.trim() || !this.data.said.trim()) return this.setData({ formError: '请填写回访人和会员反馈' })
      return this.act('follow-up', { called_on: today(), caller_name: this.data.caller.trim(),
        member_said: this.data.said.trim() }, '已记录回访')
    },
    onClose() {
      if (!this.data.rating) return this.setData({ formError: '请先点星星评价' })
      return this.act('close', { rating: this.data.rating, comment: this.data.comment.trim() || null }, '感谢您的评价')
    },
    onReopen() {
      if (this.data.reopenReason.trim().length < 2) return this.setData({ formError: '请说明重新办理的原因' })
      return this.act('reopen', { reason: this.data.reopenReason.trim() }, '已重新打开')
    },
  },
})
