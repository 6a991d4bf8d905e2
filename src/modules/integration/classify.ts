// A first classification of an old group from what Shequn knows of it: its name, its region, where its
// members live and how alive it is. The operator corrects it in the wizard; these are suggestions only.
import type { GroupKind } from './planner.ts';
import type { IntegrationDecision, PlanGroup } from './integration.schema.ts';

/** Cities named in group names, and the English spellings seen in Telegram, WhatsApp and Slack groups. */
const CITIES = [
  '北京', '上海', '广州', '深圳', '杭州', '成都', '武汉', '南京', '西安', '重庆', '天津', '苏州', '长沙', '郑州', '青岛', '宁波',
  '厦门', '福州', '济南', '合肥', '昆明', '大连', '沈阳', '哈尔滨', '长春', '石家庄', '太原', '南昌', '南宁', '贵阳', '兰州', '海口',
  '三亚', '无锡', '常州', '佛山', '东莞', '珠海', '中山', '惠州', '温州', '绍兴', '嘉兴', '金华', '台州', '徐州', '扬州', '南通',
  '烟台', '潍坊', '洛阳', '乌鲁木齐', '呼和浩特', '银川', '西宁', '拉萨', '香港', '澳门', '台北', '新加坡', '吉隆坡', '东京', '首尔',
  '伦敦', '纽约', '悉尼', '温哥华', '多伦多',
];
const CITY_EN: Record<string, string> = {
  beijing: '北京', shanghai: '上海', guangzhou: '广州', shenzhen: '深圳', hangzhou: '杭州', chengdu: '成都', wuhan: '武汉', nanjing: '南京',
  "xi'an": '西安', xian: '西安', chongqing: '重庆', tianjin: '天津', suzhou: '苏州', changsha: '长沙', xiamen: '厦门', qingdao: '青岛',
  'hong kong': '香港', hongkong: '香港', macau: '澳门', taipei: '台北', singapore: '新加坡', 'kuala lumpur': '吉隆坡', tokyo: '东京',
  seoul: '首尔', london: '伦敦', 'new york': '纽约', sydney: '悉尼', vancouver: '温哥华', toronto: '多伦多',
};

/** Common shared interests (同好) in group names; the community's own persona interests are tried first. */
const INTERESTS = [
  '读书', '跑步', '马拉松', '徒步', '骑行', '登山', '露营', '摄影', '咖啡', '茶', '烘焙', '美食', '旅行', '瑜伽', '健身', '游泳', '篮球',
  '足球', '羽毛球', '网球', '飞盘', '钓鱼', '宠物', '猫', '狗', '育儿', '亲子', '编程', '设计', '投资', '理财', '英语', '日语', '绘画',
  '书法', '音乐', '吉他', '钢琴', '舞蹈', '电影', '动漫', '游戏', '桌游', '剧本杀', '汉服', '手工', '花艺', '园艺', '户外', '滑雪',
];

const KIND_WORDS: [GroupKind, RegExp][] = [
  ['core', /核心|骨干|群主|团长|志愿者|\bcore\b|\bcrew\b/i],
  ['management', /内部|员工|管理组|工作群|运营组|\bstaff\b|\bteam\b/i],
  ['service', /客服|售后|服务|答疑|咨询|\bsupport\b|\bhelp\b/i],
  ['product', /产品|内测|体验官|测试|\bbeta\b/i],
  ['consumer', /粉丝|福利|优惠|团购|秒杀|\bdeals?\b|\bfans?\b/i],
  ['member', /会员|学员|训练营|[一-龥]班|vip|\bmembers?\b|\bclass\b/i],
  ['occupation', /行业|从业|职场|律师|医生|老师|程序员|设计师|hr\b/i],
  ['city', /同城|城市|分会|\bcity\b/i],
];

export function cityIn(name: string): string | null {
  for (const c of CITIES) if (name.includes(c)) return c;
  const lower = name.toLowerCase();
  for (const [en, zh] of Object.entries(CITY_EN)) if (new RegExp(`\\b${en.replace(/[-'\s]/g, (ch) => (ch === ' ' ? '\\s*' : ch))}\\b`).test(lower)) return zh;
  return null;
}

export function interestIn(name: string, own: readonly string[]): string | null {
  const lower = name.toLowerCase();
  for (const i of own) if (i && lower.includes(i.toLowerCase())) return i;
  for (const i of INTERESTS) if (name.includes(i)) return i;
  return null;
}

export interface GroupFacts {
  groupId: string;
  name: string;
  kind: GroupKind;
  region: string | null;
  seats: number;
  /** How many of its members live in each city (members with a city only). */
  memberCities: Map<string, number>;
  /** Messages in the last 30 days. */
  recentMessages: number;
  /** Epoch ms of its latest message, null when it has none. */
  lastMessageAt: number | null;
}

const YEAR = 365 * 86_400_000;

/** A suggestion for one group; `seatsPerGroup` is the plan's target size, `now` the clock's. */
export function classifyGroup(g: GroupFacts, ownInterests: readonly string[], seatsPerGroup: number, now: number): PlanGroup {
  const city = cityIn(g.name) ?? g.region ?? mainCity(g.memberCities);
  const interest = interestIn(g.name, ownInterests);
  const byWord = KIND_WORDS.find(([, re]) => re.test(g.name))?.[0];
  const kind: GroupKind = byWord ?? (cityIn(g.name) ? 'city' : interest ? 'hobby' : g.kind);
  const fn = kind === 'service' ? 'serve' : /福利|优惠|引流|体验|拉新|试听|免费/.test(g.name) ? 'acquire' : 'retain';
  return { groupId: g.groupId, kind, function: fn, city, interest, decision: suggestDecision(g, kind, seatsPerGroup, now) };
}

function suggestDecision(g: GroupFacts, kind: GroupKind, seatsPerGroup: number, now: number): IntegrationDecision {
  if (g.seats === 0) return 'retire';
  // A small group silent for a year has no one left to move.
  if (g.seats < 20 && (g.lastMessageAt === null || now - g.lastMessageAt > YEAR)) return 'retire';
  if (kind === 'core' || kind === 'management' || kind === 'service') return 'keep';
  // A group already the planned size and still talking is a group to keep, not to break up.
  if (g.seats >= seatsPerGroup / 2 && g.recentMessages > 0) return 'keep';
  return 'merge';
}

/** The city most of its members live in, when at least three of them say and more than half agree. */
function mainCity(cities: Map<string, number>): string | null {
  let total = 0;
  let best: [string, number] | null = null;
  for (const [c, n] of cities) {
    total += n;
    if (!best || n > best[1]) best = [c, n];
  }
  return best && total >= 3 && best[1] * 2 > total ? best[0] : null;
}
