// Thin typed wrapper over wx storage (sync; values must be JSON-serialisable, ≤1 MB per key).
export function getItem<T>(key: string): T | null {
  try {
    const v = wx.getStorageSync(key)
    return v === '' || v === undefined || v === null ? null : (v as T)
  } catch (e) {
    return null
  }
}

export function setItem(key: string, value: unknown): void {
  try {
    wx.setStorageSync(key, value)
  } catch (e) {
    // storage full: the cache is only an optimisation
  }
}

export function removeItem(key: string): void {
  try {
    wx.removeStorageSync(key)
  } catch (e) {
    /* ignore */
  }
}
