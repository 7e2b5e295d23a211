// Entries of the 服务 tab. Add one line per feature; `url` is a page path (navigateTo).
export interface MenuEntry {
  key: string
  title: string
  desc: string
  url: string
  icon?: string // a TDesign icon name
}

export const SERVICE_MENU: MenuEntry[] = [
  { key: 'join', title: '入会', desc: '申请加入工会、查看入会进度', url: '/pages/join/index', icon: 'user-add' },
  { key: 'projects', title: '揭榜挂帅', desc: '看榜单、揭榜、报名志愿者', url: '/pages/projects/index', icon: 'flag' },
  { key: 'aid', title: '困难帮扶', desc: '申请帮扶、查看审批进度', url: '/pages/aid/index', icon: 'help-circle' },
  { key: 'benefits', title: '我的福利', desc: '看看你能领什么：阅读卡、送清凉、安康保险', url: '/pages/benefits/index', icon: 'gift' },
  { key: 'benefit-redeem', title: '核销领取码', desc: '驿站工作人员核销会员的福利领取码', url: '/pages/benefits/redeem', icon: 'scan' },
]
