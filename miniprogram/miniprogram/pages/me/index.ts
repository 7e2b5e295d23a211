// 我的: who is logged in. Profile editing, consents, messages… build on this page.
import * as api from '../../utils/api'
import { ensureLogin, refreshMe } from '../../utils/auth'

Component({
  data: { status: 'loading', message: '', nickname: '', phoneText: '' },
  methods: {
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      try {
        await ensureLogin()
        const me = await refreshMe()
        this.setData({
          status: 'ok',
          nickname: me.display_name || me.nickname || '微信用户',
          phoneText: me.phone ? `手机号 ${me.phone}` : '未绑定手机号',
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
  },
})
