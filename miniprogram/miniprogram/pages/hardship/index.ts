// 困难职工帮扶: the caller's hardship files (opened by them, or their household's) and the
// 30-second self-test against the county's 低保 line (nothing is stored).
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'

interface FileCard { id: number; head_name: string; status_label: string; level_label: string; org: { name: string } }
interface Assessment { level: string; level_label: string; monthly_per_person_fen: number; poverty_line_fen: number }

const yuanToFen = (text: string) => Math.round(Number(text || '0') * 100)
const fenText = (fen: number) => (fen / 100).toFixed(2)

Component({
  data: {
    status: 'loading', message: '', files: [] as FileCard[],
    county: '', size: '', income: '', costs: '', accident: '',
    testError: '', result: '' as string, resultLevel: '',
  },
  methods: {
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      try {
        await ensureLogin()
        const page = await api.get<{ items: FileCard[] }>('/me/hardship-files', { limit: 50 })
        this.setData({ status: page.items.length ? 'ok' : 'empty', files: page.items,
          message: page.items.length ? '' : '还没有困难职工档案' })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onOpen(e: any) {
      wx.navigateTo({ url: `/pages/hardship/file?id=${e.currentTarget.dataset.id}` })
    },
    onApply() {
      wx.navigateTo({ url: '/pages/hardship/apply' })
    },
    onInput(e: any) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value })
    },
    async onSelfTest() {
      this.setData({ testError: '', result: '' })
      const size = Number(this.data.size)
      if (!this.data.county || !(size >= 1)) {
        this.setData({ testError: '请填写所在县和家庭人口' })
        return
      }
      try {
        const found = await api.get<{ items: { id: number; level: string }[] }>('/orgs', { q: this.data.county, limit: 20 })
        const county = found.items.find((o) => o.level === 'county')
        if (!county) {
          this.setData({ testError: '没有找到这个县级工会' })
          return
        }
        const r = await api.post<Assessment>('/hardship-files/self-test', {
          county_org_id: county.id, household_size: size,
          yearly_income_fen: yuanToFen(this.data.income), yearly_fixed_costs_fen: yuanToFen(this.data.costs),
          accident_costs_fen: yuanToFen(this.data.accident),
        })
        this.setData({
          resultLevel: r.level,
          result: `${r.level_label}：家庭月人均收入 ${fenText(r.monthly_per_person_fen)} 元，当地低保标准 ${fenText(r.poverty_line_fen)} 元`,
        })
      } catch (e) {
        this.setData({ testError: api.errorMessage(e) })
      }
    },
  },
})
