// 会员卡: the member's electronic card — number, name, org, join date, status — and its QR, a
// short-lived signed code fetched again every `refresh_after_seconds` while the page shows.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { timeText } from '../../utils/format'

Component({
  data: {
    status: 'loading',
    message: '',
    card: null as any,
    joined: '',
    token: '',
    expires: '',
    notMember: false,
  },
  methods: {
    onLoad() {
      ;(this as any)._timer = null
    },
    onShow() {
      return this.load()
    },
    onHide() {
      this.stop()
    },
    onUnload() {
      this.stop()
    },
    onRetry() {
      return this.load()
    },
    stop() {
      const self = this as any
      if (self._timer) clearTimeout(self._timer)
      self._timer = null
    },
    async load() {
      this.stop()
      if (!this.data.card) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const card = await api.get('/me/card')
        this.setData({
          status: 'ok', card, notMember: false, joined: timeText(card.joined_at).slice(0, 10),
          token: card.token ? card.token.token : '',
          expires: card.token ? timeText(card.token.expires_at) : '',
        })
        if (card.token) {
          ;(this as any)._timer = setTimeout(() => this.load(), card.token.refresh_after_seconds * 1000)
        }
      } catch (e) {
        const notMember = e instanceof api.ApiError && e.code === 'not_a_member'
        this.setData({ status: notMember ? 'empty' : 'error', message: api.errorMessage(e), notMember })
      }
    },
    onJoin() {
      wx.navigateTo({ url: '/pages/join/index' })
    },
  },
})
