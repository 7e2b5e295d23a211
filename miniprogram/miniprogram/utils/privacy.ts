// The privacy flow WeChat requires before location, phone number and album access:
// wx.onNeedPrivacyAuthorization fires when a privacy API needs consent; the registered
// <privacy-popup> shows the guide and resolves with 'agree' after the agree button
// (open-type="agreePrivacyAuthorization") fired, or 'disagree'.
type Resolver = (r: { event: 'agree' | 'disagree' | 'exposureAuthorization'; buttonId?: string }) => void

export interface PrivacyPopupHost {
  show(contractName: string): void
  hide(): void
}

let popup: PrivacyPopupHost | null = null
let pending: Resolver | null = null
let contractName = '《用户隐私保护指引》'

/** Register the listener (app.ts onLaunch and every page's onLoad: WeChat keeps only the last
 * listener, so registering again is harmless and survives a listener set elsewhere). */
export function installPrivacyListener(): void {
  if (typeof wx.onNeedPrivacyAuthorization !== 'function') return
  ;(wx as any).onNeedPrivacyAuthorization((resolve: Resolver) => {
    pending = resolve
    if (popup) {
      popup.show(contractName)
      resolve({ event: 'exposureAuthorization' })
    } else {
      // no popup on this page: refuse rather than hang the API call
      pending = null
      resolve({ event: 'disagree' })
    }
  })
  if (typeof wx.getPrivacySetting === 'function') {
    wx.getPrivacySetting({
      success: (r) => {
        if (r.privacyContractName) contractName = r.privacyContractName
      },
    })
  }
}

/** The popup component registers itself while attached (the last one attached wins). */
export function attachPopup(p: PrivacyPopupHost): void {
  popup = p
}

export function detachPopup(p: PrivacyPopupHost): void {
  if (popup === p) popup = null
}

export function agree(buttonId: string): void {
  const r = pending
  pending = null
  if (popup) popup.hide()
  if (r) r({ event: 'agree', buttonId })
}

export function disagree(): void {
  const r = pending
  pending = null
  if (popup) popup.hide()
  if (r) r({ event: 'disagree' })
}

export function openContract(): void {
  if (typeof wx.openPrivacyContract === 'function') wx.openPrivacyContract({})
}

/** For tests: forget the listener state between tests. */
export function _resetPrivacy(): void {
  popup = null
  pending = null
}
