// 核验会员卡 (officers, station staff, partner merchants with the verifier role): scan the
// member's QR and ask the backend; the answer shows only the masked name, org and status.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'

Component({
  data: { checking: false, verdict: null as any, error: '' },
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
      this.setData({ checking: true, error: '' })
      try {
        await ensureLogin()
        const verdict = await ((this as any)._verify as api.Action<any>).run((key) =>
          api.post('/cards/verify', { token }, { idempotencyKey: key }))
        this.setData({ verdict })
      } catch (e) {
        this.setData({ verdict: null, error: api.errorMessage(e) })
      } finally {
        this.setData({ checking: false })
      }
    },
  },
})
