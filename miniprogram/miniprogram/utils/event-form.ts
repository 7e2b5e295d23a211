// The officer's event form (POST /events and the schedule action of a 点单 decision): its data,
// its input handlers (spread into a page's methods) and the request body the API expects.
export const KIND_CHOICES = [
  { key: 'lecture', label: '宣讲' },
  { key: 'class', label: '大讲堂/培训班' },
  { key: 'training', label: '技能培训' },
]
export const FORM_CHOICES = [
  { key: 'offline', label: '线下场地' },
  { key: 'online', label: '线上直播' },
]
export const PLACE_CHOICES = [
  { key: 'agency', label: '机关' },
  { key: 'enterprise', label: '企业' },
  { key: 'school', label: '学校' },
  { key: 'community', label: '社区' },
  { key: 'village', label: '乡村' },
]
export const AUDIENCE_CHOICES = [
  { key: 'everyone', label: '所有人' },
  { key: 'members', label: '工会会员' },
  { key: 'orgs', label: '指定工会的会员' },
]

export interface EventFormData {
  kind: string
  title: string
  series: string
  speakers: string
  form: string
  placeType: string
  venue: string
  address: string
  lat: number | null
  lng: number | null
  locationText: string
  liveUrl: string
  replayUrl: string
  starts: string
  ends: string
  opens: string
  closes: string
  capacity: string
  audience: string
  audienceOrgs: string
}

/** A moment as the form shows it: Beijing time "YYYY-MM-DD HH:MM". */
export function formTime(d: Date): string {
  const b = new Date(d.getTime() + 8 * 3600 * 1000).toISOString()
  return `${b.slice(0, 10)} ${b.slice(11, 16)}`
}

export function emptyForm(over: Partial<EventFormData> = {}): EventFormData {
  return Object.assign({
    kind: 'lecture', title: '', series: '', speakers: '', form: 'offline', placeType: 'enterprise',
    venue: '', address: '', lat: null, lng: null, locationText: '', liveUrl: '', replayUrl: '',
    starts: '', ends: '', opens: formTime(new Date()), closes: '', capacity: '', audience: 'everyone', audienceOrgs: '',
  }, over)
}

export const FORM_CHOICE_DATA = {
  kindChoices: KIND_CHOICES, formChoices: FORM_CHOICES, placeChoices: PLACE_CHOICES, audienceChoices: AUDIENCE_CHOICES,
}

/** "2027-03-01 09:00" (Beijing time) → "2027-03-01T09:00:00" (no offset = Asia/Shanghai for the API). */
export function apiTime(s: string): string {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})$/.exec(s.trim())
  if (!m) return ''
  const p = (x: string) => (x.length < 2 ? '0' + x : x)
  return `${m[1]}-${p(m[2])}-${p(m[3])}T${p(m[4])}:${m[5]}:00`
}

/** "姓名 称号" per line (称号 optional; a space or a Chinese comma separates). */
export function parseSpeakers(s: string): { name: string; title: string | null }[] {
  return s.split('\n').map((l) => l.trim()).filter((l) => l).map((l) => {
    const m = /^(\S+?)[\s，,]+(.+)$/.exec(l)
    return m ? { name: m[1], title: m[2].trim() } : { name: l, title: null }
  })
}

/** The API body of the form, or a Chinese message saying what is missing. */
export function eventBody(f: EventFormData): { body?: any; error?: string } {
  if (!f.title.trim()) return { error: '请填写活动标题' }
  const speakers = parseSpeakers(f.speakers)
  if (!speakers.length) return { error: '请至少填写一位主讲人' }
  const times: Record<string, string> = {}
  const names: [string, string, string][] = [
    ['starts_at', f.starts, '开始时间'], ['ends_at', f.ends, '结束时间'],
    ['signup_opens_at', f.opens, '报名开始时间'], ['signup_closes_at', f.closes, '报名截止时间'],
  ]
  for (const [key, value, label] of names) {
    times[key] = apiTime(value)
    if (!times[key]) return { error: `${label}请按“2027-03-01 09:00”的格式填写` }
  }
  let capacity: number | null = null
  if (f.capacity.trim()) {
    capacity = Number(f.capacity)
    if (!Number.isInteger(capacity) || capacity < 1) return { error: '名额请填正整数' }
  }
  const body: any = {
    kind: f.kind, title: f.title.trim(), series: f.series.trim() || null, speakers, form: f.form,
    ...times, capacity, audience: f.audience,
  }
  if (f.audience === 'orgs') {
    const ids = f.audienceOrgs.split(/[\s,，]+/).filter((x) => x).map(Number)
    if (!ids.length || ids.some((n) => !Number.isInteger(n) || n < 1)) return { error: '请填写面向的工会编号，用逗号分隔' }
    body.audience_org_ids = ids
  }
  if (f.form === 'offline') {
    if (!f.venue.trim() || !f.address.trim()) return { error: '线下活动请填写场地名称和地址' }
    if (f.lat === null || f.lng === null) return { error: '请点“定位场地位置”记下场地坐标' }
    if (capacity === null) return { error: '线下活动请填写名额' }
    Object.assign(body, {
      place_type: f.placeType, venue_name: f.venue.trim(), address: f.address.trim(),
      location: { lat: f.lat, lng: f.lng, coord: 'gcj02' },
    })
  } else {
    if (!f.liveUrl.trim() && !f.replayUrl.trim()) return { error: '线上活动请填写直播或回放链接' }
    body.live_url = f.liveUrl.trim() || null
    body.replay_url = f.replayUrl.trim() || null
  }
  return { body }
}

/** Input handlers of the form's wxml (data-field / data-key on each control). */
export const formMethods = {
  onFormInput(this: any, e: any) {
    this.setData({ [`f.${e.currentTarget.dataset.field}`]: e.detail.value, formError: '' })
  },
  onFormChoice(this: any, e: any) {
    const d = e.currentTarget.dataset
    this.setData({ [`f.${d.field}`]: d.key, formError: '' })
  },
  onLocate(this: any) {
    wx.getLocation({
      type: 'gcj02',
      success: (r: any) => this.setData({
        'f.lat': r.latitude, 'f.lng': r.longitude, formError: '',
        'f.locationText': `已定位：${r.latitude.toFixed(5)}, ${r.longitude.toFixed(5)}`,
      }),
      fail: () => this.setData({ formError: '没有拿到位置，请在微信设置里允许使用位置后重试' }),
    })
  },
}
