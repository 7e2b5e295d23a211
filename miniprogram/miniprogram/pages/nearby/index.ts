// 附近 (home): the nearest stations to the worker's position, list or map, filters, cached for a
// weak signal.
import * as api from '../../utils/api'
import { distanceText, timeText, walkText } from '../../utils/format'
import { installPrivacyListener } from '../../utils/privacy'

const RADIUS_M = 1000
const CHIPS = [
  { code: 'drinking_water', label: '饮用水' },
  { code: 'toilet', label: '卫生间' },
  { code: 'phone_charging', label: '手机充电' },
  { code: 'hot_water', label: '热水' },
  { code: 'microwave', label: '微波炉' },
  { code: 'rest_seats', label: '休息座椅' },
  { code: 'ebike_charging', label: '电动车充电' },
]

interface NearbyItem {
  id: number
  name: string
  address: string
  distance_m: number
  walk_minutes: number
  open_now: boolean | null
  hours_known: boolean
  today_hours: string
  services: { code: string; label: string }[]
  open_location: { latitude: number; longitude: number; name: string; address: string; scale: number }
}

interface NearbyResult {
  items: NearbyItem[]
  radius_m: number
  nearest_outside: NearbyItem | null
}

function card(item: NearbyItem) {
  const openText = !item.hours_known ? '时间未知' : item.open_now ? '营业中' : '休息中'
  return Object.assign({}, item, {
    openText,
    openTheme: item.open_now && item.hours_known ? 'success' : 'default',
    distanceText: distanceText(item.distance_m),
    walkText: walkText(item.walk_minutes),
    servicesText: item.services.map((s) => s.label).join(' · '),
  })
}

Component({
  data: {
    status: 'loading',
    message: '',
    hint: '',
    mode: 'list',
    chips: CHIPS.map((c) => Object.assign({ on: false }, c)),
    openNow: false,
    cards: [] as any[],
    nearest: null as any,
    stale: false,
    staleTime: '',
    summary: '',
    radiusText: '1 公里',
    center: { latitude: 0, longitude: 0 },
    markers: [] as any[],
    points: [] as any[],
  },
  methods: {
    onLoad() {
      installPrivacyListener()
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    onRetry() {
      return this.load()
    },
    onToggleService(e: any) {
      const code = e.currentTarget.dataset.code
      this.setData({ chips: this.data.chips.map((c: any) => (c.code === code ? Object.assign({}, c, { on: !c.on }) : c)) })
      return this.search()
    },
    onToggleOpen() {
      this.setData({ openNow: !this.data.openNow })
      return this.search()
    },
    onToggleView() {
      this.setData({ mode: this.data.mode === 'list' ? 'map' : 'list' })
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/station/index?id=${e.currentTarget.dataset.id}` })
    },
    onMarkerTap(e: any) {
      wx.navigateTo({ url: `/pages/station/index?id=${e.detail.markerId}` })
    },

    async load(): Promise<void> {
      this.setData({ status: 'loading', message: '' })
      const pos = await new Promise<WechatMiniprogram.GetLocationSuccessCallbackResult | null>((resolve) =>
        wx.getLocation({ type: 'gcj02', success: resolve, fail: () => resolve(null) })
      )
      if (!pos) {
        this.setData({
          status: 'denied',
          hint: '无法获取你的位置。请在右上角“…”→“设置”中允许使用位置信息，然后点“重新定位”。',
        })
        return
      }
      this.setData({ center: { latitude: pos.latitude, longitude: pos.longitude } })
      return this.search()
    },

    async search(): Promise<void> {
      const { center } = this.data
      if (!center.latitude && !center.longitude) return this.load()
      const services = this.data.chips.filter((c: any) => c.on).map((c: any) => c.code)
      this.setData({ status: 'loading' })
      try {
        const res = await api.getCached<NearbyResult>('/stations/nearby', {
          lat: center.latitude, lng: center.longitude, coord: 'gcj02', radius: RADIUS_M, limit: 20,
          services, open_now: this.data.openNow ? 'true' : undefined,
        }, 'nearby')
        this.show(res.data, res.stale, res.savedAt)
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },

    show(data: NearbyResult, stale: boolean, savedAt: number) {
      const cards = data.items.map(card)
      const nearest = !cards.length && data.nearest_outside ? card(data.nearest_outside) : null
      const shown = cards.length ? cards : nearest ? [nearest] : []
      const markers = shown.map((c) => ({
        id: c.id, latitude: c.open_location.latitude, longitude: c.open_location.longitude,
        width: 30, height: 30, callout: { content: c.name, display: 'BYCLICK', padding: 6, borderRadius: 6 },
      }))
      this.setData({
        status: 'ok',
        cards,
        nearest,
        markers,
        points: markers.map((m) => ({ latitude: m.latitude, longitude: m.longitude })),
        stale,
        staleTime: stale ? timeText(new Date(savedAt + 8 * 3600 * 1000).toISOString().replace('Z', '+08:00')) : '',
        radiusText: data.radius_m >= 1000 ? `${data.radius_m / 1000} 公里` : `${data.radius_m} 米`,
        summary: cards.length ? `${data.radius_m >= 1000 ? data.radius_m / 1000 + ' 公里' : data.radius_m + ' 米'}内 ${cards.length} 个服务站` : '',
      })
    },
  },
})
