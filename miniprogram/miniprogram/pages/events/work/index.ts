// Officer: review a 宣讲作品 (to-do kind event_work → ?id=<work id>): publish it to the works list,
// or return it to the author with a reason (POST /works/{id}/decisions).
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { timeText } from '../../../utils/format'

Component({
  data: {
    status: 'loading',
    message: '',
    w: null as any,
    published: '',
    decidable: false,
    mode: 'publish',
    reason: '',
    submitting: false,
    formError: '',
    resultText: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._actions = { publish: api.action(), return: api.action() } // one key per choice
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
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个作品。', 404)
        const w = await api.get(`/works/${id}`)
        this.setData({ w, published: w.published_at ? timeText(w.published_at) : '', decidable: w.status === 'submitted', status: 'ok' })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onMode(e: any) {
      this.setData({ mode: e.currentTarget.dataset.mode, formError: '' })
    },
    onReason(e: any) {
      this.setData({ reason: e.detail.value, formError: '' })
    },
    onCopyLink() {
      wx.setClipboardData({ data: this.data.w.link })
    },
    async onSubmit() {
      if (this.data.submitting) return
      const w = this.data.w
      const body: any = { action: this.data.mode, version: w.version }
      if (this.data.mode === 'return') {
        if (!this.data.reason.trim()) return this.setData({ formError: '请填写退回原因，作者会看到' })
        body.reason = this.data.reason.trim()
      }
      const submit = ((this as any)._actions as Record<string, api.Action<any>>)[this.data.mode]
      this.setData({ submitting: true, formError: '' })
      try {
        await submit.run((key) => api.post(`/works/${w.id}/decisions`, body, { idempotencyKey: key }))
        this.setData({ resultText: body.action === 'publish' ? '已发布，作品进入宣讲作品列表' : '已退回，作者会收到原因' })
        wx.showToast({ title: '已提交', icon: 'success' })
        await this.load(true)
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
        if (e instanceof api.ApiError && e.status === 409) await this.load(true)
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
