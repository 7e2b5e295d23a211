// 点单培训: a member (or an enterprise union officer) asks the county union for a training topic —
// picked from the union's menu or typed — and follows the answer (scheduled / declined / delivered).
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { installPrivacyListener } from '../../utils/privacy'

Component({
  data: {
    status: 'loading',
    message: '',
    orgId: 0,
    orgName: '',
    deciderName: '',
    menu: [] as any[],
    topic: '',
    participants: '',
    date: '',
    place: '',
    submitting: false,
    formError: '',
    requests: [] as any[],
  },
  methods: {
    async onLoad() {
      installPrivacyListener()
      ;(this as any)._submit = api.action()
      await this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const memberships = await api.get('/me/memberships', { limit: 20 })
        const member = memberships.items.find((m: any) => m.status === 'approved')
        if (!member) {
          this.setData({ status: 'empty', message: '点单培训由会员或工会干部提出，请先申请入会。' })
          return
        }
        const menu = await api.get('/training-requests/menu', { org_id: member.org_id })
        this.setData({ orgId: member.org_id, orgName: member.org ? member.org.name : '', deciderName: menu.decider_org.name, menu: menu.items })
        await this.loadMine()
        this.setData({ status: 'ok' })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    async loadMine() {
      const page = await api.get('/training-requests', { mine: true, limit: 20 })
      this.setData({
        requests: page.items.map((r: any) => ({
          id: r.id, topic: r.topic, status: r.status_label, reason: r.decision_reason || '', time: timeText(r.created_at),
        })),
      })
    },
    onPick(e: any) {
      this.setData({ topic: e.currentTarget.dataset.topic, formError: '' })
    },
    onInput(e: any) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
    },
    async onSubmit() {
      const d = this.data
      if (!d.topic.trim() || !d.place.trim() || !d.date.trim() || !d.participants.trim()) {
        this.setData({ formError: '请填写主题、人数、希望日期和地点' })
        return
      }
      const body = {
        org_id: d.orgId, topic: d.topic.trim(), expected_participants: Number(d.participants),
        preferred_dates: [d.date.trim()], place: d.place.trim(),
      }
      const submit = (this as any)._submit as api.Action<any>
      this.setData({ submitting: true, formError: '' })
      try {
        await submit.run((key) => api.post('/training-requests', body, { idempotencyKey: key }))
        this.setData({ topic: '', participants: '', date: '', place: '' })
        wx.showToast({ title: '已提交', icon: 'success' })
        await this.loadMine()
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
