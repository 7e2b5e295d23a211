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
  { key: 'hardship', title: '困难职工档案', desc: '困难自测、查看我家的档案', url: '/pages/hardship/index', icon: 'home' },
  { key: 'card', title: '电子会员卡', desc: '出示会员码，核验会籍', url: '/pages/cards/card', icon: 'card' },
  { key: 'transfer', title: '转会', desc: '换了工作或搬家，把会籍转到新工会', url: '/pages/members/transfer', icon: 'swap' },
  { key: 'rights', title: '维权求助', desc: '欠薪、工伤、劳动合同等问题找工会', url: '/pages/rights/index', icon: 'shield-error' },
  { key: 'card-verify', title: '核验会员卡', desc: '工会干部、驿站和合作商户扫码核验', url: '/pages/cards/verify', icon: 'scan' },
  { key: 'events', title: '宣讲培训', desc: '宣讲、大讲堂、技能培训：报名、候补、扫码签到', url: '/pages/events/index', icon: 'calendar' },
  { key: 'training', title: '点单培训', desc: '向县总工会点培训主题、查看安排', url: '/pages/training/index', icon: 'chat' },
  { key: 'benefits', title: '我的福利', desc: '看看你能领什么：阅读卡、送清凉、安康保险', url: '/pages/benefits/index', icon: 'gift' },
  { key: 'benefit-redeem', title: '核销领取码', desc: '驿站工作人员核销会员的福利领取码', url: '/pages/benefits/redeem', icon: 'scan' },
  { key: 'station-admin', title: '驿站管理', desc: '工会管理员：编辑、暂停驿站，打印驿站码；驿站工作人员扫会员卡签到', url: '/pages/station-admin/index', icon: 'shop' },
  { key: 'events-manage', title: '活动管理', desc: '工会干部：新建、发布、取消、结束宣讲培训，代签到', url: '/pages/events/manage/index', icon: 'calendar-edit' },
  { key: 'relief', title: '对口援助', desc: '工会干部：本工会给出和收到的援助款、确认到账、发放情况', url: '/pages/relief/index', icon: 'money' },
  { key: 'stats', title: '数据统计', desc: '工会干部：揭榜挂帅、帮扶项目与困难职工档案统计', url: '/pages/stats/index', icon: 'chart-bar' },
]
