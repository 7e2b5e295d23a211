// Backend base URL per mini-program environment (develop / trial / release).
// Change these to your union's HTTPS domains (they must be in the admin console's legal domains).
export type EnvVersion = 'develop' | 'trial' | 'release'

export const BASE_URLS: Record<EnvVersion, string> = {
  develop: 'http://127.0.0.1:5000',
  trial: 'https://gonghui-staging.example.cn',
  release: 'https://gonghui.example.cn',
}

export const API_PREFIX = '/api/v1'
export const REQUEST_TIMEOUT_MS = 10000

let override: string | null = null

/** Tests (and a debug screen) point the app at another backend. */
export function setBaseUrl(url: string | null): void {
  override = url ? url.replace(/\/+$/, '') : null
}

export function envVersion(): EnvVersion {
  try {
    const v = wx.getAccountInfoSync().miniProgram.envVersion as EnvVersion
    return v in BASE_URLS ? v : 'develop'
  } catch (e) {
    return 'develop'
  }
}

/** Storage key of a debug override of the backend URL (honoured outside release only). */
export const BASE_URL_STORAGE_KEY = 'gh.base_url'

export function baseUrl(): string {
  if (override) return override
  const env = envVersion()
  if (env !== 'release') {
    try {
      const stored = wx.getStorageSync(BASE_URL_STORAGE_KEY)
      if (typeof stored === 'string' && /^https?:\/\//.test(stored)) return stored.replace(/\/+$/, '')
    } catch (e) {
      /* no storage */
    }
  }
  return BASE_URLS[env]
}

/** Absolute URL of an API path ('/stations/nearby') or of a host path the API returned ('/api/v1/…'). */
export function apiUrl(path: string): string {
  if (/^https?:\/\//.test(path)) return path
  if (path.startsWith(API_PREFIX + '/')) return baseUrl() + path
  return baseUrl() + API_PREFIX + (path.startsWith('/') ? path : '/' + path)
}
