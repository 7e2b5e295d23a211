// 申请入会: the consent screen (the data kinds the membership policy names, from the API), the
// real-name form (ID number checked here for format, by the server for truth), then the status
// page of the application. A person with a pending or approved application sees its status.
import * as api from '../../utils/api'
import { ensureLogin, refreshMe } from '../../utils/auth'
import { idNumberProblem, normaliseIdNumber } from '../../utils/idcard'
import { INDUSTRIES, MEMBERSHIP_EVENTS, STATUS_THEMES } from '../../utils/membership'
import { askSubscribe, prepareSubscribe } from '../../utils/subscribe'

const PURPOSE = 'membership'
const FIELDS = ['real_name', 'id_number', 'phone', 'employer', 'occupation'] as const
type Field = (typeof FIELDS)[number]

interface OrgRow {
  id: number
  name: string
  pathText: string
  has_children: boolean
}

Component({
  data: {
    status: 'loading',
    message: '',
    step: 'consent', // consent | form | live
    live: null as any, // the live application from /me: {status, status_label, id, org}
    liveTheme: 'default',
    policy: null as any,
    kinds: [] as { kind: string; label: string }[],
    agreed: false,
    consenting: false,
    consentError: '',
    // form
    form: { real_name: '', id_number: '', phone: '', employer: '', occupation: '' } as Record<Field, string>,
    errors: {} as Record<string, string>,
    industries: INDUSTRIES,
    industryIndex: -1,
    industryText: '',
    orgQuery: '',
    orgs: [] as OrgRow[],
    orgTrail: [] as { id: number; name: string }[],
    orgLoading: false,
    orgError: '',
    org: null as { id: number; name: string; pathText: string } | null,
    submitting: false,
    formError: '',
  },
  methods: {
    onLoad() {
      ;(this as any)._consent = api.action()
      ;(this as any)._submit = api.action()
      prepareSubscribe()
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },

    async load() {
      this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const me = await refreshMe()
        const m = me.membership || { status: 'none' }
        if (m.status === 'pending' || m.status === 'approved') {
          this.setData({ status: 'ok', step: 'live', live: m, liveTheme: STATUS_THEMES[m.status] || 'default' })
          return
        }
        const [policies, consents] = await Promise.all([
          api.get<{ items: any[] }>('/privacy/policies'),
          api.get<{ items: any[] }>('/me/consents'),
        ])
        const policy = policies.items.find((p) => p.purpose === PURPOSE)
        if (!policy) throw new api.ApiError('no_policy', '暂时无法申请入会：没有找到入会的个人信息处理规则', 0)
        const kinds = policy.data_kinds.map((k: string, i: number) => ({ kind: k, label: policy.data_kind_labels[i] || k }))
        const held = consents.items.filter((c) => c.purpose === PURPOSE && c.counts).map((c) => c.data_kind)
        const allHeld = kinds.every((k: { kind: string }) => held.indexOf(k.kind) >= 0)
        this.setData({ status: 'ok', step: allHeld ? 'form' : 'consent', policy, kinds, live: null })
        if (allHeld && !this.data.orgs.length) await this.loadOrgs(null)
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },

    onOpenLive() {
      const live = this.data.live
      if (live && live.id) wx.navigateTo({ url: `/pages/members/detail?id=${live.id}` })
    },

    // ---- consent ----
    onToggleAgree() {
      this.setData({ agreed: !this.data.agreed, consentError: '' })
    },
    async onConsent() {
      if (!this.data.agreed) {
        this.setData({ consentError: '请先阅读并勾选同意' })
        return
      }
      const run = (this as any)._consent as api.Action<any>
      const body = { purpose: PURPOSE, data_kinds: this.data.kinds.map((k) => k.kind), policy_version: this.data.policy.version }
      this.setData({ consenting: true, consentError: '' })
      try {
        await run.run((key) => api.post('/me/consents', body, { idempotencyKey: key }))
        this.setData({ step: 'form' })
        if (!this.data.orgs.length) await this.loadOrgs(null)
      } catch (e) {
        this.setData({ consentError: api.errorMessage(e) })
        // a newer policy was published meanwhile: show it
        if (e instanceof api.ApiError && e.code === 'policy_version_outdated') await this.load()
      } finally {
        this.setData({ consenting: false })
      }
    },

    // ---- org picker ----
    async loadOrgs(parentId: number | null, q?: string) {
      this.setData({ orgLoading: true, orgError: '' })
      try {
        const query: api.Query = { limit: 50 }
        if (parentId) query.parent_id = parentId
        if (q) query.q = q
        const page = await api.get<{ items: any[] }>('/orgs', query)
        const orgs = page.items.map((o) => ({ id: o.id, name: o.name, has_children: o.has_children, pathText: (o.path_names || []).slice(0, -1).join(' / ') }))
        this.setData({ orgs })
      } catch (e) {
        this.setData({ orgError: api.errorMessage(e) })
      } finally {
        this.setData({ orgLoading: false })
      }
    },
    onOrgQuery(e: any) {
      this.setData({ orgQuery: e.detail.value })
    },
    onOrgSearch() {
      const q = this.data.orgQuery.trim()
      this.setData({ orgTrail: [] })
      return this.loadOrgs(null, q || undefined)
    },
    onOrgPick(e: any) {
      const id = Number(e.currentTarget.dataset.id)
      const o = this.data.orgs.find((x) => x.id === id)
      if (o) this.setData({ org: { id: o.id, name: o.name, pathText: o.pathText }, 'errors.org': '' })
    },
    onOrgOpen(e: any) {
      const id = Number(e.currentTarget.dataset.id)
      const o = this.data.orgs.find((x) => x.id === id)
      if (!o) return
      this.setData({ orgTrail: this.data.orgTrail.concat([{ id: o.id, name: o.name }]) })
      return this.loadOrgs(o.id)
    },
    onOrgUp() {
      const trail = this.data.orgTrail.slice(0, -1)
      this.setData({ orgTrail: trail })
      return this.loadOrgs(trail.length ? trail[trail.length - 1].id : null)
    },
    onOrgChange() {
      this.setData({ org: null })
    },

    // ---- form ----
    onInput(e: any) {
      const field = e.currentTarget.dataset.field as Field
      this.setData({ [`form.${field}`]: e.detail.value, [`errors.${field}`]: '', formError: '' })
    },
    onIdBlur() {
      const v = this.data.form.id_number
      if (v) this.setData({ 'errors.id_number': idNumberProblem(v) })
    },
    onIndustry(e: any) {
      const i = Number(e.detail.value)
      this.setData({ industryIndex: i, industryText: INDUSTRIES[i] ? INDUSTRIES[i].label : '', 'errors.industry': '' })
    },

    validate(): Record<string, string> {
      const f = this.data.form
      const errors: Record<string, string> = {}
      if (!this.data.org) errors.org = '请选择要加入的工会组织'
      if (!f.real_name.trim()) errors.real_name = '请填写真实姓名'
      const idProblem = idNumberProblem(f.id_number)
      if (idProblem) errors.id_number = f.id_number.trim() ? idProblem : '请填写身份证号'
      if (f.phone.trim() && !/^1\d{10}$/.test(f.phone.trim())) errors.phone = '手机号须为 11 位数字，以 1 开头'
      if (!f.employer.trim()) errors.employer = '请填写工作单位或平台'
      if (!f.occupation.trim()) errors.occupation = '请填写职业'
      if (this.data.industryIndex < 0) errors.industry = '请选择行业'
      return errors
    },

    onSubmit() {
      const run = (this as any)._submit as api.Action<any>
      if (run.running) return // a double tap: the first submit is still in flight
      const errors = this.validate()
      if (Object.keys(errors).length) {
        this.setData({ errors, formError: '请检查标红的内容' })
        return
      }
      // ask inside the tap, before any await (WeChat's rule)
      const asked = askSubscribe(MEMBERSHIP_EVENTS)
      return this.submit(asked)
    },

    async submit(asked: Promise<unknown>) {
      const run = (this as any)._submit as api.Action<any>
      const f = this.data.form
      const body: Record<string, unknown> = {
        org_id: this.data.org!.id,
        real_name: f.real_name.trim(),
        id_number: normaliseIdNumber(f.id_number),
        employer: f.employer.trim(),
        occupation: f.occupation.trim(),
        industry: INDUSTRIES[this.data.industryIndex].value,
      }
      if (f.phone.trim()) body.phone = f.phone.trim()
      this.setData({ submitting: true, formError: '', errors: {} })
      try {
        const m = await run.run((key) => api.post('/memberships', body, { idempotencyKey: key }))
        await asked
        wx.showToast({ title: '已提交，请等待审核', icon: 'success' })
        wx.redirectTo({ url: `/pages/members/detail?id=${m.id}` })
      } catch (e) {
        const err = e as api.ApiError
        const fieldErrors: Record<string, string> = {}
        if (err && err.fields) {
          Object.keys(err.fields).forEach((k) => {
            const v = (err.fields as any)[k]
            fieldErrors[k] = Array.isArray(v) ? v.join('；') : String(v)
          })
        }
        this.setData({ formError: api.errorMessage(e), errors: fieldErrors })
        if (err && err.code === 'consent_required') this.setData({ step: 'consent', agreed: false })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
