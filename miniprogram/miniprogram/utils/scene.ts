// The station sign's `scene` (`s=<code>&k=<key>`), whether it came from onLoad({scene}) or from
// wx.scanCode's `path` (iOS: `pages/station/index?scene=s%3DX%26k%3DY`, Android: raw).
export function sceneFromPath(path: string | undefined | null): string | null {
  if (!path) return null
  const i = path.indexOf('scene=')
  if (i < 0) return null
  return decodeScene(path.slice(i + 'scene='.length))
}

export function decodeScene(raw: string): string {
  let s = raw
  for (let i = 0; i < 3 && /%[0-9a-fA-F]{2}/.test(s); i++) {
    try {
      s = decodeURIComponent(s)
    } catch (e) {
      break
    }
  }
  return s
}

/** The public station code in a scene (`s=ZH7K2M9Q&k=…` → `ZH7K2M9Q`). */
export function stationCodeOf(scene: string): string | null {
  const m = /(?:^|&)s=([^&]+)/.exec(scene)
  return m ? m[1] : null
}
