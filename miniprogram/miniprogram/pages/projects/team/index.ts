// The team and volunteers' hours; the project leader logs a volunteer's hours here
// (POST …/volunteers/<team_member_id>/hours).
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { shanghaiToday } from '../../../utils/projects'

const RUNNING = ['awarded', 'in_progress', 'under_review']

Component({
  data: {
    status: 'loading',
    message: '',
    p: null as any,
    members: [] as any[],
    totalHours: '0',
    isLeader: false,
    selected: 0,
    selectedName: '',
    hours: '',
    day: '',
    today: '',
    note: '',
    formError: '',
    okText: '',
    submitting: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._submit = api.action()
      const today = shanghaiToday()
      this.setData({ day: today, today })
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load(quiet = false) {
      const id = (this as any)._id
      if (!quiet) this.setData({ status: 'loading', message: '' })
      try {
        const me = await ensureLogin()
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个项目。', 404)
        const [p, team] = await Promise.all([api.get(`/projects/${id}`), api.get(`/projects/${id}/team`, { limit: 100 })])
        const members = team.items.map((m: any) => ({
          id: m.id, name: m.display_name || m.nickname || '成员', role: m.role, roleLabel: m.role_label,
          duty: m.duty || '', hours: m.hours,
        }))
        const total = members.filter((m: any) => m.role === 'volunteer').reduce((s: number, m: any) => s + m.hours, 0)
        this.setData({
          p, members, totalHours: String(Math.round(total * 10) / 10),
          isLeader: p.leader_id === me.id && RUNNING.indexOf(p.status) >= 0,
          status: members.length ? 'ok' : 'empty',
          message: members.length ? '' : '尚未组建团队',
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onPick(e: any) {
      if (!this.data.isLeader) return
      const m = this.data.members.find((x) => x.id === Number(e.currentTarget.dataset.id))
      if (!m || m.role !== 'volunteer') return
      this.setData({ selected: m.id, selectedName: m.name, formError: '', okText: '' })
    },
    onInput(e: any) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' })
    },
    onDay(e: any) {
      this.setData({ day: e.detail.value })
    },
    async onLog() {
      if (this.data.submitting) return
      const hours = Number(this.data.hours)
      if (!this.data.selected) return this.setData({ formError: '请先在上面选择一位志愿者' })
      if (!this.data.hours || !isFinite(hours) || hours < 0.1 || hours > 24) return this.setData({ formError: '时长请填 0.1 到 24 小时' })
      const submit = (this as any)._submit as api.Action<any>
      const body = { hours, worked_on: this.data.day, note: this.data.note.trim() || null }
      const memberId = this.data.selected
      this.setData({ submitting: true, formError: '', okText: '' })
      try {
        await submit.run((key) => api.post(`/projects/${this.data.p.id}/volunteers/${memberId}/hours`, body, { idempotencyKey: key }))
        this.setData({ okText: `已为${this.data.selectedName}记录 ${hours} 小时`, hours: '', note: '' })
        await this.load(true)
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
