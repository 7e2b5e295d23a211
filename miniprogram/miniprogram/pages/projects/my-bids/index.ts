// 我的揭榜 (GET /me/bids): every bid of mine with its project and outcome (已提交 / 已中选 /
// 未中选 / 已撤回); a bid still submitted can be withdrawn until the award. The second tab
// 我参与的 (GET /me/projects): projects I lead or work on, with my hours (the leader's way back
// to the report and hours screens).
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { timeText } from '../../../utils/format'
import { yuanText } from '../../../utils/projects'

const OUTCOME_HINT: Record<string, string> = {
  submitted: '等待截止后评定',
  won: '恭喜中榜，请组建团队开展实施',
  lost: '方案未被选中，感谢参与',
  withdrawn: '',
}

function row(b: any) {
  return {
    id: b.id,
    projectId: b.project.id,
    title: b.project.title,
    org: b.project.org.name,
    projectStatus: b.project.status_label,
    status: b.status,
    statusLabel: b.status_label,
    hint: OUTCOME_HINT[b.status] || '',
    amount: yuanText(b.requested_fen),
    time: timeText(b.created_at),
    closes: timeText(b.project.bids_close_at),
    version: b.version,
  }
}

function place(m: any) {
  return {
    id: m.team_member_id,
    projectId: m.project.id,
    title: m.project.title,
    org: m.project.org.name,
    projectStatus: m.project.status_label,
    role: m.role,
    roleLabel: m.role_label,
    duty: m.duty || '',
    hours: m.role === 'volunteer' ? `志愿服务 ${m.hours} 小时` : '',
    due: m.project.due_date,
  }
}

Component({
  data: {
    tab: 'bids',
    status: 'loading',
    message: '',
    items: [] as any[],
    nextCursor: null as string | null,
    busyId: 0,
    actionError: '',
  },
  methods: {
    onLoad() {
      ;(this as any)._acts = {}
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    onTab(e: any) {
      const tab = e.currentTarget.dataset.tab
      if (tab === this.data.tab) return
      this.setData({ tab, items: [], nextCursor: null })
      return this.load()
    },
    async load() {
      if (!this.data.items.length) this.setData({ status: 'loading', message: '' })
      const bids = this.data.tab === 'bids'
      try {
        await ensureLogin()
        const page = await api.get(bids ? '/me/bids' : '/me/projects', { limit: 50 })
        if (this.data.tab !== (bids ? 'bids' : 'projects')) return // switched meanwhile
        this.setData({
          status: page.items.length ? 'ok' : 'empty',
          message: page.items.length ? '' : bids ? '你还没有揭过榜，去榜单看看吧' : '你还没有参与项目，可以在项目详情里报名志愿者',
          items: page.items.map(bids ? row : place),
          nextCursor: page.next_cursor,
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    async onMore() {
      if (!this.data.nextCursor) return
      try {
        const bids = this.data.tab === 'bids'
        const page = await api.get(bids ? '/me/bids' : '/me/projects', { limit: 50, cursor: this.data.nextCursor })
        this.setData({ items: this.data.items.concat(page.items.map(bids ? row : place)), nextCursor: page.next_cursor })
      } catch (e) {
        this.setData({ actionError: api.errorMessage(e) })
      }
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/projects/detail/index?id=${e.currentTarget.dataset.project}` })
    },
    onWithdraw(e: any) {
      const item = this.data.items.find((x) => x.id === Number(e.currentTarget.dataset.id))
      if (!item || this.data.busyId) return
      wx.showModal({
        title: '撤回揭榜',
        content: `确定撤回对“${item.title}”的揭榜吗？截止前可以重新揭榜。`,
        confirmText: '撤回',
        success: (res) => {
          if (res.confirm) this.withdraw(item)
        },
      })
    },
    async withdraw(item: any) {
      const acts = (this as any)._acts as Record<number, api.Action<any>>
      const act = acts[item.id] || (acts[item.id] = api.action())
      this.setData({ busyId: item.id, actionError: '' })
      try {
        await act.run((key) => api.post(`/projects/${item.projectId}/bids/${item.id}/withdraw`, { version: item.version }, { idempotencyKey: key }))
        wx.showToast({ title: '已撤回', icon: 'success' })
        await this.load()
      } catch (e) {
        this.setData({ actionError: api.errorMessage(e) })
      } finally {
        this.setData({ busyId: 0 })
      }
    },
  },
})
