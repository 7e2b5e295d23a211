// 福利详情: what the campaign gives, the window, and my claim. A card code is shown to the
// claimer only; a supply gives a pick-up code and the nearest points with stock (from the
// phone's location); an enrolment asks for the ID number and phone after the consent.
import * as api from '../../utils/api'
import { distanceText, timeText } from '../../utils/format'
import { installPrivacyListener } from '../../utils/privacy'

function claimView(c: any) {
  return {
    id: c.id,
    status: c.status_label,
    code: c.code || '',
    pickupCode: c.pickup_code || '',
    point: c.point ? c.point.name : '',
    points: (c.nearby_points || []).map((p: any) => ({
      id: p.id, name: p.name, left: p.left, distance: p.distance_m == null ? '' : distanceText(p.distance_m),
    })),
  }
}

Component({
  data: {
    status: 'loading', message: '', campaign: null as any, window: '', claim: null as any,
    idNumber: '', phone: '', submitting: false, formError: '',
  },
  methods: {
    async onLoad(query: Record<string, string>) {
      installPrivacyListener()
      ;(this as any)._claim = api.action()
      ;(this as any)._id = (query && query.id) || ''
      await this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      const id = (this as any)._id as string
      this.setData({ status: 'loading', message: '' })
      try {
        const campaign = await api.get(`/benefits/${encodeURIComponent(id)}`)
        const mine = await api.get<{ items: any[] }>('/me/benefits/claims', { limit: 100 })
        const found = mine.items.find((c: any) => c.campaign_id === campaign.id)
        const claim = found ? await api.get(`/me/benefits/claims/${found.id}`) : null
        this.setData({
          campaign,
          window: `${timeText(campaign.opens_at)} 至 ${timeText(campaign.closes_at)}`,
          claim: claim ? claimView(claim) : null,
          status: 'ok',
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onIdNumber(e: any) {
      this.setData({ idNumber: e.detail.value })
    },
    onPhone(e: any) {
      this.setData({ phone: e.detail.value })
    },
    location(): Promise<{ lat: number; lng: number } | null> {
      return new Promise((resolve) => {
        wx.getLocation({
          type: 'gcj02',
          success: (r) => resolve({ lat: r.latitude, lng: r.longitude }),
          fail: () => resolve(null),
        })
      })
    },
    async onClaim() {
      const c = this.data.campaign
      if (!c || this.data.submitting) return
      const body: Record<string, unknown> = {}
      if (c.kind === 'enrolment') {
        if (!this.data.idNumber.trim() || !this.data.phone.trim()) {
          this.setData({ formError: '请填写身份证号和手机号' })
          return
        }
        body.id_number = this.data.idNumber.trim().toUpperCase()
        body.phone = this.data.phone.trim()
      }
      if (c.kind === 'supply') {
        const here = await this.location()
        if (here) Object.assign(body, here)
      }
      const claim = (this as any)._claim as api.Action<any>
      this.setData({ submitting: true, formError: '' })
      try {
        const res = await claim.run((key) => api.post(`/benefits/${c.id}/claims`, body, { idempotencyKey: key }))
        this.setData({ claim: claimView(res) })
        wx.showToast({ title: res.status === 'entered' ? '已报名抽签' : '领取成功', icon: 'success' })
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
