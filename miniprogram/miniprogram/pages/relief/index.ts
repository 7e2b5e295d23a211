// 对口援助 (issue 19): the relief allocations my union gave to other unions and received from
// them, newest first; a tap opens one allocation (its decision, voucher, receipt and report).
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { yuanText } from '../../utils/aid'

const DIRECTIONS = [
  { value: 'received', label: '收到的援助' },
  { value: 'given', label: '给出的援助' },
]

function row(a: any) {
  return { id: a.id, route: `${a.from_org.name} → ${a.to_org.name}`, amount: yuanText(a.amount_fen),
    paid: yuanText(a.paid_fen), status: a.status, status_label: a.status_label, purpose: a.purpose }
}

Component({
  data: {
    status: 'loading',
    message: '',
    directions: DIRECTIONS,
    direction: 'received',
    items: [] as any[],
    next: null as string | null,
    loadingMore: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      const d = query && query.direction
      if (d === 'given' || d === 'received') this.setData({ direction: d })
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      this.setData({ status: this.data.items.length ? 'ok' : 'loading', message: '' })
      try {
        await ensureLogin()
        const page = await api.get('/relief/allocations', { direction: this.data.direction, limit: 20 })
        const items = page.items.map(row)
        this.setData({ items, next: page.next_cursor || null, status: items.length ? 'ok' : 'empty',
          message: items.length ? '' : (this.data.direction === 'given' ? '本工会还没有给出援助' : '本工会还没有收到援助') })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onDirection(e: any) {
      const direction = e.currentTarget.dataset.value as string
      if (direction === this.data.direction) return Promise.resolve()
      this.setData({ direction, items: [], next: null })
      return this.load()
    },
    async onMore() {
      if (!this.data.next || this.data.loadingMore) return
      this.setData({ loadingMore: true })
      try {
        const page = await api.get('/relief/allocations', { direction: this.data.direction, limit: 20, cursor: this.data.next })
        this.setData({ items: this.data.items.concat(page.items.map(row)), next: page.next_cursor || null })
      } catch (e) {
        wx.showToast({ title: api.errorMessage(e), icon: 'none' })
      } finally {
        this.setData({ loadingMore: false })
      }
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/relief/allocation?id=${e.currentTarget.dataset.id}` })
    },
  },
})
