// 编辑驿站 (admins, ?id=): name, address, phone and services; suspend or reopen; the station
// code (the API's mini-program code PNG) shown to save and print for the sign.
import * as api from '../../utils/api'
import { ensureLogin } from '../../utils/auth'
const STATION_THEME: Record<string, string> = { planned: 'default', active: 'success', suspended: 'warning', closed: 'danger' }

Component({
  data: {
    status: 'loading', message: '', station: null as any, theme: 'default',
    form: { name: '', address: '', phone: '' }, services: [] as { code: string; label: string; on: boolean }[],
    saving: false, formError: '', saved: '', codeUrl: '', codeError: '', codeLoading: false, statusBusy: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      ;(this as any)._id = query && query.id
      ;(this as any)._save = api.action()
      ;(this as any)._status = api.action()
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        const [station, vocab] = await Promise.all([
          api.get(`/stations/${(this as any)._id}`),
          api.get<{ items: { code: string; label: string }[] }>('/stations/services'),
        ])
        this.show(station, vocab.items)
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    show(station: any, vocab?: { code: string; label: string }[]) {
      const list = vocab || this.data.services
      this.setData({
        status: 'ok', station, theme: STATION_THEME[station.status] || 'default',
        form: { name: station.name, address: station.address, phone: station.phone || '' },
        services: list.map((s) => ({ code: s.code, label: s.label, on: station.services.indexOf(s.code) >= 0 })),
      })
    },
    onInput(e: any) {
      this.setData({ ['form.' + e.currentTarget.dataset.field]: e.detail.value, formError: '', saved: '' })
    },
    onService(e: WechatMiniprogram.TouchEvent) {
      const i = Number(e.currentTarget.dataset.index)
      this.setData({ [`services[${i}].on`]: !this.data.services[i].on, saved: '' })
    },
    async onSave() {
      if (this.data.saving) return
      const f = this.data.form
      const body = {
        version: this.data.station.version, name: f.name.trim(), address: f.address.trim(),
        phone: f.phone.trim() || null, services: this.data.services.filter((s) => s.on).map((s) => s.code),
      }
      this.setData({ saving: true, formError: '', saved: '' })
      try {
        const station = await ((this as any)._save as api.Action<any>).run((key) => api.patch(`/stations/${this.data.station.id}`, body, { idempotencyKey: key }))
        this.show(station)
        this.setData({ saved: '已保存' })
      } catch (e) {
        const fields = e instanceof api.ApiError ? Object.keys(e.fields).map((k) => ([] as any[]).concat(e.fields[k]).join('；')) : []
        this.setData({ formError: [api.errorMessage(e)].concat(fields).join(' ') })
      }
      this.setData({ saving: false })
    },
    /** 暂停开放 / 恢复开放 after a confirmation. */
    onToggleStatus() {
      if (this.data.statusBusy) return Promise.resolve()
      const next = this.data.station.status === 'suspended' ? 'active' : 'suspended'
      return new Promise<void>((resolve) => {
        wx.showModal({
          title: next === 'suspended' ? '暂停开放' : '恢复开放',
          content: next === 'suspended' ? '暂停后附近列表不再显示此驿站，可随时恢复。' : '恢复后劳动者可在附近列表找到此驿站。',
          success: async (r) => {
            if (!r.confirm) return resolve()
            this.setData({ statusBusy: true, formError: '' })
            try {
              const station = await ((this as any)._status as api.Action<any>).run((key) => api.patch(`/stations/${this.data.station.id}`, { status: next, version: this.data.station.version }, { idempotencyKey: key }))
              this.show(station)
              wx.showToast({ title: next === 'suspended' ? '已暂停' : '已恢复', icon: 'success' })
            } catch (e) {
              this.setData({ formError: api.errorMessage(e) })
            }
            this.setData({ statusBusy: false })
            resolve()
          },
          fail: () => resolve(),
        })
      })
    },
    async onCode() {
      if (this.data.codeLoading) return
      this.setData({ codeLoading: true, codeError: '' })
      try {
        const url = await api.imageDataUrl(`/stations/${this.data.station.id}/qrcode`)
        this.setData({ codeUrl: url })
      } catch (e) {
        this.setData({ codeError: api.errorMessage(e) })
      }
      this.setData({ codeLoading: false })
    },
    onPreviewCode() {
      // long-press the preview to save it to the album and print it
      wx.previewImage({ urls: [this.data.codeUrl], current: this.data.codeUrl })
    },
  },
})
