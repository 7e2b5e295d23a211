// 困难帮扶: the programs open to me (apply) and my applications (status, tap for the timeline).
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
import { STATUS_THEME, yuanText } from '../../utils/aid'
import { timeText } from '../../utils/format'

Component({
  data: { status: 'loading', message: '', programs: [] as any[], mine: [] as any[] },
  methods: {
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      if (!this.data.programs.length && !this.data.mine.length) this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const [programs, mine] = await Promise.all([
          api.get<{ items: any[] }>('/aid/programs', { scope: 'open', limit: 50 }),
          api.get<{ items: any[] }>('/me/aid/applications', { limit: 50 }),
        ])
        this.setData({
          status: 'ok',
          programs: programs.items.map((p) => ({
            id: p.id, name: p.name, eligible: p.eligible !== false,
            closes: timeText(p.closes_at),
            categories: p.categories.map((c: any) => c.name).join('、'),
          })),
          mine: mine.items.map((a) => ({
            id: a.id, program: a.program_name, beneficiary: a.beneficiary.name,
            tier: `${a.category_name} · ${a.tier_name}`, amount: yuanText(a.amount_fen),
            status: a.status, statusLabel: a.status_label, theme: STATUS_THEME[a.status] || 'default',
            step: a.current_step ? `${a.current_step.org.name}审核中` : '',
          })),
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onApply(e: WechatMiniprogram.TouchEvent) {
      const id = e.currentTarget.dataset.id
      wx.navigateTo({ url: `/pages/aid/apply?program=${id}` })
    },
    onOpen(e: WechatMiniprogram.TouchEvent) {
      const id = e.currentTarget.dataset.id
      wx.navigateTo({ url: `/pages/aid/application?id=${id}` })
    },
  },
})
