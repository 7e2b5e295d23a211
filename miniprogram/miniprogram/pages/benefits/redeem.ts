// 核销领取码 (station staff): scan the member's pick-up code or type it; redeemed once.
import * as api from '../../utils/api'

Component({
  data: { code: '', result: '', error: '', submitting: false },
  methods: {
    onLoad() {
      ;(this as any)._redeem = api.action()
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
  },
})
