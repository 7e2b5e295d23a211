// 建立困难职工档案: a member for their own household, or an officer of the grassroots union
// entering a worker (工会代录). Five steps — head of household, family members, causes and the
// household's yearly income and fixed costs (yuan here, fen to the API), bank account and
// evidence, confirm — with the eligibility the county's 低保 line gives shown as the figures
// change (POST /hardship-files/self-test, debounced). The typing is kept in wx storage per
// user, so a weak signal or a closed app loses nothing; submit = create the draft (or edit the
// one saved) and submit it, one Idempotency-Key per tap (api.action()).
import * as api from '../../utils/api'
import { ensureLogin, refreshMe } from '../../utils/auth'
import { consentAsked, fieldErrors } from '../../utils/form'
import type { ConsentAsk } from '../../utils/form'
import { CAUSES, COST_KINDS, HEALTH, INCOME_KINDS, RELATIONS, SCHOOLING, fenText, labelOf, levelReason } from '../../utils/hardship'
import {
  KEPT, STEPS, amountProblem, checkStep, emptyFamily, emptyForm, errorKey, figures, requestBody, stepOf, tag,
} from '../../utils/hardship-form'
import type { Family, FileForm, OrgChip } from '../../utils/hardship-form'
import { idNumberProblem, normaliseIdNumber } from '../../utils/idcard'
import { installPrivacyListener } from '../../utils/privacy'
import { clearDraft, loadDraft, saveDraft } from '../../utils/drafts'

const ELIGIBILITY_DELAY_MS = 400
const MAX_EVIDENCE = 20
const DRAFT = 'hardship' // the form's name in utils/drafts
const DRAFT_DAYS = 30 // a draft not touched for this long is forgotten

Component({
  data: {
    status: 'loading', message: '', steps: STEPS, step: 0,
    relations: RELATIONS, health: HEALTH, schooling: SCHOOLING, causes: CAUSES,
    incomeKinds: INCOME_KINDS, costKinds: COST_KINDS,
    officerOrgs: [] as OrgChip[], orgs: [] as OrgChip[], orgQuery: '', orgError: '',
    ...emptyForm(), familyView: [] as any[],
    editor: null as null | (Family & { index: number }), editorErrors: {} as Record<string, string>,
    secondaryOn: {} as Record<string, boolean>, uploading: false,
    eligibility: null as null | { level: string; label: string; reason: string; text: string },
    eligibilityError: '', countyId: 0,
    fileId: 0, fileVersion: 0,
    errors: {} as Record<string, string>, formError: '', submitting: false,
    consent: null as null | ConsentAsk,
    consenting: false, restored: false, existingFileId: 0,
  },
  methods: {
    onLoad() {
      installPrivacyListener()
      ;(this as any)._submit = api.action()
      ;(this as any)._consent = api.action()
      return this.load()
    },
    onUnload() {
      clearTimeout((this as any)._timer)
    },
    onRetry() {
      return this.load()
    },
    async load() {
      this.setData({ status: 'loading', message: '' })
      try {
        const user = await ensureLogin()
        const me = await refreshMe()
        ;(this as any)._userId = user.id
        const roles: any[] = (me as any).roles || []
        const officerOrgs: OrgChip[] = []
        roles.forEach((r) => {
          if (!officerOrgs.some((o) => o.id === r.org_id)) officerOrgs.push({ id: r.org_id, name: r.org_name })
        })
        const membership = (me as any).membership || {}
        const own: OrgChip | null = membership.status === 'approved' && membership.org ? { id: membership.org.id, name: membership.org.name } : null
        ;(this as any)._own = own
        const draft = loadDraft<Record<string, any>>(DRAFT, user.id, DRAFT_DAYS)
        if (draft) {
          this.setData(Object.assign({ status: 'ok', officerOrgs, restored: true }, draft))
        } else {
          this.setData({ status: 'ok', officerOrgs, orgs: own ? [own] : [], orgId: own ? own.id : 0 })
        }
        this.refreshViews()
        if (this.data.orgId) await this.loadCounty()
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },

    // ---- the draft in wx storage ----
    keep() {
      const userId = (this as any)._userId
      if (!userId) return
      const draft: Record<string, unknown> = {}
      KEPT.forEach((k) => (draft[k] = (this.data as any)[k]))
      saveDraft(DRAFT, userId, draft)
    },
    onDiscard() {
      clearDraft(DRAFT, (this as any)._userId)
      ;(this as any)._submit.reset()
      this.setData(Object.assign(emptyForm(), {
        step: 0, orgs: [], fileId: 0, fileVersion: 0, eligibility: null,
        errors: {}, formError: '', consent: null, restored: false, editor: null,
      }))
      this.refreshViews()
    },
    /** Derived display rows (labels of the family, the secondary causes picked). */
    refreshViews() {
      const on: Record<string, boolean> = {}
      this.data.secondary.forEach((c) => (on[c] = true))
      this.setData({
        secondaryOn: on,
        familyView: this.data.family.map((m) => ({
          name: m.name, relation: labelOf(RELATIONS, m.relation), health: labelOf(HEALTH, m.health),
          schooling: labelOf(SCHOOLING, m.schooling), work: m.work,
          id_number: normaliseIdNumber(m.id_number).replace(/^(\d{4})\d+(\d{4}|\d{3}X)$/, '$1**********$2'),
        })),
      })
    },

    // ---- the grassroots union ----
    onOrgQuery(e: any) {
      this.setData({ orgQuery: e.detail.value })
    },
    async onOrgSearch() {
      const q = this.data.orgQuery.trim()
      if (!q) return
      this.setData({ orgError: '' })
      try {
        const page = await api.get<{ items: any[] }>('/orgs', { q, limit: 20 })
        const found = page.items.filter((o) => o.level === 'village' || o.level === 'town').map((o) => ({ id: o.id, name: o.name }))
        if (!found.length) this.setData({ orgError: '没有找到这个名称的村（社区）或乡镇工会' })
        const orgs = this.data.orgs.filter((o) => !found.some((f) => f.id === o.id)).concat(found)
        this.setData({ orgs })
        this.keep()
      } catch (e) {
        this.setData({ orgError: api.errorMessage(e) })
      }
    },
    onOrg(e: WechatMiniprogram.TouchEvent) {
      if (this.data.fileId) return // a saved draft keeps its union
      this.setData({ orgId: Number(e.currentTarget.dataset.id), 'errors.org_id': '' })
      this.keep()
      return this.loadCounty()
    },
    onBehalfToggle() {
      if (this.data.fileId) return
      const onBehalf = !this.data.onBehalf
      const own: OrgChip | null = (this as any)._own
      const orgs = onBehalf ? this.data.officerOrgs : own ? [own] : []
      this.setData({ onBehalf, orgs, orgId: orgs.some((o) => o.id === this.data.orgId) ? this.data.orgId : 0, countyId: 0, eligibility: null })
      this.keep()
      return this.loadCounty()
    },
    /** The county union above the chosen union: its 低保 line decides the level. */
    async loadCounty() {
      if (!this.data.orgId) return
      try {
        const up = await api.get<{ items: any[] }>(`/orgs/${this.data.orgId}/ancestors`)
        const county = up.items.find((o) => o.level === 'county')
        this.setData({ countyId: county ? county.id : 0, eligibilityError: county ? '' : '这个工会上级没有县级工会，无法建档' })
        this.scheduleEligibility(0)
      } catch (e) {
        this.setData({ eligibilityError: api.errorMessage(e) })
      }
    },

    // ---- head of household ----
    onHead(e: any) {
      const field = e.currentTarget.dataset.field
      this.setData({ [`head.${field}`]: e.detail.value, [`errors.head_${field}`]: '', formError: '' })
      this.keep()
    },
    onHeadChoice(e: WechatMiniprogram.TouchEvent) {
      const { field, code } = e.currentTarget.dataset
      this.setData({ [`head.${field}`]: code })
      this.keep()
    },
    onHeadIdBlur() {
      const v = this.data.head.id_number
      if (v) this.setData({ 'errors.head_id_number': idNumberProblem(v) })
    },

    // ---- family members: add, edit, remove ----
    onAddMember() {
      this.setData({ editor: Object.assign(emptyFamily(), { index: -1 }), editorErrors: {} })
    },
    onEditMember(e: WechatMiniprogram.TouchEvent) {
      const index = Number(e.currentTarget.dataset.index)
      this.setData({ editor: Object.assign({}, this.data.family[index], { index }), editorErrors: {} })
    },
    onRemoveMember(e: WechatMiniprogram.TouchEvent) {
      const index = Number(e.currentTarget.dataset.index)
      const family = this.data.family.filter((_, i) => i !== index)
      this.setData({ family, errors: {}, formError: '' })
      this.refreshViews()
      this.keep()
      this.scheduleEligibility()
    },
    onEditor(e: any) {
      const field = e.currentTarget.dataset.field
      this.setData({ [`editor.${field}`]: e.detail.value, [`editorErrors.${field}`]: '' })
    },
    onEditorChoice(e: WechatMiniprogram.TouchEvent) {
      const { field, code } = e.currentTarget.dataset
      this.setData({ [`editor.${field}`]: code })
    },
    onEditorIdBlur() {
      const v = this.data.editor ? this.data.editor.id_number : ''
      if (v) this.setData({ 'editorErrors.id_number': idNumberProblem(v) })
    },
    onEditorCancel() {
      this.setData({ editor: null, editorErrors: {} })
    },
    onEditorSave() {
      const m = this.data.editor
      if (!m) return
      const errors: Record<string, string> = {}
      if (!m.name.trim()) errors.name = '请填写姓名'
      const problem = idNumberProblem(m.id_number)
      if (problem) errors.id_number = m.id_number.trim() ? problem : '请填写身份证号'
      const number = normaliseIdNumber(m.id_number)
      const others = [this.data.head.id_number].concat(this.data.family.filter((_, i) => i !== m.index).map((f) => f.id_number))
      if (!problem && others.some((n) => normaliseIdNumber(n) === number)) errors.id_number = '这个身份证号已在本户中'
      if (Object.keys(errors).length) {
        this.setData({ editorErrors: errors })
        return
      }
      const member: Family = { name: m.name.trim(), relation: m.relation, id_number: number, health: m.health, schooling: m.schooling, work: m.work.trim() }
      const family = this.data.family.slice()
      if (m.index >= 0) family[m.index] = member
      else family.push(member)
      this.setData({ family, editor: null, editorErrors: {}, [`errors.family_${m.index >= 0 ? m.index : family.length - 1}`]: '', formError: '' })
      this.refreshViews()
      this.keep()
      this.scheduleEligibility()
    },

    // ---- causes and figures ----
    onMainCause(e: WechatMiniprogram.TouchEvent) {
      const code = e.currentTarget.dataset.code
      this.setData({ mainCause: code, secondary: this.data.secondary.filter((c) => c !== code), 'errors.main_cause': '' })
      this.refreshViews()
      this.keep()
    },
    onSecondary(e: WechatMiniprogram.TouchEvent) {
      const code = e.currentTarget.dataset.code
      if (code === this.data.mainCause) return
      const on = this.data.secondary.indexOf(code) >= 0
      this.setData({ secondary: on ? this.data.secondary.filter((c) => c !== code) : this.data.secondary.concat([code]) })
      this.refreshViews()
      this.keep()
    },
    onAmount(e: any) {
      const { group, code } = e.currentTarget.dataset
      const path = group === 'accident' ? 'accident' : `${group}.${code}`
      this.setData({ [path]: e.detail.value, [`errors.${group === 'accident' ? 'accident_costs_fen' : group}`]: '' })
      this.keep()
      this.scheduleEligibility()
    },

    // ---- eligibility as the file is filled ----
    scheduleEligibility(delay = ELIGIBILITY_DELAY_MS) {
      clearTimeout((this as any)._timer)
      ;(this as any)._timer = setTimeout(() => this.checkEligibility(), delay)
    },
    async checkEligibility() {
      const f = figures(this.data as FileForm)
      if (!this.data.countyId || !f.typed) return
      if (f.bad) {
        this.setData({ eligibility: null, eligibilityError: amountProblem(f.bad) })
        return
      }
      const body = {
        county_org_id: this.data.countyId, household_size: 1 + this.data.family.length,
        yearly_income_fen: f.income.reduce((s, i) => s + i.amount_fen, 0),
        yearly_fixed_costs_fen: f.costs.reduce((s, i) => s + i.amount_fen, 0), accident_costs_fen: f.accident,
      }
      const seq = ((this as any)._seq = ((this as any)._seq || 0) + 1)
      try {
        const r = await api.post('/hardship-files/self-test', body)
        if (seq !== (this as any)._seq) return // a newer figure was typed meanwhile
        this.setData({
          eligibilityError: '',
          eligibility: {
            level: r.level, label: r.level_label, reason: levelReason(r.level, r.poverty_line_fen),
            text: `家庭 ${r.household_size} 人，月人均收入 ${fenText(r.monthly_per_person_fen)} 元，当地低保标准 ${fenText(r.poverty_line_fen)} 元`,
          },
        })
      } catch (e) {
        if (seq === (this as any)._seq) this.setData({ eligibility: null, eligibilityError: api.errorMessage(e) })
      }
    },

    // ---- bank account, evidence, paper consent ----
    onBank(e: any) {
      const field = e.currentTarget.dataset.field
      this.setData({ [`bank.${field}`]: e.detail.value, [`errors.bank_${field}`]: '' })
      this.keep()
    },
    onPaperRef(e: any) {
      this.setData({ paperRef: e.detail.value, 'errors.paper_reference': '' })
      this.keep()
    },
    onPickEvidence() {
      if (this.data.uploading) return undefined
      const room = MAX_EVIDENCE - this.data.evidence.length
      if (room <= 0) {
        this.setData({ 'errors.evidence': `证明材料最多 ${MAX_EVIDENCE} 份` })
        return undefined
      }
      return new Promise<void>((resolve) => {
        wx.chooseMedia({
          count: Math.min(9, room), mediaType: ['image'], sourceType: ['album', 'camera'],
          success: async (res) => {
            this.setData({ uploading: true, 'errors.evidence': '' })
            for (const f of res.tempFiles) {
              try {
                const file = await api.upload<{ id: number; original_name: string }>('/files', f.tempFilePath, { name: 'file' })
                this.setData({ evidence: this.data.evidence.concat([{ file_id: file.id, name: file.original_name }]) })
                this.keep()
              } catch (err) {
                this.setData({ 'errors.evidence': `上传失败：${api.errorMessage(err)}` })
              }
            }
            this.setData({ uploading: false })
            resolve()
          },
          fail: () => resolve(),
        })
      })
    },
    onRemoveEvidence(e: WechatMiniprogram.TouchEvent) {
      const index = Number(e.currentTarget.dataset.index)
      this.setData({ evidence: this.data.evidence.filter((_, i) => i !== index) })
      this.keep()
    },

    // ---- steps ----
    onNext() {
      const errors = checkStep(this.data.step, this.data as FileForm)
      if (Object.keys(errors).length) {
        this.setData({ errors: Object.assign({}, this.data.errors, errors), formError: '请检查标红的内容' })
        return
      }
      this.setData({ step: Math.min(this.data.step + 1, STEPS.length - 1), formError: '' })
      this.keep()
    },
    onBack() {
      this.setData({ step: Math.max(this.data.step - 1, 0), formError: '' })
      this.keep()
    },
    onStep(e: WechatMiniprogram.TouchEvent) {
      const step = Number(e.currentTarget.dataset.step)
      if (step < this.data.step) this.setData({ step, formError: '' })
    },

    // ---- submit ----
    onSubmit() {
      if (this.data.submitting) return undefined
      for (let step = 0; step < STEPS.length - 1; step++) {
        const errors = checkStep(step, this.data as FileForm)
        if (Object.keys(errors).length) {
          this.setData({ errors, step, formError: '请检查标红的内容' })
          return undefined
        }
      }
      this.setData({ submitting: true, formError: '', errors: {} })
      const body = requestBody(this.data as FileForm)
      const submit = (this as any)._submit as api.Action<any>
      const done = submit.run(async (key) => {
        if (!this.data.fileId) {
          const created = await api.post('/hardship-files', Object.assign({ org_id: this.data.orgId, on_behalf: this.data.onBehalf }, body), { idempotencyKey: key })
          ;(this as any)._savedBody = JSON.stringify(body)
          this.setData({ fileId: created.id, fileVersion: created.version })
          this.keep()
        } else if ((this as any)._savedBody !== JSON.stringify(body)) {
          // the draft saved before (this visit or an earlier one): bring it up to the form
          const saved = JSON.stringify(body)
          const edited = await api.patch(`/hardship-files/${this.data.fileId}`, Object.assign({ version: this.data.fileVersion }, body), { idempotencyKey: `${key}-edit-${tag(saved)}` })
          ;(this as any)._savedBody = saved
          this.setData({ fileVersion: edited.version })
          this.keep()
        }
        return api.post(`/hardship-files/${this.data.fileId}/submit`, { version: this.data.fileVersion }, { idempotencyKey: `${key}-submit-${this.data.fileVersion}` })
      })
      return done.then(
        (file: any) => {
          clearDraft(DRAFT, (this as any)._userId)
          this.setData({ submitting: false })
          wx.showToast({ title: '已提交，等待入户核查', icon: 'none' })
          wx.redirectTo({ url: `/pages/hardship/file?id=${file.id}` })
        },
        (e) => this.showApiError(e)
      )
    },
    /** The API's refusal: fields next to their inputs (on their step), consents as a card. */
    showApiError(e: unknown) {
      const consent = consentAsked(e, '困难帮扶')
      if (consent) {
        this.setData({ submitting: false, formError: '', step: STEPS.length - 1, consent })
        return
      }
      const errors = e instanceof api.ApiError ? fieldErrors(e.fields, errorKey) : {}
      if (e instanceof api.ApiError && e.code === 'stale_version' && this.data.fileId) this.reloadVersion()
      // the caller's own other file for this household: offer it
      const existing = e instanceof api.ApiError && e.code === 'hardship_file_exists' ? Number(e.details.file_id) || 0 : 0
      this.setData({ existingFileId: existing })
      const keys = Object.keys(errors)
      const step = keys.length ? Math.min(...keys.map(stepOf)) : this.data.step
      this.setData({ errors, step, formError: api.errorMessage(e), submitting: false })
      this.keep()
    },
    onOpenExisting() {
      wx.navigateTo({ url: `/pages/hardship/file?id=${this.data.existingFileId}` })
    },
    /** The saved draft changed elsewhere (another phone): take its version, the form's content wins on the next submit. */
    async reloadVersion() {
      try {
        const file = await api.get(`/hardship-files/${this.data.fileId}`)
        ;(this as any)._savedBody = undefined
        this.setData({ fileVersion: file.version })
        this.keep()
      } catch (e) {
        /* the message of the refusal is shown already */
      }
    },
    /** 同意并提交: record the consents the API named (for a worker: about them, with the paper form), then submit again. */
    async onConsent() {
      const c = this.data.consent
      if (!c || this.data.consenting) return
      this.setData({ consenting: true, formError: '' })
      const body: Record<string, any> = { purpose: 'aid', data_kinds: c.kinds, policy_version: c.version }
      if (c.subject) {
        body.subject = { name: this.data.head.name.trim(), id_number: normaliseIdNumber(this.data.head.id_number) }
        body.paper_reference = this.data.paperRef.trim()
      }
      try {
        await ((this as any)._consent as api.Action<any>).run((key) => api.post('/me/consents', body, { idempotencyKey: key }))
        this.setData({ consent: null, consenting: false })
        await this.onSubmit()
      } catch (e) {
        this.setData({ consenting: false, formError: api.errorMessage(e) })
      }
    },
  },
})
