// Officer: 问效 — the results of a project under review (goals' progress, reports, satisfaction),
// scored 0–100 with an outcome: completed, failed or rework (POST …/evaluation). Opened from
// the workbench queue (kind project_review → ?id=<project id>).
import * as api from '../../../utils/api'
import { timeText } from '../../../utils/format'
import { loadInto, runDecision } from '../../../utils/page'
import { progressRows, satisfactionText, yuanText } from '../../../utils/projects'

const OUTCOMES = [
  { key: 'completed', label: '验收通过' },
  { key: 'rework', label: '退回整改' },
  { key: 'failed', label: '未完成' },
]

Component({
  data: {
    status: 'loading',
    message: '',
    p: null as any,
    progress: [] as any[],
    satisfaction: '',
    money: '',
    reports: [] as any[],
    outcomes: [] as { key: string; label: string }[],
    outcome: '',
    score: '',
    comment: '',
    submitting: false,
    formError: '',
    resultText: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._submit = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load(quiet = false) {
      const id = (this as any)._id
      return loadInto(this, () => {
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个项目。', 404)
        return Promise.all([api.get(`/projects/${id}`), api.get(`/projects/${id}/reports`, { limit: 20 })])
      }, ([p, reports]) => {
        const allowed = p.allowed_actions || []
        this.setData({
          p,
          progress: progressRows(p.progress),
          satisfaction: satisfactionText(p.satisfaction),
          money: `中榜 ${yuanText(p.granted_fen)} · 已拨付 ${yuanText(p.released_fen)}`,
          reports: reports.items.slice().reverse().map((r: any) => ({
            id: r.id, period: r.period, text: r.text, time: timeText(r.created_at),
            actuals: (r.actuals || []).map((a: any) => `${a.goal}：${a.actual}`).join('；'),
          })),
          outcomes: OUTCOMES.filter((o) => allowed.indexOf(o.key) >= 0),
        })
      }, { quiet })
    },
    onOutcome(e: any) {
      this.setData({ outcome: e.currentTarget.dataset.key, formError: '' })
    },
    onInput(e: any) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' })
    },
    async onSubmit() {
      if (this.data.submitting) return
      const score = Number(this.data.score)
      if (!this.data.outcome) return this.setData({ formError: '请选择评估结论' })
      if (this.data.score === '' || !Number.isInteger(score) || score < 0 || score > 100) return this.setData({ formError: '评分请填 0 到 100 的整数' })
      const body = { score, outcome: this.data.outcome, comment: this.data.comment.trim() || null, version: this.data.p.version }
      const label = (OUTCOMES.find((o) => o.key === body.outcome) || { label: '' }).label
      await runDecision(this, {
        action: (this as any)._submit, busy: 'submitting', error: 'formError', toast: '已提交',
        send: (key) => api.post(`/projects/${this.data.p.id}/evaluation`, body, { idempotencyKey: key }),
        done: (p: any) => {
          this.setData({ resultText: `问效完成：${label}，${score} 分。项目现为“${p.status_label}”` })
          return this.load(true)
        },
        reload: () => this.load(true),
      })
    },
  },
})
