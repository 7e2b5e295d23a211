// 揭榜挂帅: the list per level (县级 / 乡镇 / 村级 tabs), newest first, with "只看可揭榜" and paging.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { LEVELS, yuanText } from '../../utils/projects'

function card(p: any) {
  return {
    id: p.id,
    title: p.title,
    org: p.org.name,
    status: p.status,
    statusLabel: p.status_label,
    category: p.category_label,
    budget: yuanText(p.budget_fen),
    deadline: p.status === 'published' ? `揭榜截止 ${p.bid_deadline}` : `完成期限 ${p.due_date}`,
    mine: p.my_bid ? `我的揭榜：${p.my_bid.status_label}` : '',
  }
}

Component({
  data: {
    levels: LEVELS,
    level: 'county',
    openOnly: false,
    status: 'loading',
    message: '',
    items: [] as any[],
    nextCursor: null as string | null,
    loadingMore: false,
    moreError: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      const level = query && query.level
      if (level && LEVELS.some((l) => l.key === level)) this.setData({ level })
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    onReachBottom() {
      return this.loadMore()
    },
    query(cursor?: string | null) {
      return { level: this.data.level, status: this.data.openOnly ? 'published' : null, limit: 20, cursor: cursor || null }
    },
    async load() {
      this.setData({ status: 'loading', message: '', items: [], nextCursor: null, moreError: '' })
      try {
        await ensureLogin()
        const page = await api.get('/projects', this.query())
        this.setData({
          status: page.items.length ? 'ok' : 'empty',
          message: page.items.length ? '' : this.data.openOnly ? '这一级暂时没有可揭榜的项目' : '这一级暂时没有项目',
          items: page.items.map(card),
          nextCursor: page.next_cursor,
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    async loadMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return
      this.setData({ loadingMore: true, moreError: '' })
      try {
        const page = await api.get('/projects', this.query(this.data.nextCursor))
        this.setData({ items: this.data.items.concat(page.items.map(card)), nextCursor: page.next_cursor })
      } catch (e) {
        this.setData({ moreError: api.errorMessage(e) })
      } finally {
        this.setData({ loadingMore: false })
      }
    },
    onTab(e: any) {
      const level = e.currentTarget.dataset.level
      if (level === this.data.level) return
      this.setData({ level })
      return this.load()
    },
    onOpenOnly() {
      this.setData({ openOnly: !this.data.openOnly })
      return this.load()
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/projects/detail/index?id=${e.currentTarget.dataset.id}` })
    },
    onMyBids() {
      wx.navigateTo({ url: '/pages/projects/my-bids/index' })
    },
  },
})
