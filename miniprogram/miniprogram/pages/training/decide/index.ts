// Officer: decide a 点单 training request (to-do kind training_request → ?id=<request id>):
// accept and schedule (POST …/decisions action schedule with the event to create, linked to the
// request) or decline with a reason; the requester is told either way.
import * as api from '../../../utils/api'
import { FORM_CHOICE_DATA, emptyForm, eventBody, formMethods } from '../../../utils/event-form'
import { timeText } from '../../../utils/format'
import { loadInto, runDecision } from '../../../utils/page'
import { installPrivacyListener } from '../../../utils/privacy'

Component({
  data: {
    status: 'loading',
    message: '',
    r: null as any,
    dates: '',
    time: '',
    decidable: false,
    mode: 'schedule',
    f: emptyForm(),
    ...FORM_CHOICE_DATA,
    reason: '',
    submitting: false,
    formError: '',
    resultText: '',
    eventId: 0,
  },
  methods: {
    ...formMethods,
    onLoad(query: Record<string, string>) {
      installPrivacyListener()
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._actions = { schedule: api.action(), decline: api.action() } // one key per choice
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load(quiet = false) {
      const id = (this as any)._id
      return loadInto(this, () => {
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个点单。', 404)
        return api.get(`/training-requests/${id}`)
      }, (r) => {
        const first = r.preferred_dates && r.preferred_dates[0]
        this.setData({
          r,
          dates: (r.preferred_dates || []).join('、') || '未指定',
          time: timeText(r.created_at),
          decidable: r.status === 'submitted',
          eventId: r.event_id || 0,
          status: 'ok',
        })
        if (!quiet) {
          this.setData({
            f: emptyForm({
              kind: 'class', title: r.topic, series: r.series || '', venue: r.place, address: r.place,
              capacity: String(r.expected_participants), audience: 'everyone',
              starts: first ? `${first} 09:00` : '', ends: first ? `${first} 11:30` : '',
              closes: first ? `${first} 08:00` : '',
            }),
          })
        }
      }, { quiet })
    },
    onMode(e: any) {
      this.setData({ mode: e.currentTarget.dataset.mode, formError: '' })
    },
    onReason(e: any) {
      this.setData({ reason: e.detail.value, formError: '' })
    },
    async onSubmit() {
      if (this.data.submitting) return
      const r = this.data.r
      let body: any
      if (this.data.mode === 'decline') {
        if (!this.data.reason.trim()) return this.setData({ formError: '请填写不予安排的原因，点单人会看到' })
        body = { action: 'decline', reason: this.data.reason.trim(), version: r.version }
      } else {
        const built = eventBody(this.data.f)
        if (built.error) return this.setData({ formError: built.error })
        body = { action: 'schedule', event: built.body, version: r.version }
      }
      await runDecision(this, {
        action: ((this as any)._actions as Record<string, api.Action<any>>)[this.data.mode],
        busy: 'submitting', error: 'formError', toast: '已提交',
        send: (key) => api.post(`/training-requests/${r.id}/decisions`, body, { idempotencyKey: key }),
        done: (done) => {
          this.setData({
            resultText: body.action === 'decline' ? '已答复不予安排，点单人会收到原因' : '已安排：活动已建为草稿，去活动管理发布',
            eventId: done.event_id || 0,
          })
          return this.load(true)
        },
        reload: () => this.load(true),
      })
    },
    onOpenEvent() {
      wx.navigateTo({ url: `/pages/events/admin/index?id=${this.data.eventId}` })
    },
  },
})
