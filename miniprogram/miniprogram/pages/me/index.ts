// 我的: picture (chooseAvatar → POST /files → PATCH /me) and nickname (<input type="nickname">
// in a <form>), phone binding (getPhoneNumber → /auth/phone), my membership, messages with the
// unread badge (also on the tab), and the entry to consents, data export and cancellation.
import * as api from '../../utils/api'
import { ensureLogin, logout, refreshMe, User } from '../../utils/auth'
import { confirm } from '../../utils/page'
import { installPrivacyListener } from '../../utils/privacy'
import { STATUS_THEMES } from '../../utils/membership'
import { refreshUnread, showTabBadge } from '../../utils/unread'

Component({
  data: {
    status: 'loading',
    message: '',
    nickname: '',
    avatarUrl: '',
    phoneText: '',
    hasPhone: false,
    editingName: false,
    savingName: false,
    uploading: false,
    profileError: '',
    phoneError: '',
    binding: false,
    membershipText: '',
    membershipTheme: 'default',
    membershipId: 0,
    membershipStatus: 'none',
    unread: 0,
    roles: [] as string[],
    loggedOut: false,
    loggingOut: false,
  },
  methods: {
    onLoad() {
      installPrivacyListener()
      ;(this as any)._name = api.action()
      ;(this as any)._avatar = api.action()
      ;(this as any)._phone = api.action()
    },
    onShow() {
      if (this.data.loggedOut) return undefined // stays logged out until 登录 is tapped
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      if (!this.data.nickname) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const me = await refreshMe()
        this.showMe(me)
        const unread = await refreshUnread()
        this.setData({ unread })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    showMe(me: User) {
      const m = me.membership || { status: 'none', status_label: '未入会' }
      const membershipText = m.status === 'approved' ? `已入会 · ${m.org ? m.org.name : ''}`
        : m.status === 'pending' ? `${m.status_label} · ${m.org ? m.org.name : ''}` : m.status_label
      this.setData({
        status: 'ok',
        nickname: me.display_name || me.nickname || '微信用户',
        avatarUrl: me.avatar_url || '',
        phoneText: me.phone ? `手机号 ${me.phone}` : '未绑定手机号',
        hasPhone: !!me.phone,
        membershipText,
        membershipTheme: STATUS_THEMES[m.status] || 'default',
        membershipId: m.id || 0,
        membershipStatus: m.status,
        roles: (me.roles || []).map((r: any) => `${r.org_name} · ${r.role_label}`),
      })
    },

    // ---- picture ----
    async onChooseAvatar(e: any) {
      const path = e && e.detail && e.detail.avatarUrl
      if (!path) return
      const run = (this as any)._avatar as api.Action<any>
      if (run.running) return
      this.setData({ uploading: true, profileError: '' })
      try {
        const me = await run.run(async (key) => {
          const file = await api.upload<{ id: number }>('/files', path, { idempotencyKey: key })
          return api.patch('/me', { avatar_file_id: file.id }, { idempotencyKey: key + '-me' })
        })
        wx.setStorageSync('gh.user', me)
        this.showMe(me)
        wx.showToast({ title: '头像已更新', icon: 'success' })
      } catch (err) {
        this.setData({ profileError: api.errorMessage(err) })
      } finally {
        this.setData({ uploading: false })
      }
    },

    // ---- nickname ----
    onEditName() {
      this.setData({ editingName: true, profileError: '' })
    },
    onCancelName() {
      this.setData({ editingName: false, profileError: '' })
    },
    async onNicknameSubmit(e: any) {
      const nickname = String((e.detail && e.detail.value && e.detail.value.nickname) || '').trim()
      if (!nickname) {
        this.setData({ profileError: '请输入昵称' })
        return
      }
      const run = (this as any)._name as api.Action<any>
      if (run.running) return
      this.setData({ savingName: true, profileError: '' })
      try {
        const me = await run.run((key) => api.patch('/me', { nickname }, { idempotencyKey: key }))
        wx.setStorageSync('gh.user', me)
        this.showMe(me)
        this.setData({ editingName: false })
        wx.showToast({ title: '昵称已更新', icon: 'success' })
      } catch (err) {
        this.setData({ profileError: api.errorMessage(err) })
      } finally {
        this.setData({ savingName: false })
      }
    },

    // ---- phone ----
    async onGetPhone(e: any) {
      const code = e && e.detail && e.detail.code
      if (!code) {
        // refused or not available (no AppID, old WeChat): nothing was sent
        this.setData({ phoneError: '未获取到手机号，可稍后再绑定' })
        return
      }
      const run = (this as any)._phone as api.Action<any>
      if (run.running) return
      this.setData({ binding: true, phoneError: '' })
      try {
        const me = await run.run((key) => api.post('/auth/phone', { code }, { idempotencyKey: key }))
        wx.setStorageSync('gh.user', me)
        this.showMe(me)
        wx.showToast({ title: '手机号已绑定', icon: 'success' })
      } catch (err) {
        this.setData({ phoneError: api.errorMessage(err) })
      } finally {
        this.setData({ binding: false })
      }
    },

    // ---- entries ----
    onMembership() {
      const s = this.data.membershipStatus
      if ((s === 'pending' || s === 'approved' || s === 'rejected') && this.data.membershipId) {
        wx.navigateTo({ url: `/pages/members/detail?id=${this.data.membershipId}` })
      } else {
        wx.navigateTo({ url: '/pages/join/index' })
      }
    },
    onMessages() {
      wx.navigateTo({ url: '/pages/me/messages/index' })
    },
    onPrivacy() {
      wx.navigateTo({ url: '/pages/me/privacy/index' })
    },

    // ---- logout ----
    async onLogout() {
      if (this.data.loggingOut) return
      if (!(await confirm('退出登录', '退出后，这台手机上的登录信息、未提交的表单草稿和缓存的数据都会清除。确定退出吗？', '退出'))) return
      this.setData({ loggingOut: true })
      await logout()
      this.setData({
        loggingOut: false, loggedOut: true, status: 'ok', nickname: '', avatarUrl: '', phoneText: '', hasPhone: false,
        membershipText: '', membershipId: 0, membershipStatus: 'none', unread: 0, roles: [], editingName: false,
      })
      showTabBadge(0)
    },
    onLogin() {
      this.setData({ loggedOut: false })
      return this.load()
    },
  },
})
