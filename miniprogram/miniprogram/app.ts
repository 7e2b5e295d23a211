import { installPrivacyListener } from './utils/privacy'

App({
  globalData: {},
  onLaunch() {
    installPrivacyListener()
  },
})
