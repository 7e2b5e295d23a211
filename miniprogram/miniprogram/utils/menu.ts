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
  { key: 'station-admin', title: '驿站管理', desc: '工会管理员：编辑、暂停驿站，打印驿站码', url: '/pages/station-admin/index', icon: 'shop' },
  { key: 'stats', title: '数据统计', desc: '工会干部：揭榜挂帅与帮扶项目统计', url: '/pages/stats/index', icon: 'chart-bar' },
]
