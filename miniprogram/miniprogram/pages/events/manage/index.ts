// 活动管理 (officers: approvers and admins): the events under my unions in any status, and a form
// to create a draft event (POST /events); tap an event to publish, cancel, finish it or mark
// attendance (pages/events/admin).
import * as api from '../../../utils/api'
import { ensureLogin, refreshMe } from '../../../utils/auth'
import { FORM_CHOICE_DATA, emptyForm, eventBody, formMethods, formTime } from '../../../utils/event-form'
import { timeText } from '../../../utils/format'
import { installPrivacyListener } from '../../../utils/privacy'

const MANAGER_ROLES = ['admin', 'approver']
const RECENT_DAYS = 30 // the list starts this many days back: recent sessions still to finish

function row(e: any) {
  return {
    id: e.id, title: e.title, org: e.org.name, kind: e.kind_label, status: e.status_label,
    time: timeText(e.starts_at),
    seats: e.capacity === null ? `已报名 ${e.seats_taken} 人` : `已报名 ${e.seats_taken}/${e.capacity}`,
  }
}

Component({
  data: {
    status: 'loading',
    message: '',
    orgs: [] as { id: number; name: string }[],
    orgId: 0,
    events: [] as any[],
    cursor: '',
    loadingMore: false,
    creating: false,
    f: emptyForm(),
    ...FORM_CHOICE_DATA,
    submitting: false,
    formError: '',
  },
  methods: {
    ...formMethods,
    onLoad() {
      installPrivacyListener()
      ;(this as any)._submit = api.action()
      ;(this as any)._from = formTime(new Date(Date.now() - RECENT_DAYS * 86400 * 1000)).slice(0, 10)
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      if (!this.data.events.length) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const me = await refreshMe()
        const orgs: { id: number; name: string }[] = []
        ;((me as any).roles || []).forEach((r: any) => {
          if (MANAGER_ROLES.indexOf(r.role) >= 0 && !orgs.some((o) => o.id === r.org_id)) orgs.push({ id: r.org_id, name: r.org_name })
        })
        if (!orgs.length) {
          this.setData({ status: 'empty', message: '只有工会干部（审批人或管理员）可以管理活动' })
          return
        }
        const page = await api.get<{ items: any[]; next_cursor: string | null }>('/events', { managed: true, from: (this as any)._from, limit: 30 })
        this.setData({
          cursor: page.next_cursor || '',
          orgs,
          orgId: orgs.some((o) => o.id === this.data.orgId) ? this.data.orgId : orgs[0].id,
          events: page.items.map(row),
          status: 'ok',
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    async onMore() {
      if (!this.data.cursor || this.data.loadingMore) return
      this.setData({ loadingMore: true })
      try {
        const page = await api.get<{ items: any[]; next_cursor: string | null }>('/events', { managed: true, from: (this as any)._from, limit: 30, cursor: this.data.cursor })
        this.setData({ events: this.data.events.concat(page.items.map(row)), cursor: page.next_cursor || '' })
      } catch (e) {
        wx.showToast({ title: api.errorMessage(e), icon: 'none' })
      } finally {
        this.setData({ loadingMore: false })
      }
    },
    onOrg(e: any) {
      this.setData({ orgId: Number(e.currentTarget.dataset.id) })
    },
    onToggleCreate() {
      this.setData({ creating: !this.data.creating, formError: '' })
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/events/admin/index?id=${e.currentTarget.dataset.id}` })
    },
    async onCreate() {
      if (this.data.submitting) return
      const built = eventBody(this.data.f)
      if (built.error) return this.setData({ formError: built.error })
      const body = { org_id: this.data.orgId, ...built.body }
      const submit = (this as any)._submit as api.Action<any>
      this.setData({ submitting: true, formError: '' })
      try {
        const ev = await submit.run((key) => api.post('/events', body, { idempotencyKey: key }))
        this.setData({ creating: false, f: emptyForm() })
        wx.showToast({ title: '已建草稿', icon: 'success' })
        wx.navigateTo({ url: `/pages/events/admin/index?id=${ev.id}` })
        await this.load()
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
