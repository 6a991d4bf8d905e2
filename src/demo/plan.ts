// The three demo communities, positioned the way the method asks (canvas: 同好 with its basis,
// values to members and to the builder, the value checklist, readiness, persona, lifecycle plan,
// monetization and KPI targets), and the tea brand's phase plan.
import type { IdGenerator } from '../kernel/clock.ts';
import { CanvasSchema, PhaseCreateSchema, type Canvas } from '../modules/community/index.ts';
import type { BulkWriter } from './bulk-writer.ts';
import type { Theme } from './texts.ts';
import { DAY, localDay, weeklyProfile, type Timeline, type WeeklyProfile } from './timeline.ts';

export interface CommunityPlan {
  id: string;
  name: string;
  theme: Theme;
  createdAt: number;
  profile: WeeklyProfile;
}

export interface Communities {
  tea: CommunityPlan;
  course: CommunityPlan;
  meetup: CommunityPlan;
}

const yuan = (n: number) => Math.round(n * 100);

function canvases(tl: Timeline, members: number): Record<Theme, Canvas> {
  const topCities = ['上海', '北京', '深圳', '广州', '杭州', '成都', '南京', '武汉'];
  const floor = (n: number) => Math.max(100, Math.round(Math.min(n, members) / 100) * 100);
  return {
    tea: CanvasSchema.parse({
      sharedInterest: { description: '爱喝茶、想把茶喝明白的人：从一杯好茶开始交朋友', basis: 'product' },
      valueToMembers: { description: '茶知识、新茶尝鲜、会员价和同城茶会', type: 'knowledge' },
      valueToBuilder: { description: '复购与口碑：新品反馈、老客带新客', type: 'sales' },
      valueChecklist: { painPoint: '好茶难辨、价格不透明、一个人喝茶没人交流', returnCarrier: '每周三晚茶话会、会员价、积分换茶样' },
      readiness: { peopleAndMoney: true, contentAndService: true, timeAndPatience: true, productAndMarketingModel: true, notes: '门店导购兼任群秘；茶艺师每周一次分享' },
      tone: '温和、讲究、不硬推销',
      competitors: ['电商茶叶旗舰店', '本地茶城', '新式茶饮品牌'],
      budgetCents: yuan(360_000),
      persona: { genders: ['female', 'male'], ageMin: 25, ageMax: 50, cities: topCities, interests: ['茶', '茶具', '传统文化', '生活方式'], occupations: ['白领', '教师', '设计师', '创业者'] },
      lifecycle: { startsOn: localDay(tl.start - 10 * DAY), plannedEndOn: localDay(tl.start + 720 * DAY), basis: 'product' },
      monetization: ['product', 'ecommerce', 'membership'],
      kpi: { memberFloor: floor(15_000), activeMemberRate: 0.3, eventsPerGroupPerYear: 12, revenuePerMemberPerYearCents: yuan(360) },
    }),
    course: CanvasSchema.parse({
      sharedInterest: { description: '想把PPT做好、在职场汇报里脱颖而出的人，每天练一点', basis: 'behaviour' },
      valueToMembers: { description: '系统课程、作业点评、模板素材和同学互助', type: 'knowledge' },
      valueToBuilder: { description: '课程销售与续费，优秀学员成为讲师和助教', type: 'sales' },
      valueChecklist: { painPoint: '会用软件却做不出好看的页面，临时抱佛脚', returnCarrier: '21天打卡、作业点评、核心群末位淘汰' },
      readiness: { peopleAndMoney: true, contentAndService: true, timeAndPatience: true, productAndMarketingModel: true, notes: '核心群69人，环形结构，人人发言；学员群金字塔结构，以听为主' },
      tone: '干货、直接、鼓励',
      competitors: ['免费视频教程', '模板网站'],
      budgetCents: yuan(200_000),
      persona: { genders: ['female', 'male'], ageMin: 20, ageMax: 40, cities: [], interests: ['PPT', '职场技能', '设计'], occupations: ['白领', '大学生', '教师', '新媒体运营'] },
      lifecycle: { startsOn: localDay(tl.start - 5 * DAY), plannedEndOn: localDay(tl.start + 725 * DAY), basis: 'community' },
      monetization: ['product', 'membership'],
      kpi: { memberFloor: floor(15_000), activeMemberRate: 0.2, eventsPerGroupPerYear: 52, revenuePerMemberPerYearCents: yuan(199) },
    }),
    meetup: CanvasSchema.parse({
      sharedInterest: { description: '同一座城市的茶友，线上聊茶、线下见面', basis: 'space' },
      valueToMembers: { description: '认识同城朋友，每月一次线下品茶会', type: 'connections' },
      valueToBuilder: { description: '线下体验带动门店客流和品牌口碑', type: 'brand' },
      valueChecklist: { painPoint: '线上认识的茶友见不到面', returnCarrier: '每月第二个周六的同城品茶会' },
      readiness: { peopleAndMoney: true, contentAndService: true, timeAndPatience: false, productAndMarketingModel: false, notes: '由茶友会的活跃成员分化而来，场地由门店和赞助方提供' },
      tone: '热情、随和',
      competitors: [],
      budgetCents: yuan(60_000),
      persona: { genders: [], ageMin: 22, ageMax: 55, cities: topCities, interests: ['茶', '社交', '城市生活'], occupations: [] },
      lifecycle: { startsOn: localDay(tl.start + 20 * DAY), plannedEndOn: null, basis: 'community' },
      monetization: ['traffic'],
      kpi: { memberFloor: floor(2000), activeMemberRate: 0.4, eventsPerGroupPerYear: 12, revenuePerMemberPerYearCents: 0 },
    }),
  };
}

export function writeCommunities(w: BulkWriter, ids: IdGenerator, ws: string, tl: Timeline, members: number): Communities {
  const c = canvases(tl, members);
  const make = (theme: Theme, name: string, purpose: string, createdAt: number, parentId: string | null, session: Parameters<typeof weeklyProfile>[0]): CommunityPlan => {
    const id = ids.next('com');
    w.add('communities', {
      id, workspace_id: ws, name, purpose, parent_id: parentId, leader_member_id: null, canvas: JSON.stringify(c[theme]), created_at: createdAt, updated_at: createdAt,
    });
    return { id, name, theme, createdAt, profile: weeklyProfile(session) };
  };
  const tea = make('tea', '一叶茶社·茶友会', 'brand', tl.start - 10 * DAY, null, { dow: 2, hour: 20, hours: 2 });
  const course = make('course', 'PPT高手训练营', 'learning', tl.start - 5 * DAY, null, { dow: 3, hour: 20, hours: 2 });
  const meetup = make('meetup', '茶友同城会', 'networking', tl.start + 20 * DAY, tea.id, null);
  writePhases(w, ids, ws, tea.id, tl, members);
  return { tea, course, meetup };
}

function writePhases(w: BulkWriter, ids: IdGenerator, ws: string, communityId: string, tl: Timeline, members: number) {
  const scale = (n: number) => Math.max(10, Math.round((n * members) / 20_000));
  const phases = [
    { name: '春茶上新·声量期', purpose: 'voice', from: 0, to: 44, targets: { fans: scale(6000), clickRate: 0.08, consultations: scale(300), salesCents: null }, budget: 80_000, mix: [['wechat', 0.45], ['wecom', 0.25], ['other', 0.3]] },
    { name: '618茶友节·促销期', purpose: 'sales', from: 45, to: 79, targets: { fans: scale(3000), clickRate: 0.12, consultations: scale(800), salesCents: yuan(scale(600_000)) }, budget: 120_000, mix: [['wecom', 0.5], ['wechat', 0.4], ['builtin', 0.1]] },
    { name: '茶文化节·品牌公关', purpose: 'pr', from: 80, to: 129, targets: { fans: scale(4000), clickRate: 0.05, consultations: null, salesCents: null }, budget: 60_000, mix: [['wechat', 0.4], ['other', 0.4], ['builtin', 0.2]] },
    { name: '中秋茶礼·促销期', purpose: 'sales', from: 130, to: 175, targets: { fans: scale(2000), clickRate: 0.1, consultations: scale(1000), salesCents: yuan(scale(900_000)) }, budget: 150_000, mix: [['wecom', 0.55], ['wechat', 0.35], ['qq', 0.1]] },
    { name: '双11预热·声量期', purpose: 'voice', from: 176, to: 230, targets: { fans: scale(5000), clickRate: 0.09, consultations: scale(500), salesCents: null }, budget: 90_000, mix: [['wechat', 0.5], ['wecom', 0.3], ['other', 0.2]] },
  ];
  for (const p of phases) {
    const phase = PhaseCreateSchema.parse({
      name: p.name, purpose: p.purpose, startsOn: localDay(tl.start + p.from * DAY), endsOn: localDay(tl.start + p.to * DAY),
      targets: p.targets, budgetCents: yuan(p.budget), platformMix: p.mix.map(([platform, share]) => ({ platform, share })),
    });
    const at = tl.start + (p.from - 14) * DAY;
    w.add('phases', {
      id: ids.next('ph'), workspace_id: ws, community_id: communityId, name: phase.name, purpose: phase.purpose, starts_on: phase.startsOn, ends_on: phase.endsOn,
      targets: JSON.stringify(phase.targets), budget_cents: phase.budgetCents, platform_mix: JSON.stringify(phase.platformMix), created_at: at, updated_at: at,
    });
  }
}

