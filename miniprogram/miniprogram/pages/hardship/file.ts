// One hardship file (?id=): level, household (numbers masked), where it waits, history; the
// approver of the current step decides here (the backend says whose step it is).
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'

Component({
  data: { status: 'loading', message: '', id: 0, file: null as any, comment: '', decisionError: '', decided: '' },
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
        const file = await api.get(`/hardship-files/${this.data.id}`)
        this.setData({ status: 'ok', file })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onComment(e: any) {
      this.setData({ comment: e.detail.value })
    },
    async decide(action: string) {
      this.setData({ decisionError: '', decided: '' })
      try {
        const file = await api.post(`/hardship-files/${this.data.id}/decisions`, {
          action, version: this.data.file.version, comment: this.data.comment || null,
        })
        this.setData({ file, decided: `已${action === 'approve' ? '审核通过' : '退回'}：${file.status_label}` })
      } catch (e) {
        this.setData({ decisionError: api.errorMessage(e) })
      }
    },
    onApprove() {
      return this.decide('approve')
    },
    onReturn() {
      return this.decide('return')
    },
  },
})
