// One relief allocation (?id=, also the workbench's relief_acknowledge): who gave whom how much,
// the meeting that decided it, the transfer voucher, its state; the receiving union's admin
// confirms the money arrived (and closes it after the payouts); both sides read the report back
// (totals, people by kind, the masked roster); 登记发放 opens the payout batch form.
import * as api from '../../utils/api'
import { ensureLogin, refreshMe } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { yuanText } from '../../utils/aid'
import { confirm, runDecision } from '../../utils/page'

const KIND_LABELS: Record<string, string> = { worker: '受灾职工', rescuer: '救援人员' }

function shown(a: any) {
  return Object.assign({}, a, {
    amount: yuanText(a.amount_fen), paid: yuanText(a.paid_fen), left: yuanText(a.left_fen),
    created: timeText(a.created_at), transferred: a.transferred_at ? timeText(a.transferred_at) : '',
    received: a.received_at ? timeText(a.received_at) : '', closed: a.closed_at ? timeText(a.closed_at) : '',
  })
}

function reportShown(r: any) {
  const kinds = Object.keys(r.by_kind || {}).map((k) => `${KIND_LABELS[k] || k} ${r.by_kind[k]} 人`).join('，')
  return {
    people: r.people, paid: yuanText(r.paid_fen), left: yuanText(r.left_fen), kinds,
    roster: (r.roster || []).map((p: any, i: number) => ({ key: i, name: p.name, id_number: p.id_number,
      kind: p.recipient_kind_label, amount: yuanText(p.amount_fen), method: p.method_label,
      account: p.bank_account || '', batch: p.batch_name })),
  }
}

Component({
  data: {
    status: 'loading',
    message: '',
    a: null as any,
    report: null as any,
    reportError: '',
    actionError: '',
    acting: false,
    givingSide: false, // an officer of the giving union only: the receiving side's buttons are hidden
  },
  methods: {
    onLoad(query: Record<string, string>) {
      const self = this as any
      self._id = Number((query && query.id) || 0)
      self._ack = api.action()
      self._close = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      const id = (this as any)._id as number
      this.setData({ status: this.data.a ? 'ok' : 'loading', message: '' })
      try {
        let me = await ensureLogin()
        if (!Array.isArray(me.roles)) me = await refreshMe()
        const a = await api.get(`/relief/allocations/${id}`)
        const orgs = (me.roles || []).map((r: any) => r.org_id)
        const givingSide = orgs.indexOf(a.from_org.id) >= 0 && orgs.indexOf(a.to_org.id) < 0
        this.setData({ a: shown(a), givingSide, status: 'ok' })
        await this.loadReport()
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    async loadReport() {
      const a = this.data.a
      if (!a || (a.status !== 'received' && a.status !== 'closed')) {
        this.setData({ report: null, reportError: '' })
        return
      }
      try {
        this.setData({ report: reportShown(await api.get(`/relief/allocations/${a.id}/report`)), reportError: '' })
      } catch (e) {
        this.setData({ report: null, reportError: api.errorMessage(e) })
      }
    },
    act(run: api.Action<any>, path: string, toast: string) {
      const a = this.data.a
      return runDecision(this, {
        action: run, busy: 'acting', error: 'actionError', toast,
        send: (key) => api.post(path, { version: a.version }, { idempotencyKey: key }),
        done: (next) => {
          this.setData({ a: shown(next) })
          return this.loadReport()
        },
        reload: async () => {
          this.setData({ a: shown(await api.get(`/relief/allocations/${a.id}`)) })
          await this.loadReport()
        },
      })
    },
    /** Ask, then act: a second tap while the question or the request is open does nothing. */
    async askThenAct(title: string, content: string, run: api.Action<any>, path: string, toast: string) {
      const self = this as any
      if (!this.data.a || this.data.acting || self._asking) return
      self._asking = true
      try {
        if (await confirm(title, content)) await this.act(run, path, toast)
      } finally {
        self._asking = false
      }
    },
    onAcknowledge() {
      const a = this.data.a
      return this.askThenAct('确认援助款到账', `确认已收到${a.from_org.name}拨付的 ${a.amount}？确认后即可发放。`,
        (this as any)._ack, `/relief/allocations/${a.id}/acknowledge`, '已确认到账')
    },
    onPayout() {
      wx.navigateTo({ url: `/pages/relief/payout?id=${this.data.a.id}` })
    },
    onShow() {
      // back from 登记发放: the paid sums and the report changed
      const self = this as any
      const again = self._shown && this.data.a
      self._shown = true
      return again ? this.load() : Promise.resolve()
    },
    onClose() {
      const a = this.data.a
      return this.askThenAct('结束本次援助', `已发放 ${a.paid}，结余 ${a.left}。结束后不能再发放，确定结束吗？`,
        (this as any)._close, `/relief/allocations/${a.id}/close`, '已结束')
    },
  },
})
