// 数据统计 (officers): 揭榜挂帅 per level (GET /orgs/{id}/project-stats) and an aid program's
// approved / paid / pending by village, category and tier (GET /aid/programs/{id}/stats), as
// CSS bars.
import * as api from '../../utils/api'
import { yuanText } from '../../utils/aid'
import { refreshMe } from '../../utils/auth'

interface Bar { key: string; label: string; value: number; text: string; width: number }

function bars(rows: { key: string; label: string; value: number; text: string }[]): Bar[] {
  const max = Math.max(1, ...rows.map((r) => r.value))
  // keys become element ids (family.general → family-general)
  return rows.map((r) => Object.assign({}, r, { key: r.key.replace(/[^A-Za-z0-9_-]/g, '-'), width: Math.round((r.value / max) * 100) }))
}

const PROJECT_ROWS: [string, string][] = [['published', '发布'], ['taken', '已揭榜'], ['in_progress', '实施中'], ['finished', '已完成'], ['failed', '未完成']]

Component({
  data: {
    status: 'loading', message: '', orgs: [] as { id: number; name: string }[], orgId: 0,
    project: null as any, rateText: '', projectBars: [] as Bar[], levelBars: [] as Bar[], projectError: '',
    programs: [] as { id: number; name: string }[], programId: 0, aid: null as any,
    aidTotals: [] as Bar[], villageBars: [] as Bar[], categoryBars: [] as Bar[], tierBars: [] as Bar[], aidError: '',
  },
  methods: {
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      if (!this.data.orgs.length) this.setData({ status: 'loading', message: '' })
      try {
        const me = await refreshMe()
        const orgs: { id: number; name: string }[] = []
        ;((me as any).roles || []).forEach((r: any) => {
          if (!orgs.some((o) => o.id === r.org_id)) orgs.push({ id: r.org_id, name: r.org_name })
        })
        if (!orgs.length) {
          this.setData({ status: 'empty', message: '只有工会干部可以查看统计' })
          return
        }
        const managed = await api.get<{ items: any[] }>('/aid/programs', { scope: 'managed', limit: 50 })
        const programs = managed.items.map((p) => ({ id: p.id, name: p.name }))
        const orgId = orgs.some((o) => o.id === this.data.orgId) ? this.data.orgId : orgs[0].id
        const programId = programs.some((p) => p.id === this.data.programId) ? this.data.programId : programs.length ? programs[0].id : 0
        this.setData({ status: 'ok', orgs, orgId, programs, programId })
        await Promise.all([this.loadProjects(), this.loadAid()])
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    async loadProjects() {
      try {
        const s = await api.get(`/orgs/${this.data.orgId}/project-stats`)
        this.setData({
          project: s, projectError: '',
          rateText: s.total.finish_rate === null || s.total.finish_rate === undefined ? '—' : `${Math.round(s.total.finish_rate * 100)}%`,
          projectBars: bars(PROJECT_ROWS.map(([k, label]) => ({ key: k, label, value: s.total[k], text: String(s.total[k]) }))),
          levelBars: bars(s.by_level.map((l: any) => ({ key: l.level, label: l.level_label, value: l.published, text: `${l.published} 项 · 完成 ${l.finished}` }))),
        })
      } catch (e) {
        this.setData({ project: null, projectError: api.errorMessage(e) })
      }
    },
    async loadAid() {
      if (!this.data.programId) return
      try {
        const s = await api.get(`/aid/programs/${this.data.programId}/stats`)
        const amount = (rows: any[]) => bars(rows.map((r) => ({ key: r.key, label: r.label, value: r.approved.amount_fen, text: `${r.approved.count} 人 · ${yuanText(r.approved.amount_fen)}` })))
        this.setData({
          aid: s, aidError: '',
          aidTotals: bars([
            { key: 'budget', label: '预算', value: s.budget.budget_fen, text: yuanText(s.budget.budget_fen) },
            { key: 'approved', label: '已批准', value: s.totals.approved.amount_fen, text: `${s.totals.approved.count} 人 · ${yuanText(s.totals.approved.amount_fen)}` },
            { key: 'paid', label: '已发放', value: s.totals.paid.amount_fen, text: `${s.totals.paid.count} 人 · ${yuanText(s.totals.paid.amount_fen)}` },
            { key: 'pending', label: '审核中', value: s.totals.pending.amount_fen, text: `${s.totals.pending.count} 人 · ${yuanText(s.totals.pending.amount_fen)}` },
          ]),
          villageBars: amount(s.by_village), categoryBars: amount(s.by_category), tierBars: amount(s.by_tier),
        })
      } catch (e) {
        this.setData({ aid: null, aidError: api.errorMessage(e) })
      }
    },
    onOrg(e: WechatMiniprogram.TouchEvent) {
      this.setData({ orgId: Number(e.currentTarget.dataset.id) })
      return this.loadProjects()
    },
    onProgram(e: WechatMiniprogram.TouchEvent) {
      this.setData({ programId: Number(e.currentTarget.dataset.id) })
      return this.loadAid()
    },
  },
})
