import { agree, attachPopup, detachPopup, disagree, openContract, PrivacyPopupHost } from '../../utils/privacy'

Component({
  data: { visible: false, contractName: '《用户隐私保护指引》' },
  lifetimes: {
    attached() {
      const host: PrivacyPopupHost = {
        show: (name: string) => this.setData({ visible: true, contractName: name }),
        hide: () => this.setData({ visible: false }),
      }
      ;(this as any)._host = host
      attachPopup(host)
    },
    detached() {
      detachPopup((this as any)._host)
    },
  },
  methods: {
    onAgree() {
      agree('agree-btn')
    },
    onDisagree() {
      disagree()
    },
    onOpenContract() {
      openContract()
    },
  },
})
