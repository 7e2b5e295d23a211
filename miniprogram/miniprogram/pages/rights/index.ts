// 维权求助: the member's own cases (status, deadlines) and a new request — category, what
// happened, what they want, employer, how to be reached — with their consent to the rules for
// the case's personal data (asked once, when the backend says it is missing).
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { timeText } from '../../utils/format'

const CATEGORIES = [
  { code: 'wage_arrears', label: '欠薪' },
  { code: 'labour_contract', label: '劳动合同' },
  { code: 'work_injury', label: '工伤' },
  { code: 'social_insurance', label: '社会保险' },
  { code: 'dismissal', label: '解除劳动关系' },
  { code: 'other', label: '其他' },
]
const CONTACTS = [
  { code: 'phone', label: '电话' },
  { code: 'wechat', label: '微信消息' },
  { code: 'in_app', label: '仅在小程序内' },
]

Component({
  data: {
    status: 'loading',
    message: '',
    cases: [] as any[],
    categories: CATEGORIES,
    contacts: CONTACTS,
    category: '',
    contact: 'phone',
    happened: '',
    wanted: '',
    employer: '',
    phone: '',
    amountYuan: '',
    policy: null as any,
    needConsent: false,
    agreed: false,
    formError: '',
    fieldErrors: {} as Record<string, string>,
    submitting: false,
  },
  methods: {
    onLoad() {
      ;(this as any)._submit = api.action()
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      if (!this.data.cases.length) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const page = await api.get('/me/rights-cases')
        this.setData({
          status: 'ok',
          cases: page.items.map((c: any) => Object.assign({}, c, { created: timeText(c.created_at) })),
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onCategory(e: any) {
      this.setData({ category: e.currentTarget.dataset.code })
    },
    onContact(e: any) {
      this.setData({ contact: e.currentTarget.dataset.code })
    },
    onInput(e: any) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
    },
    onAgree() {
      this.setData({ agreed: !this.data.agreed })
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/rights/case?id=${e.currentTarget.dataset.id}` })
    },
    body() {
      const d = this.data
      const amount = d.amountYuan.trim()
      return {
        category: d.category, what_happened: d.happened.trim(), what_wanted: d.wanted.trim(),
        employer: d.employer.trim(), contact_method: d.contact, contact_phone: d.phone.trim() || null,
        amount_claimed_fen: amount ? Math.round(Number(amount) * 100) : null, documents: [],
      }
    },
    async giveConsent() {
      const policies = await api.get('/privacy/policies', undefined, { auth: false })
      const policy = policies.items.find((p: any) => p.purpose === 'rights')
      await api.post('/me/consents', { purpose: 'rights', data_kinds: policy.data_kinds,
        policy_version: policy.version })
    },
    async onSubmit() {
      const d = this.data
      if (!d.category) {
        this.setData({ formError: '请选择求助类别' })
        return
      }
      const amount = d.amountYuan.trim()
      if (amount && !(Number(amount) >= 0)) {
        this.setData({ formError: '金额请填写数字（元）' })
        return
      }
      this.setData({ submitting: true, formError: '', fieldErrors: {} })
      const submit = (this as any)._submit as api.Action<any>
      try {
        let created: any
        try {
          created = await submit.run((key) => api.post('/rights-cases', this.body(), { idempotencyKey: key }))
        } catch (e) {
          if (!(e instanceof api.ApiError && e.code === 'consent_required')) throw e
          if (!this.data.agreed) {
            const policies = await api.get('/privacy/policies', undefined, { auth: false })
            this.setData({ needConsent: true, policy: policies.items.find((p: any) => p.purpose === 'rights'),
              formError: '请先阅读并勾选同意个人信息处理规则' })
            return
          }
          await this.giveConsent()
          created = await submit.run((key) => api.post('/rights-cases', this.body(), { idempotencyKey: key }))
        }
        wx.showToast({ title: '已提交，工会将尽快受理', icon: 'none' })
        this.setData({ category: '', happened: '', wanted: '', employer: '', phone: '', amountYuan: '',
          needConsent: false })
        await this.load()
        wx.navigateTo({ url: `/pages/rights/case?id=${created.id}` })
      } catch (e) {
        const fields = e instanceof api.ApiError ? e.fields : {}
        const fieldErrors: Record<string, string> = {}
        Object.keys(fields).forEach((k) => (fieldErrors[k] = fields[k].join('；')))
        this.setData({ formError: api.errorMessage(e), fieldErrors })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
