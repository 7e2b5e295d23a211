// Scenes of the codes the union prints (a station's sign `s=<code>&k=<key>`, an event's venue
// code `e=<code>&k=<key>`), whether a page got one from onLoad({scene}) or from wx.scanCode's
// `path` (iOS: `pages/station/index?scene=s%3DX%26k%3DY`, Android: raw).
import { ApiError } from './api'

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

/** The public event code in an event venue code's scene (`e=EV7K2M9Q&k=…` → `EV7K2M9Q`). */
export function eventCodeOf(scene: string): string | null {
  const m = /(?:^|&)e=([^&]+)/.exec(scene)
  return m ? m[1] : null
}

/** The decoded `scene` a page was opened with (WeChat passes a code's scene as `?scene=`), or ''. */
export function sceneOfQuery(query: Record<string, string> | undefined | null): string {
  return query && query.scene ? decodeScene(query.scene) : ''
}

/** What a page opened by `?id=` or from its printed code (`?scene=`) shows: the id, or the
 * public code in the scene. A scene of another kind of code → `notOurs`; neither → `missing`
 * (ApiErrors with those Chinese messages, shown by the page's state-view). */
export function targetOf(query: Record<string, string>, codeOf: (scene: string) => string | null,
  messages: { notOurs: string; missing: string }): { id: string } | { code: string } {
  if (query.id) return { id: query.id }
  if (query.scene) {
    const code = codeOf(decodeScene(query.scene))
    if (!code) throw new ApiError('bad_scene', messages.notOurs, 0)
    return { code }
  }
  throw new ApiError('not_found', messages.missing, 404)
}

/** Scan a mini-program code with the camera: the scene it carries (from the code's `path`, or
 * its text), null when it carries none, undefined when the person closed the scanner. */
export function scanScene(): Promise<string | null | undefined> {
  return new Promise((resolve) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['wxCode', 'qrCode'],
      success: (res) => resolve(sceneFromPath((res as any).path) || sceneFromPath(res.result)),
      fail: () => resolve(undefined), // cancelled
    })
  })
}
