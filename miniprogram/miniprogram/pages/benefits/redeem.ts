// 核销领取码 (station staff): scan the member's pick-up code or type it; redeemed once. For the
// campaigns handed over on the member card (card_pickup) with a pick-up point in my orgs, the
// staff may scan the member's card instead: pick the campaign (or open with ?campaign=<id>).
import * as api from '../../utils/api'
import { timeText } from '../../utils/format'

interface CampaignChip {
  id: number
  name: string
}

Component({
  data: {
    code: '', result: '', error: '', submitting: false,
    campaigns: [] as CampaignChip[], campaignId: 0, cardResult: '', cardError: '', picking: false,
  },
  methods: {
    onLoad(query: Record<string, string> = {}) {
      ;(this as any)._redeem = api.action()
      ;(this as any)._pickup = api.action()
      return this.loadCampaigns(Number(query.campaign) || 0)
    },
    /** The card pick-up campaigns I may hand over; none: the card section stays hidden. */
    async loadCampaigns(wanted: number) {
      try {
        const page = await api.get<{ items: any[] }>('/benefits', { card_pickup: 'true', limit: 50 })
        const campaigns = page.items.map((c) => ({ id: c.id, name: c.name }))
        const campaignId = campaigns.some((c) => c.id === wanted) ? wanted : campaigns.length ? campaigns[0].id : 0
        this.setData({ campaigns, campaignId })
      } catch (e) {
        this.setData({ cardError: api.errorMessage(e) })
      }
    },
    onCode(e: any) {
      this.setData({ code: e.detail.value, error: '', result: '' })
    },
    onScan() {
      wx.scanCode({
        scanType: ['qrCode', 'barCode'],
        success: (res) => {
          this.setData({ code: (res.result || '').trim() })
          this.onRedeem()
        },
        fail: () => undefined,
      })
    },
    async onRedeem() {
      const code = this.data.code.trim().toUpperCase()
      if (!/^[0-9A-Z]{10}$/.test(code)) {
        this.setData({ error: '领取码是 10 位字母或数字', result: '' })
        return
      }
      const redeem = (this as any)._redeem as api.Action<any>
      this.setData({ submitting: true, error: '', result: '' })
      try {
        const claim = await redeem.run((key) => api.post(`/benefits/pickups/${code}/redeem`, undefined, { idempotencyKey: key }))
        this.setData({ result: `已核销：${claim.campaign_name} · ${claim.member_name}`, code: '' })
      } catch (e) {
        this.setData({ error: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },

    // ---- 扫会员卡领取 ----
    onCampaign(e: WechatMiniprogram.TouchEvent) {
      this.setData({ campaignId: Number(e.currentTarget.dataset.id), cardResult: '', cardError: '' })
    },
    onCardPickup() {
      if (this.data.picking || !this.data.campaignId) return
      return new Promise<void>((resolve) => {
        wx.scanCode({
          onlyFromCamera: true,
          scanType: ['qrCode'],
          success: (res) => {
            this.pickUp((res.result || '').trim()).then(resolve, resolve)
          },
          fail: () => resolve(), // cancelled
        })
      })
    },
    async pickUp(token: string) {
      if (!token) {
        this.setData({ cardResult: '', cardError: '没有识别到会员卡码，请重新扫码' })
        return
      }
      const run = (this as any)._pickup as api.Action<any>
      // the same code again after a lost answer keeps the key; another code is another action
      const body = `${this.data.campaignId}:${token}`
      if ((this as any)._lastBody !== body) run.reset()
      ;(this as any)._lastBody = body
      this.setData({ picking: true, cardResult: '', cardError: '' })
      try {
        const claim = await run.run((key) => api.post(`/benefits/${this.data.campaignId}/card-pickups`, { token }, { idempotencyKey: key }))
        this.setData({ cardResult: `已领取：${claim.campaign_name} · ${claim.member_name}` })
      } catch (e) {
        const already = e instanceof api.ApiError && e.code === 'already_redeemed'
        const when = already ? timeText(e.details.redeemed_at) : ''
        this.setData({ cardError: already ? `该会员已领取过${when ? `（${when}）` : ''}，不能重复领取` : api.errorMessage(e) })
      } finally {
        this.setData({ picking: false })
      }
    },
  },
})
