// 会员卡管理 (officers; from a member's membership page, ?membership=<id>, or ?id=<card id>):
// the card's status; approvers and admins over the member's org suspend it with a reason the
// member is told (every code shown so far stops verifying) or reinstate it (new codes only).
import * as api from '../../utils/api'
import { ensureLogin, isOfficer, refreshMe, User } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { confirm, loadInto, runDecision } from '../../utils/page'

const MANAGER_ROLES = ['approver', 'admin'] // the API lets these suspend and reinstate
const NOT_AN_OFFICER = '只有会员所在工会的干部可以管理会员卡。'

function roleNames(me: User): string[] {
  return (me.roles || []).map((r: any) => r.role)
}

Component({
  data: {
    status: 'loading',
    message: '',
    card: null as any,
    joined: '',
    canAct: false,
    reason: '',
    acting: false,
    actionError: '',
  },
  methods: {
    onLoad(query: Record<string, string>) {
      const self = this as any
      self._query = query || {}
      self._suspend = api.action()
      self._reinstate = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load() {
      let canAct = false
      return loadInto(this, async () => {
        let me = await ensureLogin()
        if (!Array.isArray(me.roles)) me = await refreshMe()
        if (!isOfficer(me)) throw new api.ApiError('forbidden', NOT_AN_OFFICER, 403)
        canAct = roleNames(me).some((r) => MANAGER_ROLES.indexOf(r) >= 0)
        return this.fetchCard()
      }, (card) => {
        this.show(card)
        this.setData({ canAct })
      }, { refusal: true })
    },
    fetchCard(): Promise<any> {
      const q = (this as any)._query as Record<string, string>
      const card = this.data.card
      if (card) return api.get(`/cards/${card.id}`)
      if (/^\d+$/.test(q.membership || '')) return api.get(`/memberships/${q.membership}/card`)
      if (/^\d+$/.test(q.id || '')) return api.get(`/cards/${q.id}`)
      return Promise.reject(new api.ApiError('not_found', '没有找到这张会员卡。', 404))
    },
    show(card: any) {
      this.setData({ card, joined: timeText(card.joined_at).slice(0, 10) })
    },
    onReason(e: any) {
      this.setData({ reason: e.detail.value, actionError: '' })
    },
    async onSuspend() {
      const card = this.data.card
      if (!card || this.data.acting) return
      const reason = this.data.reason.trim()
      if (reason.length < 2) {
        this.setData({ actionError: '请填写停用原因（至少 2 个字），会员会收到这条原因' })
        return
      }
      if (!(await confirm('停用会员卡', `停用后，${card.real_name}已出示的会员卡码立即失效，会员会收到通知。确定停用吗？`, '停用', '#d54941'))) return
      await runDecision(this, {
        action: (this as any)._suspend, busy: 'acting', error: 'actionError', toast: '已停用',
        send: (key) => api.post(`/cards/${card.id}/suspend`, { reason, version: card.version }, { idempotencyKey: key }),
        done: (next) => {
          this.show(next)
          this.setData({ reason: '' })
        },
        reload: async () => this.show(await this.fetchCard()),
      })
    },
    async onReinstate() {
      const card = this.data.card
      if (!card || this.data.acting) return
      if (!(await confirm('恢复会员卡', '恢复后会员可以重新出示会员卡码（停用前的码仍然无效）。确定恢复吗？', '恢复'))) return
      await runDecision(this, {
        action: (this as any)._reinstate, busy: 'acting', error: 'actionError', toast: '已恢复',
        send: (key) => api.post(`/cards/${card.id}/reinstate`, { version: card.version }, { idempotencyKey: key }),
        done: (next) => this.show(next),
        reload: async () => this.show(await this.fetchCard()),
      })
    },
  },
})
