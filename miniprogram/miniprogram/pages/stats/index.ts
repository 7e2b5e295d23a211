// 数据统计 (officers): 揭榜挂帅 per level (GET /orgs/{id}/project-stats), an aid program's
// approved / paid / pending by village, category and tier (GET /aid/programs/{id}/stats) and
// the hardship files under an org by state, level and main / secondary cause, for all years or
// the one picked (GET /hardship/stats?year=), as CSS bars; 导出统计表 downloads those figures
// (GET /hardship/stats.xlsx), 导出名册 the roster of filed households (XLSX, approvers, audited
// with the reason given).
import * as api from '../../utils/api'
import { yuanText } from '../../utils/aid'
import { refreshMe } from '../../utils/auth'

interface Bar { key: string; label: string; value: number; text: string; width: number }

function bars(rows: { key: string; label: string; value: number; text: string }[]): Bar[] {
  const max = Math.max(1, ...rows.map((r) => r.value))
  // keys become element ids (family.general → family-general)
  return rows.map((r) => Object.assign({}, r, { key: r.key.replace(/[^A-Za-z0-9_-]/g, '-'), width: Math.round((r.value / max) * 100) }))
}

/** The years offered for the hardship figures: all of them, this year and the two before. */
function hardshipYears(): { key: string; label: string; year: number }[] {
  const now = new Date().getFullYear()
  return [{ key: 'all', label: '全部', year: 0 }].concat([now, now - 1, now - 2].map((y) => ({ key: String(y), label: `${y}年`, year: y })))
}

/** Download an XLSX with the token (wx.downloadFile) and open it with wx.openDocument. */
async function openXlsx(path: string, query: Record<string, string | number>) {
  const filePath = await api.download(path, query)
  await new Promise<void>((resolve, reject) => wx.openDocument({
    filePath, fileType: 'xlsx', showMenu: true, success: () => resolve(),
    fail: () => reject(new api.ApiError('open_document', '表格已下载，但手机上没有能打开 Excel 表格的应用', 0)),
  }))
}

const PROJECT_ROWS: [string, string][] = [['published', '发布'], ['taken', '已揭榜'], ['in_progress', '实施中'], ['finished', '已完成'], ['failed', '未完成']]

Component({
  data: {
    status: 'loading', message: '', orgs: [] as { id: number; name: string }[], orgId: 0,
    project: null as any, rateText: '', projectBars: [] as Bar[], levelBars: [] as Bar[], projectError: '',
    programs: [] as { id: number; name: string }[], programId: 0, aid: null as any,
    aidTotals: [] as Bar[], villageBars: [] as Bar[], categoryBars: [] as Bar[], tierBars: [] as Bar[], aidError: '',
    hardshipOrgId: 0, hardship: null as any, hardshipStatusBars: [] as Bar[], hardshipLevelBars: [] as Bar[], hardshipError: '',
    hardshipMainBars: [] as Bar[], hardshipSecondaryBars: [] as Bar[], hardshipYears: hardshipYears(), hardshipYear: 0,
    exportReason: '', exporting: false, exportError: '', statsExporting: false,
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
        const hardshipOrgId = orgs.some((o) => o.id === this.data.hardshipOrgId) ? this.data.hardshipOrgId : orgs[0].id
        this.setData({ status: 'ok', orgs, orgId, programs, programId, hardshipOrgId })
        await Promise.all([this.loadProjects(), this.loadAid(), this.loadHardship()])
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
    async loadHardship() {
      try {
        const s = await api.get('/hardship/stats', this.hardshipQuery())
        const count = (rows: any[]) => bars(rows.map((r) => ({ key: r.key, label: r.label, value: r.count, text: `${r.count} 户` })))
        this.setData({
          hardship: s, hardshipError: '', hardshipStatusBars: count(s.by_status), hardshipLevelBars: count(s.filed_by_level),
          hardshipMainBars: count(s.filed_by_main_cause), hardshipSecondaryBars: count(s.filed_by_secondary_cause),
        })
      } catch (e) {
        this.setData({ hardship: null, hardshipError: api.errorMessage(e) })
      }
    },
    hardshipQuery(): Record<string, number> {
      const query: Record<string, number> = { org_id: this.data.hardshipOrgId }
      if (this.data.hardshipYear) query.year = this.data.hardshipYear
      return query
    },
    onHardshipYear(e: WechatMiniprogram.TouchEvent) {
      this.setData({ hardshipYear: Number(e.currentTarget.dataset.year), exportError: '' })
      return this.loadHardship()
    },
    /** 导出统计表: the figures on screen (org and year) as XLSX; no reason: no personal data. */
    async onExportStats() {
      if (this.data.statsExporting) return
      this.setData({ statsExporting: true, exportError: '' })
      try {
        await openXlsx('/hardship/stats.xlsx', this.hardshipQuery())
      } catch (e) {
        this.setData({ exportError: api.errorMessage(e) })
      } finally {
        this.setData({ statsExporting: false })
      }
    },
    onHardshipOrg(e: WechatMiniprogram.TouchEvent) {
      this.setData({ hardshipOrgId: Number(e.currentTarget.dataset.id), exportError: '' })
      return this.loadHardship()
    },
    onExportReason(e: any) {
      this.setData({ exportReason: e.detail.value, exportError: '' })
    },
    /** 导出名册: the roster XLSX (wx.downloadFile with the token) opened with wx.openDocument. */
    async onExport() {
      if (this.data.exporting) return
      const reason = this.data.exportReason.trim()
      if (reason.length < 2) {
        this.setData({ exportError: '导出含银行账号的名册须写明用途（至少 2 个字）' })
        return
      }
      this.setData({ exporting: true, exportError: '' })
      try {
        await openXlsx('/hardship-files/export', { org_id: this.data.hardshipOrgId, reason })
      } catch (e) {
        this.setData({ exportError: api.errorMessage(e) })
      } finally {
        this.setData({ exporting: false })
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
