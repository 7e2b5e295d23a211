// 核验会员卡 (officers, station staff, partner merchants with the verifier role): scan the
// member's QR and ask the backend; the answer shows only the masked name, org and status.
// After a valid verdict an officer is offered 会员卡管理: only the tap looks the card up by its
// number (an audited read, `card.lookup`), so a scan alone records nobody looking at the card.
import * as api from '../../utils/api'
import { ensureLogin, isOfficer, refreshMe } from '../../utils/auth'

Component({
  data: { checking: false, verdict: null as any, error: '', canManage: false, opening: false },
  methods: {
    onLoad() {
      ;(this as any)._verify = api.action()
    },
    async onScan() {
      let token = ''
      try {
        const scanned: any = await new Promise((resolve, reject) =>
          wx.scanCode({ onlyFromCamera: false, scanType: ['qrCode'], success: resolve, fail: reject }))
        token = (scanned && scanned.result) || ''
      } catch (e) {
        return // the user closed the scanner
      }
      await this.check(token)
    },
    async check(token: string) {
      if (!token) {
        this.setData({ verdict: null, error: '没有识别到会员卡码，请重新扫码' })
        return
      }
      this.setData({ checking: true, error: '', canManage: false })
      try {
        await ensureLogin()
        const verdict = await ((this as any)._verify as api.Action<any>).run((key) =>
          api.post('/cards/verify', { token }, { idempotencyKey: key }))
        this.setData({ verdict, canManage: verdict.valid && await this.officer() })
      } catch (e) {
        this.setData({ verdict: null, error: api.errorMessage(e) })
      } finally {
        this.setData({ checking: false })
      }
    },
    /** Whether the caller holds an officer role (verifiers do not); which orgs it reaches is
     * the lookup's answer, on the tap. */
    async officer(): Promise<boolean> {
      try {
        let me = await ensureLogin()
        if (!Array.isArray(me.roles)) me = await refreshMe()
        return isOfficer(me)
      } catch (e) {
        return false // the verdict stands without the button
      }
    },
    /** Look the verified card up (404 for a card outside the officer's unions) and open it. */
    async onManage() {
      const verdict = this.data.verdict
      if (this.data.opening || !verdict || !verdict.valid) return
      this.setData({ opening: true })
      try {
        const card = await api.get<{ id: number }>(`/cards/by-number/${encodeURIComponent(verdict.number)}`)
        wx.navigateTo({ url: `/pages/cards/manage?id=${card.id}` })
      } catch (e) {
        wx.showToast({ title: api.errorMessage(e), icon: 'none' })
      } finally {
        this.setData({ opening: false })
      }
    },
  },
})
