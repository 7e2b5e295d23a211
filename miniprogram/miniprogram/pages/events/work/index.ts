// Officer: review a 宣讲作品 (to-do kind event_work → ?id=<work id>): publish it to the works list,
// or return it to the author with a reason (POST /works/{id}/decisions).
import * as api from '../../../utils/api'
import { timeText } from '../../../utils/format'
import { loadInto, runDecision } from '../../../utils/page'

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
    load(quiet = false) {
      const id = (this as any)._id
      return loadInto(this, () => {
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个作品。', 404)
        return api.get(`/works/${id}`)
      }, (w) => this.setData({ w, published: w.published_at ? timeText(w.published_at) : '', decidable: w.status === 'submitted' }), { quiet })
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
      await runDecision(this, {
        action: ((this as any)._actions as Record<string, api.Action<any>>)[this.data.mode],
        busy: 'submitting', error: 'formError', toast: '已提交',
        send: (key) => api.post(`/works/${w.id}/decisions`, body, { idempotencyKey: key }),
        done: () => {
          this.setData({ resultText: body.action === 'publish' ? '已发布，作品进入宣讲作品列表' : '已退回，作者会收到原因' })
          return this.load(true)
        },
        reload: () => this.load(true),
      })
    },
  },
})
