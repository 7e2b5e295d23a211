// Officer: one event to manage (?id=<event id>): publish a draft, cancel with a reason (everyone
// signed up is told), finish it with the headcount of people there without the app, and mark
// attendance for a confirmed person without a phone (with a reason); the venue's check-in code.
import * as api from '../../../utils/api'
import { timeText } from '../../../utils/format'
import { loadInto, runDecision } from '../../../utils/page'

Component({
  data: {
    status: 'loading',
    message: '',
    ev: null as any,
    when: '',
    seats: '',
    speakers: '',
    canPublish: false,
    canCancel: false,
    canFinish: false,
    canMark: false,
    panel: '', // '' | 'cancel' | 'finish' | 'mark'
    cancelReason: '',
    headcount: '',
    markId: 0,
    markName: '',
    markReason: '',
    signups: [] as any[],
    canCode: false,
    codeUrl: '',
    codeError: '',
    codeLoading: false,
    submitting: false,
    formError: '',
    resultText: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._actions = {} // one per operation: a retry reuses its key, another operation has its own
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load(quiet = false) {
      const id = (this as any)._id
      return loadInto(this, async () => {
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个活动。', 404)
        const ev = await api.get(`/events/${id}`)
        const page = ev.status === 'draft' ? { items: [] } : await api.get<{ items: any[] }>(`/events/${id}/signups`, { status: 'confirmed', limit: 100 })
        return { ev, signups: page.items }
      }, ({ ev, signups }) => {
        const started = Date.parse(ev.starts_at) <= Date.now()
        const live = ev.status === 'published'
        const opensAt = ev.checkin_window ? Date.parse(ev.checkin_window.opens_at) : Date.parse(ev.starts_at)
        this.setData({
          ev,
          when: `${timeText(ev.starts_at)} – ${timeText(ev.ends_at)}`,
          seats: ev.capacity === null ? `已报名 ${ev.seats_taken} 人` : `名额 ${ev.capacity} · 已报名 ${ev.seats_taken} · 剩余 ${ev.seats_left}`,
          speakers: ev.speakers.map((s: any) => (s.title ? `${s.name}（${s.title}）` : s.name)).join('、'),
          canPublish: ev.status === 'draft',
          canCancel: ev.status === 'draft' || live,
          canFinish: live && started,
          canMark: live && Date.now() >= opensAt,
          canCode: live && ev.form === 'offline',
          signups: signups.map((s: any) => ({
            id: s.id, name: s.nickname || `报名 #${s.id}`,
            state: s.attended_at ? `已签到（${s.attendance_source_label || ''}${s.attendance_reason ? '：' + s.attendance_reason : ''}）` : '未签到',
            attended: !!s.attended_at,
          })),
        })
      }, { quiet })
    },
    onPanel(e: any) {
      const panel = e.currentTarget.dataset.panel
      this.setData({ panel: this.data.panel === panel ? '' : panel, formError: '' })
    },
    onInput(e: any) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, formError: '' })
    },
    onPickSignup(e: any) {
      const d = e.currentTarget.dataset
      this.setData({ panel: 'mark', markId: Number(d.id), markName: d.name, formError: '' })
    },
    async send(op: string, path: string, body: any, done: string) {
      const actions = (this as any)._actions as Record<string, api.Action<any>>
      await runDecision(this, {
        action: actions[op] || (actions[op] = api.action()), busy: 'submitting', error: 'formError', toast: '已提交',
        send: (key) => api.post(path, body, { idempotencyKey: key }),
        done: () => {
          this.setData({ resultText: done, panel: '', cancelReason: '', headcount: '', markId: 0, markReason: '' })
          return this.load(true)
        },
        reload: () => this.load(true),
      })
    },
    async onCode() {
      if (this.data.codeLoading) return
      this.setData({ codeLoading: true, codeError: '' })
      try {
        this.setData({ codeUrl: await api.imageDataUrl(`/events/${this.data.ev.id}/qrcode`) })
      } catch (e) {
        this.setData({ codeError: api.errorMessage(e) })
      }
      this.setData({ codeLoading: false })
    },
    onPreviewCode() {
      wx.previewImage({ urls: [this.data.codeUrl], current: this.data.codeUrl })
    },
    onPublish() {
      const ev = this.data.ev
      return this.send('publish', `/events/${ev.id}/publish`, { version: ev.version }, '已发布，报名按报名时间开放')
    },
    onCancel() {
      const ev = this.data.ev
      const reason = this.data.cancelReason.trim()
      if (!reason) return this.setData({ formError: '请填写取消原因，已报名的人会收到' })
      return this.send('cancel', `/events/${ev.id}/cancel`, { reason, version: ev.version }, '已取消，已通知报名的人')
    },
    onFinish() {
      const ev = this.data.ev
      const raw = this.data.headcount.trim()
      const n = raw === '' ? 0 : Number(raw)
      if (!Number.isInteger(n) || n < 0) return this.setData({ formError: '现场未用小程序的人数请填 0 或正整数' })
      return this.send('finish', `/events/${ev.id}/finish`, { unregistered_attendance: n, version: ev.version }, `已结束，现场另有 ${n} 人未用小程序签到`)
    },
    onMark() {
      const ev = this.data.ev
      const reason = this.data.markReason.trim()
      if (!reason) return this.setData({ formError: '请填写代签到原因，如 无智能手机' })
      return this.send(`mark-${this.data.markId}`, `/events/${ev.id}/attendance`, { signup_id: this.data.markId, reason }, `已为${this.data.markName}代签到`)
    },
  },
})
