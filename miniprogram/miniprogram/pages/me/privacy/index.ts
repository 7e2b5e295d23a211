// 个人信息与授权: my consents (withdraw one), a copy of my data (GET /me/data-export, shown as a
// summary), and account cancellation (a confirm modal, then the decision: blocked with its
// reasons, or scheduled for erasure).
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { clearAllDrafts } from '../../../utils/drafts'
import { timeText } from '../../../utils/format'

const EXPORT_SECTIONS: { key: string; label: string }[] = [
  { key: 'memberships', label: '入会申请' },
  { key: 'aid_applications', label: '帮扶申请' },
  { key: 'bids', label: '揭榜' },
  { key: 'projects_led', label: '牵头的项目' },
  { key: 'project_teams', label: '参与的项目团队' },
  { key: 'checkins', label: '驿站签到' },
  { key: 'feedback', label: '驿站评价' },
  { key: 'messages', label: '消息' },
  { key: 'consents', label: '授权记录' },
  { key: 'files', label: '上传的文件' },
]
const BLOCKER_LABELS: Record<string, string> = { aid_application: '帮扶申请', membership: '入会申请' }

function consentRow(c: any) {
  const state = c.withdrawn_at ? '已撤回' : c.counts ? '有效' : '旧版本'
  return {
    id: c.id,
    title: `${c.purpose_label} · ${c.data_kind_label}`,
    who: c.subject_name ? `为 ${c.subject_name}` : '',
    time: timeText(c.granted_at),
    state,
    theme: c.withdrawn_at ? 'default' : c.counts ? 'success' : 'warning',
    withdrawable: !c.withdrawn_at,
  }
}

function deletionView(d: any) {
  if (!d) return null
  return {
    status: d.status,
    label: d.status_label,
    eraseText: d.erase_at ? timeText(d.erase_at) : '',
    reasons: (d.reasons || []).map((r: any) => `${BLOCKER_LABELS[r.kind] || r.kind}（编号 ${r.id}）尚未办结`),
  }
}

Component({
  data: {
    status: 'loading',
    message: '',
    consents: [] as any[],
    consentError: '',
    exporting: false,
    exportRows: [] as { label: string; count: number }[],
    exportProfile: '',
    exportError: '',
    deletion: null as any,
    deleting: false,
    deletionError: '',
  },
  methods: {
    onLoad() {
      ;(this as any)._withdraw = api.action()
      ;(this as any)._delete = api.action()
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      if (!this.data.consents.length) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const [consents, deletion] = await Promise.all([
          api.get<{ items: any[] }>('/me/consents'),
          api.get('/me/deletion-request').catch((e) => {
            if (e instanceof api.ApiError && e.status === 404) return null
            throw e
          }),
        ])
        this.setData({ status: 'ok', consents: consents.items.map(consentRow), deletion: deletionView(deletion) })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },

    onWithdraw(e: any) {
      const id = Number(e.currentTarget.dataset.id)
      const c = this.data.consents.find((x) => x.id === id)
      const run = (this as any)._withdraw as api.Action<any>
      if (!c || run.running) return
      wx.showModal({
        title: '撤回授权',
        content: `撤回“${c.title}”后，需要这项信息的新申请将无法办理；已在办理中的申请依法保留。确定撤回吗？`,
        confirmText: '撤回',
        confirmColor: '#d54941',
        success: (res) => {
          if (res.confirm) this.withdraw(id)
        },
      })
    },
    async withdraw(id: number) {
      const run = (this as any)._withdraw as api.Action<any>
      this.setData({ consentError: '' })
      try {
        const c = await run.run((key) => api.post(`/me/consents/${id}/withdraw`, undefined, { idempotencyKey: key }))
        const i = this.data.consents.findIndex((x) => x.id === id)
        this.setData({ [`consents[${i}]`]: consentRow(c) })
        wx.showToast({ title: '已撤回', icon: 'success' })
      } catch (err) {
        this.setData({ consentError: api.errorMessage(err) })
      }
    },

    async onExport() {
      if (this.data.exporting) return
      this.setData({ exporting: true, exportError: '' })
      try {
        const data = await api.get('/me/data-export')
        const p = data.profile || {}
        this.setData({
          exportRows: EXPORT_SECTIONS.map((s) => ({ label: s.label, count: (data[s.key] || []).length })),
          exportProfile: [p.nickname ? `昵称 ${p.nickname}` : '', p.phone ? `手机号 ${p.phone}` : ''].filter(Boolean).join('，'),
        })
      } catch (err) {
        this.setData({ exportError: api.errorMessage(err) })
      } finally {
        this.setData({ exporting: false })
      }
    },

    onCancelAccount() {
      const run = (this as any)._delete as api.Action<any>
      if (run.running) return
      wx.showModal({
        title: '注销账号',
        content: '注销后你的个人信息将被删除或匿名化，所有登录随之失效，且无法恢复。有未办结的申请时暂不能注销。确定注销吗？',
        confirmText: '注销',
        confirmColor: '#d54941',
        success: (res) => {
          if (res.confirm) this.cancelAccount()
        },
      })
    },
    async cancelAccount() {
      const run = (this as any)._delete as api.Action<any>
      this.setData({ deleting: true, deletionError: '' })
      try {
        const d = await run.run((key) => api.post('/me/deletion-request', undefined, { idempotencyKey: key }))
        if (d.status !== 'blocked') { clearAllDrafts(); api.clearCache() } // the account goes: so does what this phone kept of it
        this.setData({ deletion: deletionView(d) })
      } catch (err) {
        this.setData({ deletionError: api.errorMessage(err) })
      } finally {
        this.setData({ deleting: false })
      }
    },
  },
})
