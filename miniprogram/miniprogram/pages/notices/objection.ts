// One objection to a notice (?id=): its author or the officers over the notice's org see it;
// an approver upholds it (the file or application goes back) or dismisses it, with a reason.
import * as api from '../../utils/api'
import { loadInto, runDecision } from '../../utils/page'

Component({
  data: { status: 'loading', message: '', id: 0, objection: null as any, comment: '', error: '', done: '', deciding: false },
  methods: {
    onLoad(query: Record<string, string>) {
      this.setData({ id: Number(query.id) })
      ;(this as any)._decide = api.action()
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load() {
      // quiet: onShow reloads an objection on screen without the skeleton
      return loadInto(this, () => api.get(`/notice-objections/${this.data.id}`), (objection) => this.setData({ objection }), { quiet: true })
    },
    onComment(e: any) {
      this.setData({ comment: e.detail.value })
    },
    async resolve(action: string) {
      if (this.data.deciding) return
      this.setData({ error: '', done: '' })
      if (!this.data.comment) {
        this.setData({ error: '请写明处理理由' })
        return
      }
      await runDecision(this, {
        action: (this as any)._decide, busy: 'deciding', error: 'error',
        send: (key) => api.post(`/notice-objections/${this.data.id}/decision`, {
          action, comment: this.data.comment, version: this.data.objection.version,
        }, { idempotencyKey: key }),
        done: (objection: any) => this.setData({ objection, done: `已处理：${objection.status_label}` }),
        reload: () => this.load(),
      })
    },
    onUphold() {
      return this.resolve('uphold')
    },
    onDismiss() {
      return this.resolve('dismiss')
    },
  },
})
