// One hardship file (?id=): level, household (numbers masked), where it waits and what comes
// next (the home visit by two officers, the re-check, the public notice and its end date, the
// yearly review), the home visits recorded, the notice's objections (officers over its org),
// history; the approver of the current step decides here (the backend says whose step it is).
import * as api from '../../utils/api'
import { refreshMe } from '../../utils/auth'
import { loadInto, runDecision } from '../../utils/page'

const NOTICE_KINDS: Record<string, string> = { in_notice: 'hardship_file', exit_notice: 'hardship_exit' }
const DECIDED: Record<string, string> = { approve: '审核通过', return: '退回', file: '建档' }
// the states in which the approver of the step decides on this page (others: their own pages)
const DECIDING = ['grassroots_review', 'upper_review', 'in_notice']

/** The next step of a file, in words, from what the API answers. */
function nextStep(file: any, notice: any): string {
  const step = file.step_org ? file.step_org.name : ''
  switch (file.status) {
    case 'draft':
      return '草稿，尚未提交'
    case 'grassroots_review':
      return file.visits.length
        ? `入户核查已登记，等待${step}初审`
        : `下一步：${step}两名工作人员入户核查（一访二看三核四评），登记后初审`
    case 'upper_review':
      return `下一步：${step}复核`
    case 'in_notice':
    case 'exit_notice':
      if (notice && notice.open_objections) return `公示中有 ${notice.open_objections} 件异议待核实，核实处理前暂停`
      return notice ? `公示至 ${notice.ends_on}，期满无异议后由${step || '县总工会'}${file.status === 'exit_notice' ? '确认脱困' : '建档'}` : '公示中'
    case 'filed':
      return file.review_due_on ? `已建档，下次年度复核：${file.review_due_on}` : '已建档'
    case 'returned':
      return `已退回${file.last_comment ? '：' + file.last_comment : ''}，修改后可重新提交`
    case 'closed':
      return file.follow_up_until ? `已脱困，跟踪回访至 ${file.follow_up_until}` : '已脱困'
    default:
      return file.status_label
  }
}

Component({
  data: {
    status: 'loading', message: '', id: 0, file: null as any, next: '', notice: null as any,
    objections: [] as any[], comment: '', decisionError: '', decided: '', canDecide: false, deciding: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      this.setData({ id: Number(query.id) })
      ;(this as any)._decide = api.action()
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    load() {
      // quiet: onShow reloads a file on screen without the skeleton
      return loadInto(this, () => Promise.all([api.get(`/hardship-files/${this.data.id}`), refreshMe()]), async ([file, me]) => {
        ;(this as any)._roles = (me as any).roles || []
        this.setData({ status: 'ok', file, canDecide: this.mayDecide(file) })
        await this.loadNotice(file)
      }, { quiet: true })
    },
    /** An approver of the union whose step it is (the API decides again). */
    mayDecide(file: any): boolean {
      const roles: any[] = (this as any)._roles || []
      return !!file.step_org && DECIDING.indexOf(file.status) >= 0 &&
        roles.some((r) => r.org_id === file.step_org.id && r.role === 'approver')
    },
    /** The file's current notice (public list of its org) and, for officers, its objections. */
    async loadNotice(file: any) {
      let notice: any = null
      let objections: any[] = []
      const kind = NOTICE_KINDS[file.status]
      if (kind) {
        try {
          const page = await api.get<{ items: any[] }>('/notices', { org_id: file.org.id, limit: 50 })
          notice = page.items.find((n) => n.subject_kind === kind && n.subject_id === file.id) || null
          if (notice) {
            const listed = await api.get<{ items: any[] }>(`/notices/${notice.id}/objections`, { limit: 50 }).catch(() => ({ items: [] }))
            objections = listed.items
          }
        } catch (e) {
          notice = null // the file itself is shown; the notice is an extra
        }
      }
      this.setData({ notice, objections, next: nextStep(file, notice) })
    },
    onObjection(e: WechatMiniprogram.TouchEvent) {
      wx.navigateTo({ url: `/pages/notices/objection?id=${e.currentTarget.dataset.id}` })
    },
    onComment(e: any) {
      this.setData({ comment: e.detail.value })
    },
    async decide(action: string) {
      if (!this.data.deciding) this.setData({ decided: '' })
      await runDecision(this, {
        action: (this as any)._decide, busy: 'deciding', error: 'decisionError',
        send: (key) => api.post(`/hardship-files/${this.data.id}/decisions`, {
          action, version: this.data.file.version, comment: this.data.comment || null,
        }, { idempotencyKey: key }),
        done: async (file: any) => {
          this.setData({ file, canDecide: this.mayDecide(file), decided: `已${DECIDED[action]}：${file.status_label}` })
          await this.loadNotice(file)
        },
        reload: () => this.load(),
      })
    },
    onApprove() {
      return this.decide('approve')
    },
    onReturn() {
      return this.decide('return')
    },
    onFile() {
      return this.decide('file')
    },
  },
})
