// Station: details, photos, rating and feedback with the officers' answers; 导航 with
// wx.openLocation; check-in by scanning the sign (wx.scanCode) or by opening the page from it
// (onLoad({scene})); rating after a visit.
import * as api from '../../utils/api'
import { apiUrl } from '../../utils/config'
import { ratingText, timeText } from '../../utils/format'
import { installPrivacyListener } from '../../utils/privacy'
import { scanScene, sceneOfQuery, stationCodeOf, targetOf } from '../../utils/scene'

const DAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']
const DAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']

function hoursLines(hours: Record<string, any> | null | undefined): string[] {
  // {"always": true} | {"weekly": {"mon": [["08:00", "20:00"]]}, "closed_dates": [...]} | {}
  if (!hours) return []
  if (hours.always) return ['全天 24 小时开放']
  const weekly = hours.weekly || {}
  if (!Object.keys(weekly).length) return ['营业时间未知']
  return DAY_KEYS.map((k, i) => {
    const ranges: string[][] = weekly[k] || []
    return `${DAYS[i]}：${ranges.length ? ranges.map((r) => r.join('–')).join('、') : '休息'}`
  })
}

Component({
  data: {
    status: 'loading',
    message: '',
    station: null as any,
    photos: [] as any[],
    openText: '',
    openTheme: 'default',
    ratingText: '',
    servicesText: '',
    hours: [] as string[],
    feedback: [] as any[],
    rating: 0,
    text: '',
    submitting: false,
    formError: '',
    checkinText: '',
    checkinError: '',
  },
  methods: {
    async onLoad(query: Record<string, string>) {
      installPrivacyListener()
      ;(this as any)._submit = api.action()
      ;(this as any)._query = query || {}
      await this.load()
      const scene = sceneOfQuery(query)
      if (scene && this.data.station) await this.checkIn(scene)
    },
    onRetry() {
      return this.load()
    },

    async load() {
      const q = (this as any)._query as Record<string, string>
      this.setData({ status: 'loading', message: '' })
      try {
        const t = targetOf(q, stationCodeOf, { notOurs: '这个码不是服务站的签到码。', missing: '没有找到这个服务站。' })
        const station = await api.get('id' in t ? `/stations/${encodeURIComponent(t.id)}` : `/stations/by-code/${encodeURIComponent(t.code)}`)
        this.showStation(station)
        await this.loadFeedback()
        this.setData({ status: 'ok' })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },

    showStation(s: any) {
      this.setData({
        station: s,
        photos: (s.photos || []).map((p: any) => ({ id: p.id, src: apiUrl(p.url) })),
        openText: !s.hours_known ? '营业时间未知' : s.open_now ? '营业中' : '休息中',
        openTheme: s.hours_known && s.open_now ? 'success' : 'default',
        ratingText: ratingText(s.rating, s.rating_count),
        servicesText: (s.service_labels || []).join(' · '),
        hours: hoursLines(s.opening_hours),
      })
    },

    async loadFeedback() {
      const page = await api.get(`/stations/${this.data.station.id}/feedback`, { limit: 20 })
      this.setData({
        feedback: page.items.map((f: any) => ({
          id: f.id, text: f.text, answer: f.answer, time: timeText(f.created_at),
          stars: '★★★★★'.slice(0, f.rating) + '☆☆☆☆☆'.slice(0, 5 - f.rating),
        })),
      })
    },

    onNavigate() {
      const s = this.data.station
      if (!s) return
      wx.openLocation({
        latitude: s.location.lat, longitude: s.location.lng, name: s.name, address: s.address, scale: 18,
      })
    },

    async onScan() {
      const scene = await scanScene()
      if (scene === undefined) return // cancelled
      if (!scene) {
        this.setData({ checkinError: '这不是服务站的签到码，请扫描服务站门口的小程序码。', checkinText: '' })
        return
      }
      await this.checkIn(scene)
    },

    async checkIn(scene: string) {
      const s = this.data.station
      try {
        const res = await api.post(`/stations/${s.id}/checkins`, { scene })
        this.setData({
          checkinError: '',
          checkinText: res.counted ? `签到成功，今天第 ${res.visits_today} 人次来访` : '10 分钟内已签到过，欢迎再来',
        })
      } catch (e) {
        this.setData({ checkinText: '', checkinError: api.errorMessage(e) })
      }
    },

    onStar(e: any) {
      this.setData({ rating: Number(e.currentTarget.dataset.value), formError: '' })
    },
    onText(e: any) {
      this.setData({ text: e.detail.value })
    },

    async onSubmit() {
      const submit = (this as any)._submit as api.Action<any>
      if (!this.data.rating) {
        this.setData({ formError: '请先点星星打分' })
        return
      }
      const body = { rating: this.data.rating, text: this.data.text.trim() || null }
      this.setData({ submitting: true, formError: '' })
      try {
        await submit.run((key) => api.post(`/stations/${this.data.station.id}/feedback`, body, { idempotencyKey: key }))
        this.setData({ rating: 0, text: '' })
        wx.showToast({ title: '感谢你的评价', icon: 'success' })
        const station = await api.get(`/stations/${this.data.station.id}`)
        this.showStation(station)
        await this.loadFeedback()
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
