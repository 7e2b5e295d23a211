// 公示 (?org_id=): the notices an org and the orgs under it publish (names masked); anyone
// logged in may object with a reason, once per notice while it waits for an officer.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'

interface NoticeCard { id: number; title: string; masked_name: string; place: string; category: string; amount_fen: number | null; ends_on: string; phase_label: string }

Component({
  data: { status: 'loading', message: '', orgId: 0, notices: [] as NoticeCard[], objecting: 0, reason: '', objectionError: '', objected: '' },
  methods: {
    onLoad(query: Record<string, string>) {
      this.setData({ orgId: Number(query.org_id) })
    },
    onShow() {
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      try {
        const page = await api.get<{ items: NoticeCard[] }>('/notices', { org_id: this.data.orgId, limit: 50 })
        this.setData({ status: page.items.length ? 'ok' : 'empty', notices: page.items,
          message: page.items.length ? '' : '目前没有公示' })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onObject(e: any) {
      this.setData({ objecting: Number(e.currentTarget.dataset.id), reason: '', objectionError: '', objected: '' })
    },
    onReason(e: any) {
      this.setData({ reason: e.detail.value })
    },
    async onSend() {
      this.setData({ objectionError: '', objected: '' })
      try {
        await ensureLogin()
        await api.post(`/notices/${this.data.objecting}/objections`, { reason: this.data.reason })
        this.setData({ objected: '异议已提交，工会将核实处理并告知结果', objecting: 0 })
        await this.load()
      } catch (e) {
        this.setData({ objectionError: api.errorMessage(e) })
      }
    },
  },
})
