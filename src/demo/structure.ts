// The demo's group structure: the tea brand's city groups (WeChat, WeCom in the cities with stores),
// the course's 69-seat ring core group over pyramid QQ groups of 2,000/1,500/1,000, and the
// city meetups that split off the tea community.
import type { IdGenerator } from '../kernel/clock.ts';
import type { BulkWriter } from './bulk-writer.ts';
import { FixedSeries, OpenSeries, type GroupFactory, type GroupTemplate } from './groups.ts';
import type { Communities } from './plan.ts';
import type { Rand } from './prng.ts';
import { DAY } from './timeline.ts';
import type { City } from './vocab.ts';

/** The course's real shape (seats per QQ group, the platform's tiers) at 20,000 members; smaller demos scale it down. */
const QQ_SIZES = [2000, 2000, 2000, 2000, 2000, 2000, 1500, 1000];
const REFERENCE_MEMBERS = 20_000;
const CORE_SEATS = 69;
const TEA_CITIES = ['上海', '北京', '深圳', '广州', '成都', '重庆', '杭州', '武汉', '西安', '南京', '苏州', '天津'];
const WECOM_CITIES = new Set(['上海', '北京', '深圳', '广州', '杭州']);
export const MEETUP_CITIES = new Set(['上海', '北京', '深圳', '广州', '成都', '杭州', '南京', '武汉']);
const NATIONWIDE: City = { name: '全国', code: 'QG', population: 0 };

export class Structure {
  readonly core: FixedSeries;
  readonly qq: FixedSeries;
  private readonly tea = new Map<string, OpenSeries>();
  private readonly meetup = new Map<string, OpenSeries>();

  constructor(
    private readonly f: GroupFactory,
    private readonly w: BulkWriter,
    private readonly ids: IdGenerator,
    private readonly ws: string,
    private readonly c: Communities,
    private readonly rand: Rand,
    members: number,
  ) {
    const scale = Math.min(1, members / REFERENCE_MEMBERS);
    const qqSizes = QQ_SIZES.map((size) => {
      const active = Math.round(size * scale);
      return { active, leavers: Math.round(active * 0.06) };
    });
    const seats = qqSizes.reduce((s, x) => s + x.active + x.leavers, 0);
    // Core members are the earliest course members, so the core can hold no more than the course has.
    const coreActive = Math.min(CORE_SEATS, seats);
    const coreLeavers = Math.min(10, seats - coreActive);
    const course = c.course;
    const qqSet = this.groupSet(course.id, 'PPT高手学员QQ群', null, 'PPT高手学员{n}群', course.createdAt);
    const numbering = { scope: 'community' as const, prefix: 'QY-', width: 5 };
    this.core = new FixedSeries(f, {
      community: course, groupSetId: null, kind: 'core', structure: 'ring', function: 'retain', capacity: () => CORE_SEATS, region: null, city: '全国', managers: 3,
      fill: [1, 1], leaverRate: 0, notBefore: course.createdAt, platform: () => 'wechat', name: () => 'PPT高手核心群', numbering: () => numbering,
    }, [{ active: coreActive, leavers: coreLeavers }], rand);
    this.qq = new FixedSeries(f, {
      community: course, groupSetId: qqSet, kind: 'member', structure: 'pyramid', function: 'retain', capacity: (n) => QQ_SIZES[n - 1] ?? 2000, region: null, city: '全国', managers: 5,
      fill: [1, 1], leaverRate: 0, notBefore: course.createdAt, platform: () => 'qq', name: (n) => `PPT高手学员${n}群`, numbering: () => numbering,
    }, qqSizes, rand);
  }

  /** Course members in all: the QQ groups' seats, leavers included. */
  get courseSeats(): number {
    return this.qq.seats;
  }

  teaSeries(city: City): OpenSeries {
    const key = TEA_CITIES.includes(city.name) ? city : NATIONWIDE;
    let s = this.tea.get(key.name);
    if (!s) {
      const tea = this.c.tea;
      const label = key === NATIONWIDE ? '全国茶友' : `${key.name}茶友`;
      const setId = this.groupSet(tea.id, `${label}群`, key === NATIONWIDE ? null : key.name, `${label}{n}群`, tea.createdAt);
      const template: GroupTemplate = {
        community: tea, groupSetId: setId, kind: 'city', structure: 'pyramid', function: 'retain', capacity: () => 500, region: key === NATIONWIDE ? null : key.name,
        city: key.name, managers: 2, fill: [0.86, 1], leaverRate: 0.08, notBefore: tea.createdAt,
        platform: () => (WECOM_CITIES.has(key.name) ? 'wecom' : 'wechat'),
        name: (n) => `${label}${n}群`,
        numbering: (n) => ({ scope: 'group', prefix: `${key.code}${String(n).padStart(2, '0')}-`, width: 3 }),
      };
      this.tea.set(key.name, (s = new OpenSeries(this.f, template, this.rand)));
    }
    return s;
  }

  meetupSeries(city: City): OpenSeries | null {
    if (!MEETUP_CITIES.has(city.name)) return null;
    let s = this.meetup.get(city.name);
    if (!s) {
      const m = this.c.meetup;
      const template: GroupTemplate = {
        community: m, groupSetId: null, kind: 'city', structure: 'ring', function: 'retain', capacity: () => 500, region: city.name, city: city.name, managers: 1,
        fill: [0.9, 1], leaverRate: 0.05, notBefore: m.createdAt + DAY, platform: () => 'wechat',
        name: (n) => (n === 1 ? `${city.name}同城会` : `${city.name}同城会${n}群`),
        numbering: () => ({ scope: 'community', prefix: 'TC-', width: 4 }),
      };
      this.meetup.set(city.name, (s = new OpenSeries(this.f, template, this.rand)));
    }
    return s;
  }

  private groupSet(communityId: string, name: string, region: string | null, pattern: string, at: number): string {
    const id = this.ids.next('gs');
    this.w.add('group_sets', { id, workspace_id: this.ws, community_id: communityId, name, region, naming_pattern: pattern, created_at: at, updated_at: at });
    return id;
  }
}
