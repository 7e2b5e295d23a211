// A project: the problem, goals with progress, money, the team and progress reports; what the
// caller may do comes from the API's `allowed_actions` (bid, volunteer, answer_survey, report,
// start, submit for 问效, and for officers award / evaluation).
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { progressRows, satisfactionText, yuanText } from '../../../utils/projects'
import { timeText } from '../../../utils/format'
import { askSubscribe, prepareSubscribe } from '../../../utils/subscribe'

function can(p: any, action: string): boolean {
  return !!p && (p.allowed_actions || []).indexOf(action) >= 0
}

Component({
  data: {
    status: 'loading',
    message: '',
    p: null as any,
    progress: [] as any[],
    money: { budget: '', granted: '', released: '' },
    satisfaction: '',
    team: [] as any[],
    volunteerCount: 0,
    reports: [] as any[],
    can: {} as Record<string, boolean>,
    canReview: false,
    duty: '',
    busy: '',
    actionError: '',
    actionText: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._acts = {} // one api.action() per kind of action (its own Idempotency-Key)
      prepareSubscribe()
      return this.load()
    },
    onShow() {
      // back from the bid / report form: show the new state
      if ((this as any)._shown) return this.load(true)
      ;(this as any)._shown = true
      return undefined
    },
    onRetry() {
      return this.load()
    },
    async load(quiet = false) {
      const id = (this as any)._id
      if (!quiet) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个项目。', 404)
        const [p, team, reports] = await Promise.all([
          api.get(`/projects/${id}`),
          api.get(`/projects/${id}/team`, { limit: 100 }),
          api.get(`/projects/${id}/reports`, { limit: 20 }),
        ])
        this.show(p, team.items, reports.items)
        this.setData({ status: 'ok' })
      } catch (e) {
        if (!quiet || this.data.status !== 'ok') this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    show(p: any, team: any[], reports: any[]) {
      const flags: Record<string, boolean> = {}
      ;['bid', 'volunteer', 'answer_survey', 'report', 'start', 'submit', 'award'].forEach((a) => (flags[a] = can(p, a)))
      this.setData({
        p,
        progress: progressRows(p.progress),
        money: { budget: yuanText(p.budget_fen), granted: yuanText(p.granted_fen), released: yuanText(p.released_fen) },
        satisfaction: satisfactionText(p.satisfaction),
        team: team.map((m) => ({
          id: m.id, name: m.display_name || m.nickname || '成员', role: m.role_label,
          duty: m.duty || '', hours: m.role === 'volunteer' ? `${m.hours} 小时` : '',
        })),
        volunteerCount: team.filter((m) => m.role === 'volunteer').length,
        reports: reports.slice().reverse().map((r) => ({
          id: r.id, period: r.period, text: r.text, time: timeText(r.created_at),
          actuals: (r.actuals || []).map((a: any) => `${a.goal}：${a.actual}`).join('；'),
        })),
        can: flags,
        canReview: can(p, 'completed') || can(p, 'failed') || can(p, 'rework'),
      })
    },
    go(path: string) {
      wx.navigateTo({ url: `/pages/projects/${path}/index?id=${this.data.p.id}` })
    },
    onBid() { this.go('bid') },
    onReport() { this.go('report') },
    onTeam() { this.go('team') },
    onAward() { this.go('award') },
    onReview() { this.go('review') },
    onMyBids() { wx.navigateTo({ url: '/pages/projects/my-bids/index' }) },
    onDuty(e: any) {
      this.setData({ duty: e.detail.value })
    },

    async act(name: string, run: (key: string) => Promise<any>, done: string) {
      const acts = (this as any)._acts as Record<string, api.Action<any>>
      const act = acts[name] || (acts[name] = api.action())
      this.setData({ busy: name, actionError: '', actionText: '' })
      try {
        await act.run(run)
        this.setData({ actionText: done })
        await this.load(true)
      } catch (e) {
        this.setData({ actionError: api.errorMessage(e) })
      } finally {
        this.setData({ busy: '' })
      }
    },
    onVolunteer() {
      if (this.data.busy) return
      const asked = askSubscribe(['project.volunteer'])
      const duty = this.data.duty.trim() || null
      return this.act('volunteer', (key) => api.post(`/projects/${this.data.p.id}/volunteers`, { duty }, { idempotencyKey: key }),
        '报名成功，感谢你成为志愿者').then(() => asked)
    },
    onSurvey(e: any) {
      if (this.data.busy) return
      const satisfied = e.currentTarget.dataset.value === 'yes'
      return this.act('survey', (key) => api.post(`/projects/${this.data.p.id}/survey`, { satisfied }, { idempotencyKey: key }),
        '感谢你的评价')
    },
    onStart() {
      if (this.data.busy) return
      return this.act('start', (key) => api.post(`/projects/${this.data.p.id}/start`, { version: this.data.p.version }, { idempotencyKey: key }),
        '项目已开始实施')
    },
    onSubmit() {
      if (this.data.busy) return
      wx.showModal({
        title: '提交问效',
        content: '提交后由工会审批人对项目成果进行问效评估，确定提交吗？',
        success: (res) => {
          if (!res.confirm) return
          this.act('submit', (key) => api.post(`/projects/${this.data.p.id}/submit`, { version: this.data.p.version }, { idempotencyKey: key }),
            '已提交问效，请等待评估')
        },
      })
    },
  },
})
