// 宣讲培训: open lectures, classes and trainings, soonest first, with seats left and my state;
// filter by kind; tap a card for the event.
import * as api from '../../utils/api'
import { seatsText } from '../../utils/events'
import { timeText } from '../../utils/format'
import { installPrivacyListener } from '../../utils/privacy'

export const KIND_CHIPS = [
  { key: '', label: '全部' },
  { key: 'lecture', label: '宣讲' },
  { key: 'class', label: '大讲堂' },
  { key: 'training', label: '技能培训' },
]

function card(e: any) {
  return {
    id: e.id,
    title: e.title,
    kind: e.kind_label,
    time: timeText(e.starts_at),
    place: e.form === 'online' ? '线上' : `${e.venue_name || ''}`,
    speakers: (e.speakers || []).map((s: any) => s.name).join('、'),
    seats: seatsText(e),
  }
}

Component({
  data: { status: 'loading', message: '', kind: '', chips: KIND_CHIPS, items: [] as any[], next: null as string | null },
  methods: {
    onLoad() {
      installPrivacyListener()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      this.setData({ status: 'loading', message: '' })
      try {
        const page = await api.get('/events', { kind: this.data.kind, limit: 20 })
        this.setData({
          status: page.items.length ? 'ok' : 'empty',
          message: page.items.length ? '' : '近期没有可报名的活动',
          items: page.items.map(card),
          next: page.next_cursor,
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    async onMore() {
      if (!this.data.next) return
      try {
        const page = await api.get('/events', { kind: this.data.kind, limit: 20, cursor: this.data.next })
        this.setData({ items: this.data.items.concat(page.items.map(card)), next: page.next_cursor })
      } catch (e) {
        wx.showToast({ title: api.errorMessage(e), icon: 'none' })
      }
    },
    onKind(e: any) {
      this.setData({ kind: e.currentTarget.dataset.kind })
      return this.load()
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/events/event?id=${e.currentTarget.dataset.id}` })
    },
  },
})
