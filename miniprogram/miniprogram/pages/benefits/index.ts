// 我的福利: every benefit the member is entitled to (GET /me/benefits), claimed or not, with
// its deadline; tapping one opens its detail (claim there).
import * as api from '../../utils/api'
import { timeText } from '../../utils/format'

Component({
  data: { status: 'loading', message: '', items: [] as any[] },
  methods: {
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      this.setData({ status: this.data.items.length ? 'ok' : 'loading', message: '' })
      try {
        const res = await api.get<{ items: any[] }>('/me/benefits')
        const items = res.items.map((e: any) => ({
          id: e.campaign.id,
          name: e.campaign.name,
          kind: e.campaign.kind_label,
          owner: e.campaign.owner_org.name,
          claimed: e.claimed,
          state: e.claimed ? (e.claim ? e.claim.status_label : '已领取') : e.campaign.left > 0 ? '可领取' : '已领完',
          deadline: `截止 ${timeText(e.deadline)}`,
        }))
        this.setData({ items, status: items.length ? 'ok' : 'empty', message: items.length ? '' : '暂时没有你可以领取的福利' })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/benefits/detail?id=${e.currentTarget.dataset.id}` })
    },
  },
})
