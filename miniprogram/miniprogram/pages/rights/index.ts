// 维权求助: the member's own cases (status, deadlines) and a new request — category, what
// happened, what they want, employer, how to be reached, attachments (photos, PDFs from a chat;
// each uploaded when picked, with its progress, a retry and remove) — with their consent to the
// rules for the case's personal data (asked once, when the backend says it is missing).
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
// what POST /files takes and POST /rights-cases holds (app/files, app/rights/schemas.py)
const MAX_ATTACHMENTS = 10
const MAX_MB = 5 // FILE_MAX_BYTES' default; the API's answer wins when it differs
const LIMITS_TEXT = `可上传照片（JPG、PNG）或 PDF 文件，最多 ${MAX_ATTACHMENTS} 个，每个不超过 ${MAX_MB} MB`

interface Attachment {
  key: string
  path: string
  name: string
  kind: 'image' | 'pdf'
  state: 'uploading' | 'done' | 'failed'
  progress: number
  fileId: number
  error: string
}

let counter = 0

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
    attachments: [] as Attachment[],
    limitsText: LIMITS_TEXT,
    maxAttachments: MAX_ATTACHMENTS,
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
        amount_claimed_fen: amount ? Math.round(Number(amount) * 100) : null,
        documents: d.attachments.filter((a) => a.state === 'done').map((a) => a.fileId),
      }
    },
    // ---- attachments: picked → uploaded at once (POST /files) → their ids go with the case ----
    room(): number {
      return MAX_ATTACHMENTS - this.data.attachments.length
    },
    onPickPhotos() {
      if (this.room() <= 0) return this.setData({ formError: `最多上传 ${MAX_ATTACHMENTS} 个附件` })
      return new Promise<void>((resolve) => {
        wx.chooseMedia({
          count: Math.min(9, this.room()), mediaType: ['image'], sourceType: ['album', 'camera'], sizeType: ['compressed'],
          success: (res) => {
            this.add(res.tempFiles.map((f) => ({ path: f.tempFilePath, name: f.tempFilePath.split('/').pop() || '照片', size: f.size, kind: 'image' as const })))
            resolve()
          },
          fail: () => resolve(), // the person closed the picker
        })
      })
    },
    onPickFiles() {
      if (this.room() <= 0) return this.setData({ formError: `最多上传 ${MAX_ATTACHMENTS} 个附件` })
      return new Promise<void>((resolve) => {
        wx.chooseMessageFile({
          count: this.room(), type: 'file', extension: ['pdf'],
          success: (res) => {
            this.add(res.tempFiles.map((f) => ({ path: f.path, name: f.name, size: f.size, kind: 'pdf' as const })))
            resolve()
          },
          fail: () => resolve(),
        })
      })
    },
    add(files: { path: string; name: string; size: number; kind: 'image' | 'pdf' }[]) {
      const room = this.room()
      const picked: Attachment[] = files.slice(0, room).map((f) => ({
        key: 'a' + ++counter, path: f.path, name: f.name, kind: f.kind, progress: 0, fileId: 0,
        state: f.size > MAX_MB * 1024 * 1024 ? 'failed' : 'uploading',
        error: f.size > MAX_MB * 1024 * 1024 ? `超过 ${MAX_MB} MB，请压缩后再上传` : '',
      }))
      this.setData({ attachments: this.data.attachments.concat(picked), formError: files.length > room ? `最多上传 ${MAX_ATTACHMENTS} 个附件，多选的没有加入` : '' })
      return Promise.all(picked.filter((a) => a.state === 'uploading').map((a) => this.upload(a.key)))
    },
    patchAttachment(key: string, patch: Partial<Attachment>) {
      const i = this.data.attachments.findIndex((a) => a.key === key)
      if (i < 0) return // removed meanwhile
      const set: Record<string, unknown> = {}
      Object.keys(patch).forEach((k) => (set[`attachments[${i}].${k}`] = (patch as any)[k]))
      this.setData(set)
    },
    async upload(key: string) {
      const a = this.data.attachments.find((x) => x.key === key)
      if (!a) return
      this.patchAttachment(key, { state: 'uploading', progress: 0, error: '' })
      try {
        const file = await api.upload<{ id: number }>('/files', a.path, {
          onProgress: (percent) => this.patchAttachment(key, { progress: percent }),
        })
        this.patchAttachment(key, { state: 'done', fileId: file.id })
      } catch (e) {
        this.patchAttachment(key, { state: 'failed', error: api.errorMessage(e) })
      }
    },
    onRetryUpload(e: any) {
      return this.upload(e.currentTarget.dataset.key)
    },
    onRemoveAttachment(e: any) {
      const key = e.currentTarget.dataset.key
      this.setData({ attachments: this.data.attachments.filter((a) => a.key !== key), formError: '' })
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
      if (d.attachments.some((a) => a.state === 'uploading')) {
        this.setData({ formError: '附件还在上传，请稍候再提交' })
        return
      }
      if (d.attachments.some((a) => a.state === 'failed')) {
        this.setData({ formError: '有附件没有上传成功，请重试或删除后再提交' })
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
          needConsent: false, attachments: [] })
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
