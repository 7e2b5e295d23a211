// The unread in-app message count: the badge on 我的 (the tab bar, index 3) and on its 消息 entry.
import * as api from './api'

export const ME_TAB_INDEX = 3

/** Show the count on the 我的 tab (removed at 0). Never throws (not on a tab page, old base lib). */
export function showTabBadge(unread: number): void {
  try {
    if (unread > 0 && typeof wx.setTabBarBadge === 'function') {
      wx.setTabBarBadge({ index: ME_TAB_INDEX, text: unread > 99 ? '99+' : String(unread), fail: () => undefined })
    } else if (unread <= 0 && typeof wx.removeTabBarBadge === 'function') {
      wx.removeTabBarBadge({ index: ME_TAB_INDEX, fail: () => undefined })
    }
  } catch (e) {
    /* not shown: only the badge */
  }
}

/** GET /me/messages/unread-count and show it on the tab; 0 when it fails (a weak signal). */
export async function refreshUnread(): Promise<number> {
  try {
    const res = await api.get<{ unread: number }>('/me/messages/unread-count')
    showTabBadge(res.unread)
    return res.unread
  } catch (e) {
    return 0
  }
}
