// 工作台 (officers): to-do counts per kind. The full queue and decisions build on this page.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'

export const TODO_LABELS: Record<string, string> = {
  membership: '入会申请',
  aid_application: '帮扶申请',
  project_bids: '待定标的项目',
  project_review: '待问效的项目',
  station_feedback: '待审核的评价',
  station_feedback_answer: '待回复的评价',
  aid_no_approver: '缺少审批人的帮扶步骤',
}

Component({
  data: { status: 'loading', message: '', total: 0, kinds: [] as { kind: string; label: string; count: number }[] },
  methods: {
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      this.setData({ status: this.data.total ? 'ok' : 'loading', message: '' })
      try {
        await ensureLogin()
        const counts = await api.get<{ total: number; by_kind: Record<string, number> }>('/workbench/counts')
        const kinds = Object.keys(counts.by_kind)
          .filter((k) => counts.by_kind[k] > 0)
          .map((k) => ({ kind: k, label: TODO_LABELS[k] || k, count: counts.by_kind[k] }))
        this.setData({ status: 'ok', total: counts.total, kinds })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
  },
})
