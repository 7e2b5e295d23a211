// 驿站管理 (admins): the stations of the orgs I administer, with their status; tap to edit,
// suspend or print the station code.
import * as api from '../../utils/api'
import { refreshMe } from '../../utils/auth'

const STATION_THEME: Record<string, string> = { planned: 'default', active: 'success', suspended: 'warning', closed: 'danger' }

Component({
  data: { status: 'loading', message: '', orgs: [] as { id: number; name: string }[], orgId: 0, stations: [] as any[] },
  methods: {
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      if (!this.data.stations.length) this.setData({ status: 'loading', message: '' })
      try {
        const me = await refreshMe()
        const orgs: { id: number; name: string }[] = []
        ;((me as any).roles || []).forEach((r: any) => {
          if (r.role === 'admin' && !orgs.some((o) => o.id === r.org_id)) orgs.push({ id: r.org_id, name: r.org_name })
        })
        if (!orgs.length) {
          this.setData({ status: 'empty', message: '只有工会管理员可以管理驿站' })
          return
        }
        const orgId = orgs.some((o) => o.id === this.data.orgId) ? this.data.orgId : orgs[0].id
        const page = await api.get<{ items: any[] }>(`/orgs/${orgId}/stations`, { limit: 100 })
        this.setData({
          status: 'ok', orgs, orgId,
          stations: page.items.map((s) => ({ id: s.id, name: s.name, address: s.address, statusLabel: s.status_label, theme: STATION_THEME[s.status] || 'default' })),
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onOrg(e: WechatMiniprogram.TouchEvent) {
      this.setData({ orgId: Number(e.currentTarget.dataset.id), stations: [] })
      return this.load()
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/station-admin/edit?id=${e.currentTarget.dataset.id}` })
    },
  },
})
