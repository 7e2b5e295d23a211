// The leader's progress report: the period, the actual to date per goal, what was done, photos
// (uploaded to /files first). POST …/reports; the goals' progress on the project follows it.
import * as api from '../../../utils/api'
import { ensureLogin } from '../../../utils/auth'
import { installPrivacyListener } from '../../../utils/privacy'
import { shanghaiToday } from '../../../utils/projects'

Component({
  data: {
    status: 'loading',
    message: '',
    p: null as any,
    period: '',
    goals: [] as { name: string; unit: string; target: number; actual: string }[],
    text: '',
    photos: [] as { id: number; path: string }[],
    uploading: false,
    errors: {} as Record<string, string>,
    formError: '',
    submitting: false,
  },
  methods: {
    onLoad(query: Record<string, string>) {
      installPrivacyListener()
      ;(this as any)._id = (query && query.id) || ''
      ;(this as any)._submit = api.action()
      this.setData({ period: shanghaiToday().slice(0, 7) })
      return this.load()
    },
    onRetry() {
      return this.load()
    },
    async load() {
      const id = (this as any)._id
      this.setData({ status: 'loading', message: '' })
      try {
        await ensureLogin()
        if (!/^\d+$/.test(id)) throw new api.ApiError('not_found', '没有找到这个项目。', 404)
        const p = await api.get(`/projects/${id}`)
        if ((p.allowed_actions || []).indexOf('report') < 0) {
          this.setData({ status: 'empty', message: '只有实施中项目的揭榜人可以报告进度' })
          return
        }
        this.setData({
          p, status: 'ok',
          goals: p.progress.map((g: any) => ({
            name: g.name, unit: g.unit, target: g.target, actual: g.actual === null || g.actual === undefined ? '' : String(g.actual),
          })),
        })
      } catch (e) {
        this.setData({ status: 'error', message: api.errorMessage(e) })
      }
    },
    onInput(e: any) {
      this.setData({ [e.currentTarget.dataset.field]: e.detail.value, [`errors.${e.currentTarget.dataset.field}`]: '' })
    },
    onActual(e: any) {
      this.setData({ [`goals[${e.currentTarget.dataset.index}].actual`]: e.detail.value, 'errors.actuals': '' })
    },
    onAddPhoto() {
      if (this.data.uploading || this.data.photos.length >= 9) return
      wx.chooseMedia({
        count: 9 - this.data.photos.length,
        mediaType: ['image'],
        sizeType: ['compressed'],
        success: (res) => this.uploadAll(res.tempFiles.map((f) => f.tempFilePath)),
      })
    },
    async uploadAll(paths: string[]) {
      this.setData({ uploading: true, formError: '' })
      try {
        for (const path of paths) {
          const file = await api.upload<{ id: number }>('/files', path, { name: 'file' })
          this.setData({ photos: this.data.photos.concat([{ id: file.id, path }]) })
        }
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ uploading: false })
      }
    },
    onRemovePhoto(e: any) {
      const photos = this.data.photos.slice()
      photos.splice(Number(e.currentTarget.dataset.index), 1)
      this.setData({ photos })
    },
    async onSubmit() {
      if (this.data.submitting || this.data.uploading) return
      const errors: Record<string, string> = {}
      if (!this.data.period.trim()) errors.period = '请填写报告期，例如 2026-12'
      if (!this.data.text.trim()) errors.text = '请写一写这段时间做了什么'
      const actuals: { goal: string; actual: number }[] = []
      this.data.goals.forEach((g) => {
        if (String(g.actual).trim() === '') return
        const v = Number(g.actual)
        if (!isFinite(v) || v < 0) errors.actuals = `“${g.name}”的完成数请填不小于 0 的数字`
        else actuals.push({ goal: g.name, actual: v })
      })
      if (Object.keys(errors).length) return this.setData({ errors, formError: '请先完善标红的内容' })
      const submit = (this as any)._submit as api.Action<any>
      const body = { period: this.data.period.trim(), actuals, text: this.data.text.trim(), photo_file_ids: this.data.photos.map((x) => x.id) }
      this.setData({ submitting: true, formError: '', errors: {} })
      try {
        await submit.run((key) => api.post(`/projects/${this.data.p.id}/reports`, body, { idempotencyKey: key }))
        wx.showToast({ title: '进度已报告', icon: 'success' })
        wx.navigateBack({ delta: 1 })
      } catch (e) {
        this.setData({ formError: api.errorMessage(e) })
      } finally {
        this.setData({ submitting: false })
      }
    },
  },
})
