// 服务: the hub of the union's services; entries come from utils/menu.ts (one line per feature).
import { SERVICE_MENU } from '../../utils/menu'

Component({
  data: { entries: SERVICE_MENU },
  methods: {
    onOpen(e: any) {
      wx.navigateTo({ url: e.currentTarget.dataset.url })
    },
  },
})
