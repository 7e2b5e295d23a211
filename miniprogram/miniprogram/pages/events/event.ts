// One event: time, place (导航 with wx.openLocation) or online links, speakers, seats left and my
// sign-up; 报名 (confirmed or a waitlist place), 取消报名 (the first waitlisted is promoted), 扫码签到
// with the venue's code, or opened from that code (onLoad({scene})); watching an online event
// counts once a day (the link is shown to copy); the rating after it.
import * as api from '../../utils/api'
import { seatsText } from '../../utils/events'
import { timeText } from '../../utils/format'
import { installPrivacyListener } from '../../utils/privacy'
import { eventCodeOf, scanScene, sceneOfQuery, targetOf } from '../../utils/scene'

function stateText(e: any): string {
  const mine = e.my_signup
  if (!mine) return ''
  if (mine.attended_at) return `已签到（${timeText(mine.attended_at)}）`
  if (mine.status === 'confirmed') return mine.promoted_at ? '候补成功，已报名' : '已报名'
  return `候补中：第 ${mine.position} 位`
}

Component({
  data: {
    status: 'loading',
    message: '',
    event: null as any,
    time: '',
    seats: '',
    state: '',
    speakers: [] as any[],
    canSignUp: false,
    canCancel: false,
    busy: false,
    resultText: '',
    errorText: '',
    rating: 0,
  },
  methods: {
    async onLoad(query: Record<string, string>) {
      installPrivacyListener()
      ;(this as any)._signup = api.action()
      ;(this as any)._query = query || {}
      await this.load()
      const scene = sceneOfQuery(query)
      if (scene && this.data.event) await this.checkIn(scene)
    },
    onRetry() {
      return this.load()
    },

    async load() {
      const q = (this as any)._query as Record<string, string>
      this.setData({ status: this.data.event ? 'ok' : 'loading', message: '' })
      try {
        const t = targetOf(q, eventCodeOf, { notOurs: '这个码不是活动的签到码。', missing: '没有找到这个活动。' })
        const event = await api.get('id' in t ? `/events/${encodeURIComponent(t.id)}` : `/events/by-code/${encodeURIComponent(t.code)}`)
        this.show(event)
        this.setData({ status: 'ok' })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },

    show(e: any) {
      const end = timeText(e.ends_at).slice(11)
      const mine = e.my_signup
      const open = e.status === 'published'
      this.setData({
        event: e,
        time: `${timeText(e.starts_at)} – ${end}`,
        seats: seatsText(Object.assign({}, e, { my_signup: null })), // availability; mine is `state`
        state: stateText(e),
        speakers: (e.speakers || []).map((s: any) => ({
          name: s.name, title: s.title || '', sessions: s.sessions ? `已主讲 ${s.sessions} 场` : '',
        })),
        canSignUp: open && !mine,
        canCancel: open && !!mine,
      })
    },

    async reload() {
      const e = await api.get(`/events/${this.data.event.id}`)
      this.show(e)
    },

    async onSignUp() {
      const run = (this as any)._signup as api.Action<any>
      this.setData({ busy: true, errorText: '', resultText: '' })
      try {
        const s = await run.run((key) => api.post(`/events/${this.data.event.id}/signups`, undefined, { idempotencyKey: key }))
        this.setData({ resultText: s.status === 'confirmed' ? '报名成功' : `名额已满，已进入候补，第 ${s.position} 位` })
        await this.reload()
      } catch (e) {
        this.setData({ errorText: api.errorMessage(e) })
      } finally {
        this.setData({ busy: false })
      }
    },

    onCancel() {
      wx.showModal({
        title: '取消报名',
        content: '取消后名额会让给候补的人，确定取消吗？',
        success: async (res) => {
          if (!res.confirm) return
          this.setData({ busy: true, errorText: '', resultText: '' })
          try {
            const e = await api.del(`/events/${this.data.event.id}/signups/mine`)
            this.show(e)
            this.setData({ resultText: '已取消报名' })
          } catch (err) {
            this.setData({ errorText: api.errorMessage(err) })
          } finally {
            this.setData({ busy: false })
          }
        },
      })
    },

    onNavigate() {
      const e = this.data.event
      if (!e || !e.links) return
      const o = e.links.open_location
      wx.openLocation({ latitude: o.latitude, longitude: o.longitude, name: o.name, address: o.address, scale: o.scale })
    },

    async onScan() {
      const scene = await scanScene()
      if (scene === undefined) return // cancelled
      if (!scene || !eventCodeOf(scene)) {
        this.setData({ errorText: '这不是活动的签到码，请扫描活动现场展示的小程序码。', resultText: '' })
        return
      }
      await this.checkIn(scene)
    },

    async checkIn(scene: string) {
      try {
        await api.post(`/events/${this.data.event.id}/checkins`, { scene })
        this.setData({ errorText: '', resultText: '签到成功，欢迎参加' })
        await this.reload()
      } catch (e) {
        this.setData({ resultText: '', errorText: api.errorMessage(e) })
      }
    },

    async onWatch() {
      const e = this.data.event
      try {
        const res = await api.post(`/events/${e.id}/views`)
        this.setData({ errorText: '', resultText: `长按复制下方链接观看（累计观看 ${res.views} 人次）` })
      } catch (err) {
        this.setData({ resultText: '', errorText: api.errorMessage(err) })
      }
    },

    async onRate(ev: any) {
      const rating = Number(ev.currentTarget.dataset.value)
      try {
        await api.post(`/events/${this.data.event.id}/rating`, { rating })
        this.setData({ rating, errorText: '', resultText: '感谢你的评价' })
      } catch (e) {
        this.setData({ resultText: '', errorText: api.errorMessage(e) })
      }
    },
  },
})
