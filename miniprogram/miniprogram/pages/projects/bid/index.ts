// The bid form (揭榜): plan, qualifications, proposed team, requested amount (≤ the budget).
// With a live bid of mine it edits that bid (PATCH with its version). After submitting: ask for
// subscribe messages (inside the tap), then "my bids".
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { askSubscribe, prepareSubscribe } from '../../../utils/subscribe'
import { toFen, yuanText } from '../../../utils/projects'

const FIELD_NAMES: Record<string, string> = {
  plan: '实施方案', qualifications: '资质与经验', requested_fen: '申请金额', team: '团队成员',
}

Component({
  data: {
    status: 'loading',
    message: '',
    p: null as any,
    budget: '',
    bid: null as any, // my live bid being edited
    plan: '',
    qualifications: '',
    amount: '',
    team: [] as { name: string; role: string }[],
    errors: {} as Record<string, string>,
    formError: '',
    submitting: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._submit = api.action()
      prepareSubscribe()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      const id = (this as any)._id
      this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个项目。', 404)
        const p = await api.get(`/projects/${id}`)
        let bid: any = null
        if (p.my_bid && p.my_bid.status === 'submitted') {
          const mine = await api.get(`/projects/${id}/bids`, { limit: 20 })
          bid = mine.items.find((b: any) => b.id === p.my_bid.id) || null
        }
        const open = (p.allowed_actions || []).indexOf('bid') >= 0
        if (!bid && !open) {
          this.setData({ status: 'empty', message: p.status === 'published' ? '你现在不能揭榜这个项目（需是已入会的会员，且在截止日期前）' : `项目${p.status_label}，不再接受揭榜` })
          return
        }
        this.setData({ p, budget: yuanText(p.budget_fen), bid, status: 'ok' })
        if (bid) {
          this.setData({
            plan: bid.plan, qualifications: bid.qualifications, team: bid.team,
            amount: String(bid.requested_fen / 100),
          })
        }
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onInput(e: any) {
      const field = e.currentTarget.dataset.field as string
      this.setData({ [field]: e.detail.value, [`errors.${field === 'amount' ? 'requested_fen' : field}`]: '' })
    },
    onMemberInput(e: any) {
      const { index, field } = e.currentTarget.dataset
      this.setData({ [`team[${index}].${field}`]: e.detail.value })
    },
    onAddMember() {
      if (this.data.team.length >= 50) return
      this.setData({ team: this.data.team.concat([{ name: '', role: '' }]) })
    },
    onRemoveMember(e: any) {
      const team = this.data.team.slice()
      team.splice(Number(e.currentTarget.dataset.index), 1)
      this.setData({ team })
    },
    check(): Record<string, string> {
      const errors: Record<string, string> = {}
      const fen = toFen(this.data.amount)
      if (!this.data.plan.trim()) errors.plan = '请填写实施方案'
      if (!this.data.qualifications.trim()) errors.qualifications = '请填写资质与经验'
      if (fen === null) errors.requested_fen = '请填写金额（元，最多两位小数）'
      else if (fen > this.data.p.budget_fen) errors.requested_fen = `不能超过预算 ${this.data.budget}`
      if (this.data.team.some((m) => !m.name.trim() || !m.role.trim())) errors.team = '请填写每位成员的姓名和分工，或删除空行'
      return errors
    },
    onSubmit() {
      if (this.data.submitting) return
      const errors = this.check()
      if (Object.keys(errors).length) {
        this.setData({ errors, formError: '请先完善标红的内容' })
        return
      }
      // ask for the award's message now, inside the tap (WeChat refuses after an await)
      const asked = this.data.bid ? Promise.resolve(null) : askSubscribe(['project.award'])
      return this.send().then(() => asked)
    },
    async send() {
      const submit = (this as any)._submit as api.Action<any>
      const p = this.data.p
      const body: Record<string, any> = {
        plan: this.data.plan.trim(),
        qualifications: this.data.qualifications.trim(),
        team: this.data.team.map((m) => ({ name: m.name.trim(), role: m.role.trim() })),
        requested_fen: toFen(this.data.amount),
      }
      const bid = this.data.bid
      if (bid) body.version = bid.version
      this.setData({ submitting: true, formError: '', errors: {} })
      try {
        await submit.run((key) => bid
          ? api.patch(`/projects/${p.id}/bids/${bid.id}`, body, { idempotencyKey: key })
          : api.post(`/projects/${p.id}/bids`, body, { idempotencyKey: key }))
        wx.showToast({ title: bid ? '已保存修改' : '揭榜成功', icon: 'success' })
        wx.redirectTo({ url: '/pages/projects/my-bids/index' })
      } catch (e) {
        const errors: Record<string, string> = {}
        if (e instanceof api.ApiError) {
          Object.keys(e.fields).forEach((f) => {
            const key = f.split('.')[0]
            errors[key] = `${FIELD_NAMES[key] || ''}${(e.fields[f] || []).join('；')}`
          })
        }
        this.setData({ errors, formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
