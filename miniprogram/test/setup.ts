// jest setupFiles: the `wx` shim. wx.request / wx.uploadFile do REAL HTTP to the backend that
// backend/start.js started; everything else is in memory, settable and recorded on `wxShim`
// (globalThis.wxShim, reset before every test by after-env.ts). See test/README.md.
/* eslint-disable @typescript-eslint/no-explicit-any */
const http = require('http') as typeof import('http')
const fs = require('fs') as typeof import('fs')
const { Buffer } = require('buffer') as typeof import('buffer')

export interface RecordedRequest {
  method: string
  url: string
  path: string
  header: Record<string, string>
  data: any
  status: number // 0 when the client saw a failure
  outcome: 'ok' | 'offline' | 'lost'
}

function freshState() {
  return {
    backend: '' as string,
    /** wx.login answers `mock:<persona>`: demo persons are demo-worker, demo-member, officer-binhai… */
    persona: 'demo-worker',
    storage: new Map<string, any>(),
    /** wx.getLocation result; `null` = the user refused location */
    location: { latitude: 36.6171, longitude: 101.7782 } as { latitude: number; longitude: number } | null,
    /** wx.scanCode result; `null` = the user cancelled */
    scanResult: null as null | { result?: string; path?: string; scanType?: string },
    /** wx.chooseMedia result: temp file paths on disk */
    media: [] as string[],
    /** wx.chooseMessageFile result (files from a chat): temp paths on disk and their names */
    messageFiles: [] as { path: string; name: string }[],
    /** wx.previewImage calls */
    previews: [] as { urls: string[]; current?: string }[],
    /** wx.showModal answer */
    modalConfirm: true,
    modalContent: '',
    /** answer of wx.requestSubscribeMessage per template ('accept' | 'reject' | 'ban') */
    subscribeAnswer: 'accept',
    network: {
      offline: false, // every request fails at once ("request:fail")
      loseResponses: 0, // the next N requests reach the server but the client sees a timeout
      hold: '', // answers to paths containing this wait in `held` until the test releases them
      held: [] as (() => void)[],
    },
    privacy: {
      agreed: true, // false: privacy APIs first call the onNeedPrivacyAuthorization listener
      listener: null as null | ((resolve: (r: any) => void, info: any) => void),
      events: [] as string[],
      waiting: false, // a privacy API waits for the user's answer in the popup
    },
    requests: [] as RecordedRequest[],
    openLocation: [] as any[],
    subscribe: [] as any[],
    nav: [] as { type: string; url?: string; delta?: number }[],
    toasts: [] as any[],
    modals: [] as any[],
    /** wx.openDocument calls: the downloaded file's path, type and first bytes */
    documents: [] as { filePath: string; fileType?: string; showMenu?: boolean; magic: string }[],
    pending: 0,
  }
}

export type WxShim = ReturnType<typeof freshState> & { reset(): void; idle(timeoutMs?: number): Promise<void> }

const shim: WxShim = Object.assign(freshState(), {
  reset() {
    const backend = shim.backend
    Object.assign(shim, freshState())
    shim.backend = backend
  },
  /** Resolves when no request is in flight for two macrotask turns (pages settled). */
  async idle(timeoutMs = 20000) {
    const end = Date.now() + timeoutMs
    let quiet = 0
    while (quiet < 3) {
      await new Promise((r) => setTimeout(r, 10))
      quiet = shim.pending === 0 ? quiet + 1 : 0
      if (Date.now() > end) throw new Error(`requests still pending after ${timeoutMs} ms`)
    }
  },
})
;(globalThis as any).wxShim = shim

const later = (fn: () => void) => setTimeout(fn, 0)

// Every async wx answer counts as pending until its callbacks ran and the page's continuation
// (microtasks, the next wx call) had a macrotask turn: settle() waits for all of it.
function call(opts: any, ok: boolean, res: any) {
  shim.pending += 1
  later(() => {
    try {
      if (ok) opts && opts.success && opts.success(res)
      else opts && opts.fail && opts.fail(res)
      opts && opts.complete && opts.complete(res)
    } finally {
      setTimeout(() => (shim.pending -= 1), 0)
    }
  })
  return undefined as any
}

function headerObj(h: Record<string, any>) {
  const out: Record<string, string> = {}
  Object.keys(h || {}).forEach((k) => {
    if (h[k] !== undefined && h[k] !== null) out[k] = String(h[k])
  })
  return out
}

type HttpAnswer = { statusCode: number; body: Buffer; header: Record<string, any> }

function doHttp(method: string, url: string, header: Record<string, string>, body: any, timeout: number,
  done: (err: string | null, res?: HttpAnswer) => void) {
  const u = new URL(url)
  const payload = body === undefined || body === null ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
  const headers: Record<string, any> = Object.assign({}, header)
  if (payload) headers['Content-Length'] = payload.length
  const req = http.request({ method, hostname: u.hostname, port: u.port, path: u.pathname + u.search, headers }, (res) => {
    const chunks: Buffer[] = []
    res.on('data', (c: Buffer) => chunks.push(c))
    res.on('end', () => done(null, { statusCode: res.statusCode || 0, body: Buffer.concat(chunks), header: res.headers as any }))
  })
  req.setTimeout(timeout, () => {
    req.destroy()
    done('request:fail timeout')
  })
  req.on('error', (e: Error) => done('request:fail ' + e.message))
  if (payload) req.write(payload)
  req.end()
}

function record(r: RecordedRequest) {
  shim.requests.push(r)
}

function transport(kind: 'request' | 'uploadFile', method: string, url: string, header: Record<string, string>, body: any, timeout: number, opts: any, parse: boolean) {
  const u = new URL(url)
  const rec: RecordedRequest = { method, url, path: u.pathname + u.search, header, data: kind === 'request' ? opts.data : opts.formData, status: 0, outcome: 'ok' }
  if (shim.network.offline) {
    rec.outcome = 'offline'
    record(rec)
    return call(opts, false, { errMsg: `${kind}:fail net::ERR_INTERNET_DISCONNECTED`, errno: 600001 })
  }
  const lose = shim.network.loseResponses > 0
  if (lose) shim.network.loseResponses -= 1
  // like WeChat's task: onProgressUpdate listeners hear the bytes sent (all of them once the
  // server answered: the shim sends the body in one piece)
  const progress: ((p: any) => void)[] = []
  const task = { abort() {}, onHeadersReceived() {}, offHeadersReceived() {},
    onProgressUpdate(fn: (p: any) => void) { progress.push(fn) }, offProgressUpdate() {} } as any
  shim.pending += 1
  const held = shim.network.hold !== '' && rec.path.includes(shim.network.hold)
  doHttp(method, url, header, body, timeout, (err, res) => (held ? shim.network.held.push(() => answer(err, res)) : answer(err, res)))
  function answer(err: string | null, res?: HttpAnswer) {
    shim.pending -= 1
    if (!err && res && body) {
      const total = Buffer.isBuffer(body) ? body.length : Buffer.byteLength(String(body))
      progress.forEach((fn) => fn({ progress: 100, totalBytesSent: total, totalBytesExpectedToSend: total }))
    }
    if (err || !res) {
      rec.outcome = 'offline'
      record(rec)
      return call(opts, false, { errMsg: err, errno: 5 })
    }
    rec.status = res.statusCode
    if (lose) {
      rec.outcome = 'lost'
      record(rec)
      return call(opts, false, { errMsg: `${kind}:fail timeout`, errno: 5 })
    }
    record(rec)
    const text = res.body.toString('utf8')
    let data: any = text
    if (parse && opts.dataType !== 'text' && opts.responseType !== 'arraybuffer') {
      try {
        data = text ? JSON.parse(text) : ''
      } catch (e) {
        data = text
      }
    }
    if (opts.responseType === 'arraybuffer') data = res.body.buffer.slice(res.body.byteOffset, res.body.byteOffset + res.body.length)
    call(opts, true, { statusCode: res.statusCode, data, header: res.header, errMsg: `${kind}:ok` })
  }
  return task
}

function privacyGate(api: string, opts: any, then: () => void) {
  if (shim.privacy.agreed) return then()
  const listener = shim.privacy.listener
  if (!listener) {
    // WeChat's own popup; the tests treat it as a refusal
    return call(opts, false, { errMsg: `${api}:fail privacy permission is not authorized` })
  }
  let answered = false
  shim.privacy.waiting = true
  listener((r: any) => {
    shim.privacy.events.push(r && r.event)
    if (r && r.event === 'exposureAuthorization') return
    if (answered) return
    answered = true
    shim.privacy.waiting = false
    if (r && r.event === 'agree') {
      shim.privacy.agreed = true
      then()
    } else call(opts, false, { errMsg: `${api}:fail privacy permission is not authorized` })
  }, { referrer: api })
}

const nav = (type: string) => (opts: any) => {
  shim.nav.push({ type, url: opts && opts.url, delta: opts && opts.delta })
  return call(opts, true, { errMsg: `${type}:ok` })
}

const wxShim: Record<string, any> = {
  request(opts: any) {
    const method = (opts.method || 'GET').toUpperCase()
    const header = headerObj(opts.header)
    let url = opts.url as string
    let body: any
    if (method === 'GET' && opts.data && typeof opts.data === 'object') {
      const q = new URLSearchParams(opts.data).toString()
      if (q) url += (url.includes('?') ? '&' : '?') + q
    } else if (opts.data !== undefined) {
      body = typeof opts.data === 'string' ? opts.data : JSON.stringify(opts.data)
      if (!Object.keys(header).some((k) => k.toLowerCase() === 'content-type')) header['content-type'] = 'application/json'
    }
    return transport('request', method, url, header, body, opts.timeout || 60000, opts, true)
  },
  uploadFile(opts: any) {
    const boundary = '----gonghuiShim' + Math.random().toString(16).slice(2)
    const parts: Buffer[] = []
    Object.keys(opts.formData || {}).forEach((k) => {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${opts.formData[k]}\r\n`))
    })
    const name = String(opts.filePath).split('/').pop()
    const ext = (name || '').split('.').pop()!.toLowerCase()
    const type = ({ jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', pdf: 'application/pdf' } as Record<string, string>)[ext] || 'application/octet-stream'
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${opts.name}"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`))
    parts.push(fs.readFileSync(opts.filePath))
    parts.push(Buffer.from(`\r\n--${boundary}--\r\n`))
    const header = headerObj(opts.header)
    header['content-type'] = `multipart/form-data; boundary=${boundary}`
    // like WeChat: success gives data as a string; the caller parses it
    return transport('uploadFile', 'POST', opts.url, header, Buffer.concat(parts), opts.timeout || 60000, opts, false)
  },
  downloadFile(opts: any) {
    // a GET whose body lands in a temp file, as WeChat does (success even for a 4xx)
    const header = headerObj(opts.header)
    const u = new URL(opts.url)
    const rec: RecordedRequest = { method: 'GET', url: opts.url, path: u.pathname + u.search, header, data: undefined, status: 0, outcome: 'ok' }
    if (shim.network.offline) {
      rec.outcome = 'offline'
      record(rec)
      return call(opts, false, { errMsg: 'downloadFile:fail net::ERR_INTERNET_DISCONNECTED' })
    }
    shim.pending += 1
    doHttp('GET', opts.url, header, undefined, opts.timeout || 60000, (err, res) => {
      shim.pending -= 1
      if (err || !res) {
        rec.outcome = 'offline'
        record(rec)
        return call(opts, false, { errMsg: 'downloadFile:fail ' + err })
      }
      rec.status = res.statusCode
      record(rec)
      const tmp = require('path').join(require('os').tmpdir(), `wxdl-${process.pid}-${Date.now()}-${Math.random().toString(16).slice(2)}`)
      fs.writeFileSync(tmp, res.body)
      call(opts, true, { statusCode: res.statusCode, tempFilePath: tmp, errMsg: 'downloadFile:ok' })
    })
    return { abort() {}, onProgressUpdate() {} } as any
  },
  getFileSystemManager() {
    return {
      readFileSync(filePath: string, encoding?: string) {
        const buf = fs.readFileSync(filePath)
        return encoding ? buf.toString(encoding as any) : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)
      },
    }
  },
  openDocument(opts: any) {
    const magic = fs.existsSync(opts.filePath) ? fs.readFileSync(opts.filePath).subarray(0, 2).toString('latin1') : ''
    shim.documents.push({ filePath: opts.filePath, fileType: opts.fileType, showMenu: opts.showMenu, magic })
    return call(opts, true, { errMsg: 'openDocument:ok' })
  },
  login(opts: any) {
    return call(opts, true, { code: `mock:${shim.persona}`, errMsg: 'login:ok' })
  },
  getAccountInfoSync() {
    return { miniProgram: { appId: 'touristappid', envVersion: 'develop', version: '' }, plugin: {} }
  },
  setStorageSync(k: string, v: any) {
    shim.storage.set(k, JSON.parse(JSON.stringify(v === undefined ? null : v)))
  },
  getStorageSync(k: string) {
    return shim.storage.has(k) ? JSON.parse(JSON.stringify(shim.storage.get(k))) : ''
  },
  removeStorageSync(k: string) {
    shim.storage.delete(k)
  },
  clearStorageSync() {
    shim.storage.clear()
  },
  getStorageInfoSync() {
    return { keys: [...shim.storage.keys()], currentSize: 0, limitSize: 10240, errMsg: 'getStorageInfoSync:ok' }
  },
  getLocation(opts: any) {
    return privacyGate('getLocation', opts, () => {
      if (!shim.location) return call(opts, false, { errMsg: 'getLocation:fail auth deny' })
      call(opts, true, Object.assign({ speed: 0, accuracy: 30, errMsg: 'getLocation:ok' }, shim.location))
    })
  },
  openLocation(opts: any) {
    shim.openLocation.push({ latitude: opts.latitude, longitude: opts.longitude, name: opts.name, address: opts.address, scale: opts.scale })
    return call(opts, true, { errMsg: 'openLocation:ok' })
  },
  scanCode(opts: any) {
    if (!shim.scanResult) return call(opts, false, { errMsg: 'scanCode:fail cancel' })
    return call(opts, true, Object.assign({ scanType: 'WX_CODE', charSet: 'utf-8', rawData: '', errMsg: 'scanCode:ok' }, shim.scanResult))
  },
  chooseMedia(opts: any) {
    return privacyGate('chooseMedia', opts, () => {
      if (!shim.media.length) return call(opts, false, { errMsg: 'chooseMedia:fail cancel' })
      call(opts, true, { type: 'image', tempFiles: shim.media.map((p) => ({ tempFilePath: p, size: fs.statSync(p).size, fileType: 'image' })), errMsg: 'chooseMedia:ok' })
    })
  },
  chooseMessageFile(opts: any) {
    if (!shim.messageFiles.length) return call(opts, false, { errMsg: 'chooseMessageFile:fail cancel' })
    return call(opts, true, { tempFiles: shim.messageFiles.map((f) => ({ path: f.path, name: f.name, size: fs.statSync(f.path).size, type: 'file', time: 0 })), errMsg: 'chooseMessageFile:ok' })
  },
  previewImage(opts: any) {
    shim.previews.push({ urls: opts.urls, current: opts.current })
    return call(opts, true, { errMsg: 'previewImage:ok' })
  },
  requestSubscribeMessage(opts: any) {
    const res: Record<string, string> = { errMsg: 'requestSubscribeMessage:ok' }
    ;(opts.tmplIds || []).forEach((t: string) => (res[t] = shim.subscribeAnswer))
    shim.subscribe.push({ tmplIds: opts.tmplIds, result: res })
    return call(opts, true, res)
  },
  navigateTo: nav('navigateTo'),
  redirectTo: nav('redirectTo'),
  switchTab: nav('switchTab'),
  reLaunch: nav('reLaunch'),
  navigateBack: nav('navigateBack'),
  showToast(opts: any) {
    shim.toasts.push(opts)
    return call(opts, true, { errMsg: 'showToast:ok' })
  },
  hideToast(opts: any) { return call(opts, true, {}) },
  showLoading(opts: any) { return call(opts, true, {}) },
  hideLoading(opts: any) { return call(opts, true, {}) },
  showModal(opts: any) {
    shim.modals.push(opts)
    return call(opts, true, { confirm: shim.modalConfirm, cancel: !shim.modalConfirm, content: shim.modalContent, errMsg: 'showModal:ok' })
  },
  stopPullDownRefresh(opts: any) { return call(opts, true, {}) },
  setNavigationBarTitle(opts: any) { return call(opts, true, {}) },
  onNeedPrivacyAuthorization(listener: any) {
    shim.privacy.listener = listener // only the last listener is active, as in WeChat
  },
  getPrivacySetting(opts: any) {
    return call(opts, true, { needAuthorization: !shim.privacy.agreed, privacyContractName: '《工会小程序隐私保护指引》', errMsg: 'getPrivacySetting:ok' })
  },
  requirePrivacyAuthorize(opts: any) {
    return privacyGate('requirePrivacyAuthorize', opts, () => call(opts, true, { errMsg: 'requirePrivacyAuthorize:ok' }))
  },
  openPrivacyContract(opts: any) {
    shim.nav.push({ type: 'openPrivacyContract' })
    return call(opts, true, {})
  },
}

;(globalThis as any).wx = Object.assign((globalThis as any).wx || {}, wxShim)
;(globalThis as any).getApp = () => ({ globalData: {} })
;(globalThis as any).getCurrentPages = () => []
