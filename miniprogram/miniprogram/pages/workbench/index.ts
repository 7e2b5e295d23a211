// 工作台 (officers): the one to-do queue, oldest first as the API orders it, with a badge per
// kind (tap one to show only that kind); tap an item → its decision page (utils/todo-routes);
// 批量审批 selects the batchable items and approves them with one call.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { timeText } from '../../utils/format'
import { TODO_ROUTES, todoUrl } from '../../utils/todo-routes'
import { refreshUnread } from '../../utils/unread'

interface Todo {
  key: string
  kind: string
  kind_label: string
  id: number
  title: string
  summary: string
  orgName: string
  waitingText: string
  version: number
  batchable: boolean
  url: string
}

function kindLabel(kind: string, fallback?: string): string {
  return (TODO_ROUTES[kind] && TODO_ROUTES[kind].label) || fallback || kind
}

Component({
  data: {
    status: 'loading',
    message: '',
    total: 0,
    kinds: [] as { kind: string; label: string; count: number }[],
    filter: '',
    items: [] as Todo[],
    nextCursor: null as string | null,
    loadingMore: false,
    anyBatchable: false,
    selecting: false,
    selected: {} as Record<string, boolean>,
    selectedCount: 0,
    batching: false,
    batchResult: '',
    batchError: '',
  },
  methods: {
    onLoad() {
      ;(this as any)._batch = api.action()
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async onPullDownRefresh() {
      await this.load()
      wx.stopPullDownRefresh()
    },

    async load() {
      this.setData({ status: this.data.items.length || this.data.total ? 'ok' : 'loading', message: '' })
      try {
        await ensureLogin()
        const query: api.Query = { limit: 50 }
        if (this.data.filter) query.kind = this.data.filter
        const [counts, page] = await Promise.all([
          api.get<{ total: number; by_kind: Record<string, number> }>('/workbench/counts'),
          api.get<{ items: any[]; next_cursor: string | null }>('/workbench/todos', query),
        ])
        const kinds = Object.keys(counts.by_kind)
          .filter((k) => counts.by_kind[k] > 0)
          .map((k) => ({ kind: k, label: kindLabel(k), count: counts.by_kind[k] }))
        const items = page.items.map((t) => this.row(t))
        this.setData({
          status: 'ok',
          total: counts.total,
          kinds,
          items,
          nextCursor: page.next_cursor,
          anyBatchable: items.some((t) => t.batchable),
          selected: {},
          selectedCount: 0,
        })
        refreshUnread() // the 我的 tab's badge, kept fresh from this tab too
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },

    row(t: any): Todo {
      return {
        key: `${t.kind}-${t.id}`,
        kind: t.kind,
        kind_label: kindLabel(t.kind, t.kind_label),
        id: t.id,
        title: t.title,
        summary: t.summary,
        orgName: t.org ? t.org.name : '',
        waitingText: timeText(t.waiting_since),
        version: t.version,
        batchable: !!t.batchable,
        url: todoUrl({ kind: t.kind, object_id: t.id }),
      }
    },

    async onMore() {
      if (!this.data.nextCursor || this.data.loadingMore) return
      this.setData({ loadingMore: true })
      try {
        const query: api.Query = { limit: 50, cursor: this.data.nextCursor }
        if (this.data.filter) query.kind = this.data.filter
        const page = await api.get<{ items: any[]; next_cursor: string | null }>('/workbench/todos', query)
        const items = this.data.items.concat(page.items.map((t) => this.row(t)))
        this.setData({ items, nextCursor: page.next_cursor, anyBatchable: items.some((t) => t.batchable) })
      } catch (e) {
        wx.showToast({ title: api.errorMessage(e), icon: 'none' })
      } finally {
        this.setData({ loadingMore: false })
      }
    },
    onReachBottom() {
      return this.onMore()
    },

    onFilter(e: any) {
      const kind = e.currentTarget.dataset.kind || ''
      this.setData({ filter: kind === this.data.filter ? '' : kind, selecting: false, batchResult: '', batchError: '' })
      return this.load()
    },

    onItem(e: any) {
      const key = e.currentTarget.dataset.key as string
      const item = this.data.items.find((t) => t.key === key)
      if (!item) return
      if (this.data.selecting) {
        if (!item.batchable) {
          wx.showToast({ title: '这一项需要逐件处理，不能批量审批', icon: 'none' })
          return
        }
        const selected = Object.assign({}, this.data.selected)
        if (selected[key]) delete selected[key]
        else selected[key] = true
        this.setData({ selected, selectedCount: Object.keys(selected).length })
        return
      }
      if (!item.url) {
        wx.showToast({ title: '这类待办暂不能在小程序中逐件处理', icon: 'none' })
        return
      }
      wx.navigateTo({ url: item.url })
    },

    onToggleSelect() {
      this.setData({ selecting: !this.data.selecting, selected: {}, selectedCount: 0, batchResult: '', batchError: '' })
    },
    onSelectAll() {
      const selected: Record<string, boolean> = {}
      this.data.items.filter((t) => t.batchable).forEach((t) => (selected[t.key] = true))
      this.setData({ selected, selectedCount: Object.keys(selected).length })
    },

    onBatchApprove() {
      const run = (this as any)._batch as api.Action<any>
      if (run.running || !this.data.selectedCount) return
      wx.showModal({
        title: '批量批准',
        content: `确定批准所选的 ${this.data.selectedCount} 件吗？`,
        confirmText: '批准',
        success: (res) => {
          if (res.confirm) this.batchApprove()
        },
      })
    },

    async batchApprove() {
      const run = (this as any)._batch as api.Action<any>
      const items = this.data.items
        .filter((t) => this.data.selected[t.key])
        .map((t) => ({ kind: t.kind, id: t.id, version: t.version }))
      this.setData({ batching: true, batchError: '', batchResult: '' })
      try {
        const out: { results: any[] } = await run.run((key) => api.post<{ results: any[] }>('/workbench/batch-decisions', { items, action: 'approve' }, { idempotencyKey: key }))
        const done = out.results.filter((r: any) => r.status === 200)
        const failed = out.results.filter((r: any) => r.status !== 200)
        let text = `已批准 ${done.length} 件`
        if (failed.length) text += `，${failed.length} 件未处理：` + failed.map((r: any) => r.message).join('；')
        this.setData({ selecting: false })
        await this.load()
        this.setData({ batchResult: text })
      } catch (e) {
        this.setData({ batchError: api.errorMessage(e) })
      } finally {
        this.setData({ batching: false })
      }
    },
  },
})
