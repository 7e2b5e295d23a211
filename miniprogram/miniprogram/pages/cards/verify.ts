// 核验会员卡 (officers, station staff, partner merchants with the verifier role): scan the
// member's QR and ask the backend; the answer shows only the masked name, org and status.
// An officer over the card's org also gets 会员卡管理 (the card looked up by its number).
import * as api from '../../utils/api'
import { ensureLogin, refreshMe } from '../../utils/auth'

const OFFICER_ROLES = ['reviewer', 'approver', 'admin'] // who may open 会员卡管理 (the API decides the org)

Component({
  data: { checking: false, verdict: null as any, error: '', manageId: 0 },
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
      this.setData({ checking: true, error: '', manageId: 0 })
      try {
        await ensureLogin()
        const verdict = await ((this as any)._verify as api.Action<any>).run((key) =>
          api.post('/cards/verify', { token }, { idempotencyKey: key }))
        this.setData({ verdict })
        if (verdict.valid) this.setData({ manageId: await this.manageableCard(verdict.number) })
      } catch (e) {
        this.setData({ verdict: null, error: api.errorMessage(e) })
      } finally {
        this.setData({ checking: false })
      }
    },
    /** The card's id when the caller is an officer over its org, else 0 (verifiers, other unions). */
    async manageableCard(number: string): Promise<number> {
      let me = await ensureLogin()
      if (!Array.isArray(me.roles)) me = await refreshMe()
      if (!(me.roles || []).some((r: any) => OFFICER_ROLES.indexOf(r.role) >= 0)) return 0
      try {
        return (await api.get<{ id: number }>(`/cards/by-number/${encodeURIComponent(number)}`)).id
      } catch (e) {
        return 0 // not under this officer's unions: the verdict is all they may see
      }
    },
    onManage() {
      wx.navigateTo({ url: `/pages/cards/manage?id=${this.data.manageId}` })
    },
  },
})
