// 消息: in-app messages, newest first (whether or not WeChat delivered them); tapping one marks
// it read and opens the page it links to; 全部已读. The unread count follows on the 我的 tab.
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { timeText } from '../../../utils/format'
import { showTabBadge } from '../../../utils/unread'

interface Row {
  id: number
  title: string
  body: string
  page: string
  unread: boolean
  time: string
}

function row(m: any): Row {
  return { id: m.id, title: m.title, body: m.body, page: m.page || '', unread: !m.read_at, time: timeText(m.created_at) }
}

Component({
  data: {
    status: 'loading',
    message: '',
    items: [] as Row[],
    unread: 0,
    nextCursor: null as string | null,
    loadingMore: false,
    actionError: '',
  },
  methods: {
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },
    async load() {
      if (!this.data.items.length) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const page = await api.get<{ items: any[]; next_cursor: string | null; unread: number }>('/me/messages', { limit: 20 })
        const items = page.items.map(row)
        this.setData({ status: items.length ? 'ok' : 'empty', message: items.length ? '' : '暂无消息', items, unread: page.unread, nextCursor: page.next_cursor })
        showTabBadge(page.unread)
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    async onReachBottom() {
      if (!this.data.nextCursor || this.data.loadingMore) return
      this.setData({ loadingMore: true })
      try {
        const page = await api.get<{ items: any[]; next_cursor: string | null; unread: number }>('/me/messages', { limit: 20, cursor: this.data.nextCursor })
        this.setData({ items: this.data.items.concat(page.items.map(row)), nextCursor: page.next_cursor })
      } catch (e) {
        this.setData({ actionError: api.errorMessage(e) })
      } finally {
        this.setData({ loadingMore: false })
      }
    },
    async onOpen(e: any) {
      const id = Number(e.currentTarget.dataset.id)
      const i = this.data.items.findIndex((m) => m.id === id)
      if (i < 0) return
      const m = this.data.items[i]
      if (m.unread) {
        try {
          const res = await api.post<{ unread: number }>(`/me/messages/${id}/read`)
          this.setData({ [`items[${i}].unread`]: false, unread: res.unread, actionError: '' })
          showTabBadge(res.unread)
        } catch (err) {
          this.setData({ actionError: api.errorMessage(err) })
        }
      }
      if (m.page) wx.navigateTo({ url: '/' + m.page.replace(/^\//, '') })
    },
    async onReadAll() {
      try {
        const res = await api.post<{ unread: number }>('/me/messages/read-all')
        this.setData({ items: this.data.items.map((m) => Object.assign({}, m, { unread: false })), unread: res.unread, actionError: '' })
        showTabBadge(res.unread)
      } catch (err) {
        this.setData({ actionError: api.errorMessage(err) })
      }
    },
  },
})
