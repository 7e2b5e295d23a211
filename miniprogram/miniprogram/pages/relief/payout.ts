// 登记发放 (issue 19): the receiving union's admin enters one batch of payouts for an allocation
// (?id=): people added one by one (name, ID number, affected worker or rescuer, amount, reason,
// bank account or, for cash, a photo of the signed receipt), then the batch is sent at once —
// all or none; the API refuses a batch that would pass the allocation (allocation_exceeded).
import * as api from '../../utils/api'
import { yuanText } from '../../utils/aid'
import { loadInto, runDecision } from '../../utils/page'

const KINDS = [{ value: 'worker', label: '受灾职工' }, { value: 'rescuer', label: '救援人员' }]
const METHODS = [{ value: 'bank', label: '银行转账' }, { value: 'cash', label: '现金（签收单）' }]

/** '12.5' → 1250 fen; null when it is not an amount of yuan with at most two decimals. */
function fenOf(yuan: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(yuan.trim())
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
}

function blank() {
  return { name: '', id_number: '', kind: 'worker', amount: '', reason: '', method: 'bank', bank_name: '', bank_account: '', signature: null as any }
}

Component({
  data: {
    status: 'loading',
    message: '',
    a: null as any,
    kinds: KINDS,
    methods: METHODS,
    batchName: '',
    p: blank(),
    people: [] as any[],
    totalText: '0 元',
    uploading: false,
    formError: '',
    submitting: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      const self = this as any
      self._id = Number((query && query.id) || 0)
      self._pay = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load() {
      return loadInto(this, () => api.get(`/relief/allocations/${(this as any)._id}`),
        (a) => this.setData({ a: Object.assign({}, a, { left: yuanText(a.left_fen) }) }))
    },
    onBatchName(e: any) {
      this.setData({ batchName: e.detail.value, formError: '' })
    },
    onInput(e: any) {
      this.setData({ ['p.' + e.currentTarget.dataset.f]: e.detail.value, formError: '' })
    },
    onPick(e: any) {
      const d = e.currentTarget.dataset
      this.setData({ ['p.' + d.f]: d.value, formError: '' })
    },
    onPickSignature() {
      if (this.data.uploading) return Promise.resolve()
      return new Promise<void>((resolve) => {
        wx.chooseMedia({
          count: 1, mediaType: ['image'], sourceType: ['camera', 'album'],
          success: async (res) => {
            this.setData({ uploading: true, formError: '' })
            try {
              const file = await api.upload<{ id: number; original_name: string }>('/files', res.tempFiles[0].tempFilePath, { name: 'file' })
              this.setData({ 'p.signature': { id: file.id, name: file.original_name } })
            } catch (err) {
              this.setData({ formError: api.errorMessage(err) })
            } finally {
              this.setData({ uploading: false })
            }
            resolve()
          },
          fail: () => resolve(),
        })
      })
    },
    onAdd() {
      const p = this.data.p
      const fen = fenOf(p.amount)
      let problem = ''
      if (!p.name.trim()) problem = '请填写姓名'
      else if (p.id_number.trim().length !== 18) problem = '请填写18位身份证号'
      else if (!fen) problem = '请填写发放金额（元，最多两位小数）'
      else if (!p.reason.trim()) problem = '请填写发放原因'
      else if (p.method === 'bank' && !/^\d{12,30}$/.test(p.bank_account.trim())) problem = '请填写12至30位银行账号'
      else if (p.method === 'cash' && !p.signature) problem = '现金发放请拍照上传签收单'
      else if (this.data.people.some((x: any) => x.id_number === p.id_number.trim().toUpperCase())) problem = '这个人已在本批名单中'
      if (problem) {
        this.setData({ formError: problem })
        return
      }
      const person = {
        key: this.data.people.length, name: p.name.trim(), id_number: p.id_number.trim().toUpperCase(), kind: p.kind,
        kind_label: (KINDS.find((k) => k.value === p.kind) || KINDS[0]).label, amount_fen: fen as number,
        amount: yuanText(fen as number), reason: p.reason.trim(), method: p.method,
        bank_name: p.bank_name.trim(), bank_account: p.bank_account.trim(), signature: p.signature,
      }
      const people = this.data.people.concat([person])
      this.setData({ people, p: Object.assign(blank(), { kind: p.kind, method: p.method, reason: p.reason, bank_name: p.bank_name }),
        totalText: yuanText(people.reduce((s: number, x: any) => s + x.amount_fen, 0)), formError: '' })
    },
    onRemove(e: any) {
      const key = Number(e.currentTarget.dataset.key)
      const people = this.data.people.filter((x: any) => x.key !== key)
      this.setData({ people, totalText: yuanText(people.reduce((s: number, x: any) => s + x.amount_fen, 0)) })
    },
    async onSubmit() {
      if (this.data.submitting) return
      if (!this.data.batchName.trim()) {
        this.setData({ formError: '请填写批次名称（如：第二批慰问金）' })
        return
      }
      if (!this.data.people.length) {
        this.setData({ formError: '请先添加发放对象' })
        return
      }
      const body = {
        batch_name: this.data.batchName.trim(),
        people: this.data.people.map((x: any) => ({
          name: x.name, id_number: x.id_number, recipient_kind: x.kind, amount_fen: x.amount_fen, reason: x.reason,
          method: x.method, bank_name: x.method === 'bank' && x.bank_name ? x.bank_name : null,
          bank_account: x.method === 'bank' ? x.bank_account : null,
          signature_file_id: x.method === 'cash' && x.signature ? x.signature.id : null,
        })),
      }
      await runDecision(this, {
        action: (this as any)._pay, busy: 'submitting', error: 'formError',
        send: (key) => api.post(`/relief/allocations/${(this as any)._id}/payouts`, body, { idempotencyKey: key }),
        done: (done: any) => {
          wx.showToast({ title: `已发放 ${done.count} 人`, icon: 'success' })
          this.setData({ people: [], totalText: '0 元', batchName: '',
            a: Object.assign({}, done.allocation, { left: yuanText(done.allocation.left_fen) }) })
          wx.navigateBack({ delta: 1 })
        },
      })
    },
  },
})
