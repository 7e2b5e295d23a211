// 驿站管理: the stations of the orgs where I am an officer or a card verifier, with their
// status. Admins tap a station to edit, suspend or print its code; officers and verifiers
// (station staff) scan a member's card to check the member in at an open station.
import * as api from '../../utils/api'
import { refreshMe } from '../../utils/auth'

const STATION_THEME: Record<string, string> = { planned: 'default', active: 'success', suspended: 'warning', closed: 'danger' }
// who may check a member card in at the org's stations (POST /stations/{id}/checkins/card)
const CARD_VERIFIERS = ['reviewer', 'approver', 'admin', 'verifier']

interface OrgChip {
  id: number
  name: string
  admin: boolean
}

Component({
  data: {
    status: 'loading', message: '', orgs: [] as OrgChip[], orgId: 0, admin: false, stations: [] as any[],
    scanning: 0, checkin: null as null | { stationId: number; ok: boolean; text: string },
  },
  methods: {
    onLoad() {
      ;(this as any)._checkin = api.action()
    },
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
        const orgs: OrgChip[] = []
        // officer roles, then the card verifier grants (station staff), which /me lists apart
        ;[...((me as any).roles || []), ...((me as any).verifier_roles || [])].forEach((r: any) => {
          if (CARD_VERIFIERS.indexOf(r.role) < 0) return
          const seen = orgs.find((o) => o.id === r.org_id)
          if (seen) seen.admin = seen.admin || r.role === 'admin'
          else orgs.push({ id: r.org_id, name: r.org_name, admin: r.role === 'admin' })
        })
        if (!orgs.length) {
          this.setData({ status: 'empty', message: '只有工会干部和驿站核验员可以使用驿站管理' })
          return
        }
        const org = orgs.find((o) => o.id === this.data.orgId) || orgs[0]
        const page = await api.get<{ items: any[] }>(`/orgs/${org.id}/stations`, { limit: 100 })
        this.setData({
          status: 'ok', orgs, orgId: org.id, admin: org.admin,
          stations: page.items.map((s) => ({
            id: s.id, name: s.name, address: s.address, statusLabel: s.status_label, theme: STATION_THEME[s.status] || 'default',
            open: s.status === 'active',
          })),
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onOrg(e: WechatMiniprogram.TouchEvent) {
      this.setData({ orgId: Number(e.currentTarget.dataset.id), stations: [], checkin: null })
      return this.load()
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      if (!this.data.admin) return // editing is for the org's admins
      wx.navigateTo({ url: `/pages/station-admin/edit?id=${e.currentTarget.dataset.id}` })
    },
    /** 扫会员卡签到: scan the member's card QR and check its holder in at this station. */
    onCardCheckin(e: WechatMiniprogram.TouchEvent) {
      const stationId = Number(e.currentTarget.dataset.id)
      if (this.data.scanning) return
      return new Promise<void>((resolve) => {
        wx.scanCode({
          onlyFromCamera: true,
          scanType: ['qrCode'],
          success: (res) => {
            this.checkIn(stationId, (res.result || '').trim()).then(resolve, resolve)
          },
          fail: () => resolve(), // cancelled
        })
      })
    },
    async checkIn(stationId: number, token: string) {
      if (!token) {
        this.setData({ checkin: { stationId, ok: false, text: '没有识别到会员卡码，请重新扫码' } })
        return
      }
      const run = (this as any)._checkin as api.Action<any>
      this.setData({ scanning: stationId, checkin: null })
      try {
        // the same code scanned again after a lost answer keeps the action's key (no second
        // write); another code is another body, so it gets a key of its own
        if ((this as any)._lastToken !== token) run.reset()
        ;(this as any)._lastToken = token
        const r = await run.run((key) => api.post(`/stations/${stationId}/checkins/card`, { token }, { idempotencyKey: key }))
        const text = r.counted
          ? `已签到：${r.masked_name}，今日到访 ${r.visits_today} 人次`
          : `本时段已签到过：${r.masked_name}，不重复计数`
        this.setData({ checkin: { stationId, ok: true, text } })
      } catch (err) {
        this.setData({ checkin: { stationId, ok: false, text: api.errorMessage(err) } })
      } finally {
        this.setData({ scanning: 0 })
      }
    },
  },
})
