// 申请帮扶 / 修改申请: beneficiary, bank account, category and tier, the documents the category
// asks for (wx.chooseMedia + the kit's upload), then submit (POST draft, POST submit). Opened
// with ?program=<id> for a new application or ?id=<application id> to edit a draft or a
// returned application (the officer's reason is shown on top). After submitting it asks for
// subscribe messages (aid progress) inside the tap.
import * as api from '../../utils/api'
import { ensureLogin, refreshMe } from '../../utils/auth'
import { consentAsked, fieldErrors } from '../../utils/form'
import type { ConsentAsk } from '../../utils/form'
import { installPrivacyListener } from '../../utils/privacy'
import { askSubscribe, prepareSubscribe } from '../../utils/subscribe'

const RELATIONS = [
  { code: 'self', label: '本人' }, { code: 'child', label: '子女' }, { code: 'spouse', label: '配偶' },
  { code: 'parent', label: '父母' }, { code: 'sibling', label: '兄弟姐妹' },
  { code: 'grandchild', label: '孙子女' }, { code: 'other', label: '其他关系' },
]

interface Doc { kind: string; label: string; file_id: number | null; name: string; uploading: boolean; required: boolean }

function emptyForm() {
  return {
    category: '', tier: '', name: '', id_number: '', relation: 'self', school: '', grade: '',
    household_county: '', holder: '', bank: '', number: '', reason: '',
  }
}

Component({
  data: {
    status: 'loading',
    message: '',
    editing: false,
    app: null as any, // the application being edited
    program: null as any,
    orgId: 0,
    orgs: [] as { id: number; name: string }[],
    relations: RELATIONS,
    form: emptyForm(),
    categories: [] as any[],
    tiers: [] as any[],
    student: false,
    docs: [] as Doc[],
    errors: {} as Record<string, string>,
    formError: '',
    submitting: false,
    consent: null as null | ConsentAsk,
    consenting: false,
    idMasked: '',
    bankMasked: '',
  },
  methods: {
    async onLoad(query: Record<string, string>) {
      installPrivacyListener()
      ;(this as any)._submit = api.action()
      ;(this as any)._consent = api.action()
      ;(this as any)._query = query || {}
      prepareSubscribe()
      await this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      const q = (this as any)._query as Record<string, string>
      this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        let app: any = null
        let programId = Number(q.program)
        if (q.id) {
          app = await api.get(`/aid/applications/${q.id}`)
          programId = app.program_id
        }
        const program = await api.get(`/aid/programs/${programId}`)
        const me = await refreshMe()
        const membership = (me as any).membership || {}
        // the applicant's village: the one of the application, else the member's own org, else
        // one of the program's eligible orgs picked below
        const own = membership.status === 'approved' ? membership.org : null
        const orgs: { id: number; name: string }[] = program.eligible_orgs.map((o: any) => ({ id: o.id, name: o.name }))
        const org = app ? app.org : own
        if (org && !orgs.some((o) => o.id === org.id)) orgs.unshift({ id: org.id, name: org.name })
        const form = emptyForm()
        if (app) {
          Object.assign(form, {
            category: app.category_code, tier: app.tier_code, name: app.beneficiary.name,
            relation: app.beneficiary.relation, school: app.beneficiary.school || '',
            grade: app.beneficiary.grade || '', household_county: app.beneficiary.household_county,
            holder: app.bank_account.holder, bank: app.bank_account.bank, reason: app.reason,
          })
        } else {
          form.category = program.categories[0].code
        }
        this.setData({
          status: 'ok', editing: !!app, app, program, form,
          orgId: org ? org.id : orgs.length === 1 ? orgs[0].id : 0, orgs,
          idMasked: app ? app.beneficiary.id_number : '', bankMasked: app ? app.bank_account.number : '',
          categories: program.categories.map((c: any) => ({ code: c.code, name: c.name })),
        })
        this.applyCategory(app ? app.documents : [])
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    /** Tiers and the documents of the chosen category (keeping uploads already made). */
    applyCategory(attached?: any[]) {
      const program = this.data.program
      const cat = program.categories.find((c: any) => c.code === this.data.form.category) || program.categories[0]
      const before: Record<string, Doc> = {}
      this.data.docs.forEach((d) => (before[d.kind] = d))
      ;(attached || []).forEach((d: any) => (before[d.kind] = { kind: d.kind, label: d.kind_label, file_id: d.file_id, name: d.original_name, uploading: false, required: false }))
      const docs: Doc[] = cat.required_documents.map((kind: string, i: number) => {
        const had = before[kind]
        return { kind, label: cat.required_document_labels[i], file_id: had ? had.file_id : null, name: had ? had.name : '', uploading: false, required: true }
      })
      Object.keys(before).forEach((kind) => {
        if (cat.required_documents.indexOf(kind) < 0 && before[kind].file_id) docs.push(Object.assign({}, before[kind], { required: false }))
      })
      const tier = cat.tiers.some((t: any) => t.code === this.data.form.tier) ? this.data.form.tier : cat.tiers[0].code
      this.setData({
        'form.category': cat.code, 'form.tier': tier, student: cat.kind === 'student', docs,
        tiers: cat.tiers.map((t: any) => ({ code: t.code, name: t.name, amount: (t.amount_fen / 100) + ' 元' })),
      })
    },
    onCategory(e: WechatMiniprogram.TouchEvent) {
      this.setData({ 'form.category': e.currentTarget.dataset.code })
      this.applyCategory()
    },
    onOrg(e: WechatMiniprogram.TouchEvent) {
      this.setData({ orgId: Number(e.currentTarget.dataset.id), 'errors.org_id': '' })
    },
    onTier(e: WechatMiniprogram.TouchEvent) {
      this.setData({ 'form.tier': e.currentTarget.dataset.code })
    },
    onRelation(e: WechatMiniprogram.TouchEvent) {
      this.setData({ 'form.relation': e.currentTarget.dataset.code })
    },
    onInput(e: any) {
      const f = e.currentTarget.dataset.field
      this.setData({ ['form.' + f]: e.detail.value, ['errors.' + f]: '' })
    },
    /** Pick a photo for one document kind and upload it at once (POST /files). */
    onPickDoc(e: WechatMiniprogram.TouchEvent) {
      const index = Number(e.currentTarget.dataset.index)
      return new Promise<void>((resolve) => {
        wx.chooseMedia({
          count: 1, mediaType: ['image'], sourceType: ['album', 'camera'],
          success: async (res) => {
            const path = res.tempFiles[0].tempFilePath
            this.setData({ [`docs[${index}].uploading`]: true, formError: '' })
            try {
              const file = await api.upload<{ id: number; original_name: string }>('/files', path, { name: 'file' })
              this.setData({ [`docs[${index}].file_id`]: file.id, [`docs[${index}].name`]: file.original_name, [`docs[${index}].uploading`]: false, 'errors.documents': '' })
            } catch (err) {
              this.setData({ [`docs[${index}].uploading`]: false, formError: api.errorMessage(err) })
            }
            resolve()
          },
          fail: () => resolve(),
        })
      })
    },
    /** The request body: only what the form holds (a blank ID/bank number on edit keeps the stored one). */
    body(): Record<string, any> {
      const f = this.data.form
      const body: Record<string, any> = {
        category_code: f.category, tier_code: f.tier, reason: f.reason.trim(),
        documents: this.data.docs.filter((d) => d.file_id).map((d) => ({ file_id: d.file_id, kind: d.kind })),
      }
      if (this.data.app && this.data.orgId !== this.data.app.org.id) body.org_id = this.data.orgId
      if (!this.data.editing || f.id_number.trim()) {
        body.beneficiary = {
          name: f.name.trim(), id_number: f.id_number.trim(), relation: f.relation,
          school: this.data.student ? f.school.trim() || null : null,
          grade: this.data.student ? f.grade.trim() || null : null,
          household_county: f.household_county.trim(),
        }
      }
      if (!this.data.editing || f.number.trim()) {
        body.bank_account = { holder: f.holder.trim(), bank: f.bank.trim(), number: f.number.trim() }
      }
      return body
    },
    /** The form's own checks (the API checks everything again and its messages win). */
    check(): Record<string, string> {
      const f = this.data.form
      const errors: Record<string, string> = {}
      const need = (k: string, label: string) => { if (!String((f as any)[k]).trim()) errors[k] = `请填写${label}` }
      if (!this.data.editing || f.id_number.trim()) {
        need('name', '受益人姓名'); need('id_number', '身份证号'); need('household_county', '户籍所在县')
        if (this.data.student) { need('school', '学校'); need('grade', '年级或入学年份') }
      }
      if (!this.data.editing || f.number.trim()) {
        need('holder', '开户人'); need('bank', '开户银行'); need('number', '银行账号')
        if (f.number.trim() && !/^\d{8,30}$/.test(f.number.trim())) errors.number = '银行账号应为 8–30 位数字'
      }
      need('reason', '申请理由')
      if (!this.data.orgId) errors.org_id = '请选择所在村（社区）'
      if (this.data.docs.some((d) => d.required && !d.file_id)) errors.documents = '请上传全部所需材料'
      return errors
    },
    /** API field errors (beneficiary.id_number → id_number…) shown under the fields. */
    showApiError(e: unknown) {
      const consent = consentAsked(e, '帮扶申请')
      if (consent) {
        // the consent screen: every kind the API names, given in one POST /me/consents
        this.setData({ submitting: false, formError: '', errors: {}, consent })
        return
      }
      const map: Record<string, string> = { 'beneficiary.id_number': 'id_number', 'beneficiary.name': 'name', 'bank_account.number': 'number', 'bank_account.holder': 'holder', 'bank_account.bank': 'bank', 'beneficiary.household_county': 'household_county' }
      const errors = e instanceof api.ApiError ? fieldErrors(e.fields, (name) => map[name] || name) : {}
      this.setData({ errors, formError: api.errorMessage(e), submitting: false })
    },
    /** 同意并提交: record the consents the API asked for, then submit again. */
    async onConsent() {
      const c = this.data.consent
      if (!c || this.data.consenting) return
      this.setData({ consenting: true, formError: '' })
      const f = this.data.form
      const body: Record<string, any> = { purpose: 'aid', data_kinds: c.kinds, policy_version: c.version }
      if (c.minor) {
        body.subject = { name: f.name.trim(), id_number: f.id_number.trim() }
        body.guardian_relation = ({ child: 'parent', grandchild: 'grandparent', sibling: 'sibling' } as Record<string, string>)[f.relation] || 'other'
      }
      try {
        await ((this as any)._consent as api.Action<any>).run((key) => api.post('/me/consents', body, { idempotencyKey: key }))
        this.setData({ consent: null, consenting: false })
        await this.onSubmit()
      } catch (e) {
        this.setData({ consenting: false, formError: api.errorMessage(e) })
      }
    },
    onSubmit() {
      if (this.data.submitting) return undefined
      const asked = askSubscribe(['aid']) // inside the tap, before any await
      const errors = this.check()
      if (Object.keys(errors).length) {
        this.setData({ errors, formError: '请检查标红的内容' })
        return asked
      }
      this.setData({ submitting: true, formError: '', errors: {} })
      const submit = (this as any)._submit as api.Action<any>
      const body = this.body()
      const done = submit.run(async (key) => {
        let app = this.data.app
        const saved = JSON.stringify(body)
        if (!app || (app.status !== 'draft' && app.status !== 'returned')) {
          app = await api.post('/aid/applications', Object.assign({ program_id: this.data.program.id, org_id: this.data.orgId }, body), { idempotencyKey: key })
        } else if ((this as any)._savedBody !== saved) {
          // a retry after a failed submit skips the edit when nothing changed since it was saved
          app = await api.patch(`/aid/applications/${app.id}`, Object.assign({ version: app.version }, body), { idempotencyKey: key + '-edit' })
        }
        ;(this as any)._savedBody = saved
        this.setData({ app, editing: true })
        return api.post(`/aid/applications/${app.id}/submit`, { version: app.version }, { idempotencyKey: key + '-submit' })
      })
      return done.then(
        async (app: any) => {
          this.setData({ submitting: false, app })
          wx.showToast({ title: '已提交', icon: 'success' })
          await asked
          wx.redirectTo({ url: `/pages/aid/application?id=${app.id}` })
        },
        (e) => this.showApiError(e)
      )
    },
  },
})
