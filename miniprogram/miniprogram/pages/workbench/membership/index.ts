// 入会审批 (officers, from the workbench: ?id=<membership id>): the application (personal numbers
// masked), approve, or reject with a reason; decided with the version shown.
import * as api from '../../../utils/api'
import { timeText } from '../../../utils/format'
import { STATUS_THEMES } from '../../../utils/membership'
import { loadInto, runDecision } from '../../../utils/page'

Component({
  data: {
    status: 'loading',
    message: '',
    m: null as any,
    orgName: '',
    theme: 'default',
    createdText: '',
    rejecting: false,
    reason: '',
    deciding: false,
    decisionError: '',
    decided: '',
    revealing: false,
    revealReason: '',
    revealed: '',
    revealError: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = Number((query && query.id) || 0)
      ;(this as any)._decide = api.action()
    },
    onShow() {
      return this.data.m ? Promise.resolve() : this.load()
    },
    onRetry() {
      return this.load()
    },
    load() {
      const id = (this as any)._id as number
      return loadInto(this, async () => {
        const m = await api.get(`/memberships/${id}`)
        let orgName = ''
        try {
          orgName = (await api.get(`/orgs/${m.org_id}`)).name
        } catch (e) {
          orgName = ''
        }
        return { m, orgName }
      }, ({ m, orgName }) => this.show(m, orgName))
    },
    show(m: any, orgName: string) {
      this.setData({ status: 'ok', m, orgName, theme: STATUS_THEMES[m.status] || 'default', createdText: timeText(m.created_at) })
    },
    onApprove() {
      return this.decide('approve')
    },
    onStartReject() {
      this.setData({ rejecting: true, decisionError: '' })
    },
    onCancelReject() {
      this.setData({ rejecting: false, reason: '', decisionError: '' })
    },
    onReason(e: any) {
      this.setData({ reason: e.detail.value, decisionError: '' })
    },
    onConfirmReject() {
      if (!this.data.reason.trim()) {
        this.setData({ decisionError: '请填写驳回原因，申请人会看到它' })
        return
      }
      return this.decide('reject')
    },
    decide(action: 'approve' | 'reject') {
      const m = this.data.m
      const body: Record<string, unknown> = { action, version: m.version }
      if (action === 'reject') body.reason = this.data.reason.trim()
      return runDecision(this, {
        action: (this as any)._decide, busy: 'deciding', error: 'decisionError',
        toast: action === 'approve' ? '已批准' : '已驳回',
        send: (key) => api.post(`/memberships/${m.id}/decision`, body, { idempotencyKey: key }),
        done: (next) => {
          this.show(next, this.data.orgName)
          this.setData({ rejecting: false, decided: action === 'approve' ? '已批准入会' : '已驳回' })
        },
        // someone else decided meanwhile: show what it is now
        reload: async () => this.show(await api.get(`/memberships/${m.id}`), this.data.orgName),
      })
    },
    // the whole ID number, for a reason that is audited (officers only; the API checks)
    onStartReveal() {
      this.setData({ revealing: true, revealError: '' })
    },
    onRevealReason(e: any) {
      this.setData({ revealReason: e.detail.value, revealError: '' })
    },
    async onReveal() {
      const reason = this.data.revealReason.trim()
      if (reason.length < 2) {
        this.setData({ revealError: '请写明查看完整身份证号的原因（至少 2 个字），查看会被记录' })
        return
      }
      const m = this.data.m
      try {
        const res = await api.post<{ field: string; value: string | null }>(`/memberships/${m.id}/reveal`, { field: 'id_number', reason })
        this.setData({ revealed: res.value || '', revealing: false, revealError: '' })
      } catch (e) {
        this.setData({ revealError: api.errorMessage(e) })
      }
    },
    onManageCard() {
      wx.navigateTo({ url: `/pages/cards/manage?membership=${this.data.m.id}` })
    },
    onBack() {
      wx.navigateBack({ delta: 1 })
    },
  },
})
