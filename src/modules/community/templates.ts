// Templates to position a new community from (定位): a filled canvas for common kinds of community, in the
// method's terms. The demo workspace is built from the same templates.
import { z } from 'zod';
import { communityPurpose } from '../enums.ts';
import { CanvasSchema, type Canvas } from './community.schema.ts';

type Bilingual = [zh: string, en: string];

export interface CommunityTemplate {
  key: string;
  name: Bilingual;
  description: Bilingual;
  purpose: (typeof communityPurpose.values)[number];
  /** The canvas without its dates: the lifecycle starts the day the community is made. */
  canvas: Omit<z.input<typeof CanvasSchema>, 'lifecycle'>;
  lifecycle: { days: number | null; basis: 'community' | 'product' };
}

const CITIES = ['上海', '北京', '深圳', '广州', '杭州', '成都', '南京', '武汉'];
const yuan = (n: number) => Math.round(n * 100);

export const communityTemplates: readonly CommunityTemplate[] = [
  {
    key: 'tea-brand',
    name: ['茶品牌茶友会', 'Tea brand club'],
    description: ['以产品为同好的品牌社群：茶知识、新茶尝鲜、会员价和同城茶会，带动复购与口碑', 'A brand community around the product: tea knowledge, first tastes, member prices and city tea meetups; drives repurchase and word of mouth'],
    purpose: 'brand',
    canvas: {
      sharedInterest: { description: '爱喝茶、想把茶喝明白的人：从一杯好茶开始交朋友', basis: 'product' },
      valueToMembers: { description: '茶知识、新茶尝鲜、会员价和同城茶会', type: 'knowledge' },
      valueToBuilder: { description: '复购与口碑：新品反馈、老客带新客', type: 'sales' },
      valueChecklist: { painPoint: '好茶难辨、价格不透明、一个人喝茶没人交流', returnCarrier: '每周三晚茶话会、会员价、积分换茶样' },
      readiness: { peopleAndMoney: true, contentAndService: true, timeAndPatience: true, productAndMarketingModel: true, notes: '门店导购兼任群秘；茶艺师每周一次分享' },
      tone: '温和、讲究、不硬推销',
      competitors: ['电商茶叶旗舰店', '本地茶城', '新式茶饮品牌'],
      budgetCents: yuan(360_000),
      persona: { genders: ['female', 'male'], ageMin: 25, ageMax: 50, cities: CITIES, interests: ['茶', '茶具', '传统文化', '生活方式'], occupations: ['白领', '教师', '设计师', '创业者'] },
      monetization: ['product', 'ecommerce', 'membership'],
      kpi: { memberFloor: 15_000, activeMemberRate: 0.3, eventsPerGroupPerYear: 12, revenuePerMemberPerYearCents: yuan(360) },
    },
    lifecycle: { days: 730, basis: 'product' },
  },
  {
    key: 'baijiu',
    name: ['白酒品鉴会', 'Baijiu tasting society'],
    description: ['以价值观与身份认同为同好的高客单社群：品鉴、藏酒、宴请场景，核心会员带圈层', 'A high-ticket community around values and identity: tastings, collecting, banquets; core members bring their circles'],
    purpose: 'sales',
    canvas: {
      sharedInterest: { description: '懂酒、爱酒、以酒会友的人：讲究一口好酒背后的工艺与人情', basis: 'values' },
      valueToMembers: { description: '品鉴会、年份酒与封坛酒的优先认购、酒厂游学、同好人脉', type: 'connections' },
      valueToBuilder: { description: '团购与宴请订单、封坛定制，核心会员成为城市合伙人', type: 'sales' },
      valueChecklist: { painPoint: '真假难辨、不懂年份与香型、宴请缺好酒好故事', returnCarrier: '每月城市品鉴会、封坛仪式、积分兑换酒厂游学' },
      readiness: { peopleAndMoney: true, contentAndService: true, timeAndPatience: true, productAndMarketingModel: true, notes: '品鉴师随队；城市合伙人负责线下场地与宴请资源' },
      tone: '稳重、讲究、重情谊',
      competitors: ['名酒电商', '烟酒店', '其他酒企会员俱乐部'],
      budgetCents: yuan(600_000),
      persona: { genders: ['male'], ageMin: 30, ageMax: 60, cities: CITIES, interests: ['白酒', '收藏', '商务宴请', '传统文化'], occupations: ['企业主', '高管', '公务员', '自由职业'] },
      monetization: ['product', 'membership'],
      kpi: { memberFloor: 5_000, activeMemberRate: 0.25, eventsPerGroupPerYear: 12, revenuePerMemberPerYearCents: yuan(3_000) },
    },
    lifecycle: { days: 1095, basis: 'product' },
  },
  {
    key: 'paid-course',
    name: ['付费课程训练营', 'Paid course bootcamp'],
    description: ['以行为为同好的学习社群：系统课、打卡、作业点评，核心群环形、学员群金字塔，带动续费', 'A learning community around a habit: a structured course, check-ins, reviewed homework; a ring-shaped core group and pyramid-shaped student groups; drives renewals'],
    purpose: 'learning',
    canvas: {
      sharedInterest: { description: '想把PPT做好、在职场汇报里脱颖而出的人，每天练一点', basis: 'behaviour' },
      valueToMembers: { description: '系统课程、作业点评、模板素材和同学互助', type: 'knowledge' },
      valueToBuilder: { description: '课程销售与续费，优秀学员成为讲师和助教', type: 'sales' },
      valueChecklist: { painPoint: '会用软件却做不出好看的页面，临时抱佛脚', returnCarrier: '21天打卡、作业点评、核心群末位淘汰' },
      readiness: { peopleAndMoney: true, contentAndService: true, timeAndPatience: true, productAndMarketingModel: true, notes: '核心群69人，环形结构，人人发言；学员群金字塔结构，以听为主' },
      tone: '干货、直接、鼓励',
      competitors: ['免费视频教程', '模板网站'],
      budgetCents: yuan(200_000),
      persona: { genders: ['female', 'male'], ageMin: 20, ageMax: 40, cities: [], interests: ['PPT', '职场技能', '设计'], occupations: ['白领', '大学生', '教师', '新媒体运营'] },
      monetization: ['product', 'membership'],
      kpi: { memberFloor: 15_000, activeMemberRate: 0.2, eventsPerGroupPerYear: 52, revenuePerMemberPerYearCents: yuan(199) },
    },
    lifecycle: { days: 730, basis: 'community' },
  },
  {
    key: 'city-meetup',
    name: ['同城兴趣会', 'City meetup'],
    description: ['以空间为同好的同城社群：线上聊、线下见，由品牌社群的活跃成员分化而来', 'A community around a place: chat online, meet offline; often split off from a brand community by its most active members'],
    purpose: 'networking',
    canvas: {
      sharedInterest: { description: '同一座城市的茶友，线上聊茶、线下见面', basis: 'space' },
      valueToMembers: { description: '认识同城朋友，每月一次线下品茶会', type: 'connections' },
      valueToBuilder: { description: '线下体验带动门店客流和品牌口碑', type: 'brand' },
      valueChecklist: { painPoint: '线上认识的茶友见不到面', returnCarrier: '每月第二个周六的同城品茶会' },
      readiness: { peopleAndMoney: true, contentAndService: true, timeAndPatience: false, productAndMarketingModel: false, notes: '由茶友会的活跃成员分化而来，场地由门店和赞助方提供' },
      tone: '热情、随和',
      competitors: [],
      budgetCents: yuan(60_000),
      persona: { genders: [], ageMin: 22, ageMax: 55, cities: CITIES, interests: ['茶', '社交', '城市生活'], occupations: [] },
      monetization: ['traffic'],
      kpi: { memberFloor: 2_000, activeMemberRate: 0.4, eventsPerGroupPerYear: 12, revenuePerMemberPerYearCents: 0 },
    },
    lifecycle: { days: 730, basis: 'community' },
  },
];

const addDays = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The template's canvas with its lifecycle starting on `startsOn` (YYYY-MM-DD). */
export function templateCanvas(t: CommunityTemplate, startsOn: string): Canvas {
  return CanvasSchema.parse({
    ...t.canvas,
    lifecycle: { startsOn, plannedEndOn: t.lifecycle.days === null ? null : addDays(startsOn, t.lifecycle.days), basis: t.lifecycle.basis },
  });
}

export const communityTemplate = (key: string): CommunityTemplate | undefined => communityTemplates.find((t) => t.key === key);

export const CommunityTemplateSchema = z.object({
  key: z.string(),
  name: z.string(),
  nameEn: z.string(),
  description: z.string(),
  descriptionEn: z.string(),
  purpose: z.enum(communityPurpose.values),
  canvas: CanvasSchema,
});
