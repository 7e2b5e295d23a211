// One objection to a notice (?id=): its author or the officers over the notice's org see it;
// an approver upholds it (the file or application goes back) or dismisses it, with a reason.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'

Component({
  data: { status: 'loading', message: '', id: 0, objection: null as any, comment: '', error: '', done: '' },
  methods: {
    onLoad(query: Record<string, string>) {
      this.setData({ id: Number(query.id) })
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      try {
        await ensureLogin()
        const objection = await api.get(`/notice-objections/${this.data.id}`)
        this.setData({ status: 'ok', objection })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onComment(e: any) {
      this.setData({ comment: e.detail.value })
    },
    async resolve(action: string) {
      this.setData({ error: '', done: '' })
      if (!this.data.comment) {
        this.setData({ error: '请写明处理理由' })
        return
      }
      try {
        const objection = await api.post(`/notice-objections/${this.data.id}/decision`, {
          action, comment: this.data.comment, version: this.data.objection.version,
        })
        this.setData({ objection, done: `已处理：${objection.status_label}` })
      } catch (e) {
        this.setData({ error: api.errorMessage(e) })
      }
    },
    onUphold() {
      return this.resolve('uphold')
    },
    onDismiss() {
      return this.resolve('dismiss')
    },
  },
})
