// 信息更正 (issue 20): a member asks to correct the name or ID number on their membership with a
// document (opened from the membership page, ?membership=); opened with ?id= it shows one request:
// the member may withdraw it while pending, an approver over the member's org approves it (the
// membership changes) or rejects it with a reason (from the workbench's membership_correction).
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { loadInto, runDecision } from '../../utils/page'

const FIELDS = [
  { value: 'real_name', label: '姓名', placeholder: '更正后的姓名（与身份证一致）' },
  { value: 'id_number', label: '身份证号', placeholder: '更正后的18位身份证号' },
]

Component({
  data: {
    status: 'loading',
    message: '',
    mode: 'form', // 'form' | 'one'
    fields: FIELDS,
    membership: null as any,
    one: null as any,
    own: false,
    field: 'real_name',
    placeholder: FIELDS[0].placeholder,
    value: '',
    doc: null as any, // { id, name }
    uploading: false,
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
    shown(c: any) {
      return Object.assign({}, c, { created: timeText(c.created_at), decided: c.decided_at ? timeText(c.decided_at) : '' })
    },
    load() {
      const q = (this as any)._query as Record<string, string>
      return loadInto(this, async () => {
        const me = await ensureLogin()
        if (!q.id) {
          const membership = q.membership ? await api.get(`/memberships/${encodeURIComponent(q.membership)}`) : null
          return { mode: 'form', membership }
        }
        const one = await api.get(`/membership-corrections/${encodeURIComponent(q.id)}`)
        // the member's page is an extra: the request shows without it
        const membership = await api.get(`/memberships/${one.membership_id}`).catch(() => null)
        return { mode: 'one', one: this.shown(one), membership, own: one.user_id === me.id }
      }, (shown) => this.setData(shown))
    },
    onField(e: any) {
      const field = e.currentTarget.dataset.field as string
      const f = FIELDS.find((x) => x.value === field) || FIELDS[0]
      this.setData({ field: f.value, placeholder: f.placeholder, formError: '' })
    },
    onValue(e: any) {
      this.setData({ value: e.detail.value, formError: '' })
    },
    onPickDoc() {
      if (this.data.uploading) return Promise.resolve()
      return new Promise<void>((resolve) => {
        wx.chooseMedia({
          count: 1, mediaType: ['image'], sourceType: ['album', 'camera'],
          success: async (res) => {
            const path = res.tempFiles[0].tempFilePath
            this.setData({ uploading: true, formError: '' })
            try {
              const file = await api.upload<{ id: number; original_name: string }>('/files', path, { name: 'file' })
              this.setData({ doc: { id: file.id, name: file.original_name } })
            } catch (err) {
              this.setData({ formError: api.errorMessage(err) })
            } finally {
              this.setData({ uploading: false })
            }
            resolve()
          },
          fail: () => resolve(),
        })
      })
    },
    async onSubmit() {
      const value = this.data.value.trim()
      if (!value) {
        this.setData({ formError: '请填写更正后的内容' })
        return
      }
      if (!this.data.doc) {
        this.setData({ formError: '请上传证明材料（如身份证照片）' })
        return
      }
      const body = { field: this.data.field, value: this.data.field === 'id_number' ? value.toUpperCase() : value,
        document_file_id: this.data.doc.id }
      await runDecision(this, {
        action: (this as any)._submit, busy: 'submitting', error: 'formError', toast: '已提交更正申请',
        send: (key) => api.post('/me/membership/corrections', body, { idempotencyKey: key }),
        done: (one: any) => this.setData({ mode: 'one', one: this.shown(one), own: true, value: '', doc: null }),
      })
    },
    onWithdraw() {
      const c = this.data.one
      return runDecision(this, {
        action: (this as any)._withdraw, busy: 'submitting', error: 'formError', toast: '已撤回',
        send: (key) => api.post(`/membership-corrections/${c.id}/withdraw`, { version: c.version }, { idempotencyKey: key }),
        done: (one: any) => this.setData({ one: this.shown(one) }),
      })
    },
    onDecisionReason(e: any) {
      this.setData({ decisionReason: e.detail.value, formError: '' })
    },
    async decide(action: string) {
      const c = this.data.one
      const reason = this.data.decisionReason.trim()
      if (this.data.submitting) return
      if (action === 'reject' && !reason) {
        this.setData({ formError: '不通过时请填写原因' })
        return
      }
      await runDecision(this, {
        action: (this as any)._decide, busy: 'submitting', error: 'formError',
        toast: action === 'approve' ? '已更正' : '已退回',
        send: (key) => api.post(`/membership-corrections/${c.id}/decision`, { action, version: c.version, reason: reason || null },
          { idempotencyKey: key }),
        done: (one: any) => this.setData({ one: this.shown(one) }),
        reload: async () => this.setData({ one: this.shown(await api.get(`/membership-corrections/${c.id}`)) }),
      })
    },
    onApprove() {
      return this.decide('approve')
    },
    onReject() {
      return this.decide('reject')
    },
  },
})
