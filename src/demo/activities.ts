// The activity stream of the demo: joins and leaves that match the memberships, the purchase and
// consultation behind each lifecycle step, day-to-day messages, reactions, check-ins, clicks and
// attendance, and the operators' notices and guest talks. Rows go straight to the bulk writer.
import type { IdGenerator } from '../kernel/clock.ts';
import type { BulkWriter } from './bulk-writer.ts';
import type { OpenGroup } from './groups.ts';
import type { Person } from './people.ts';
import { Rand, WeightedTable } from './prng.ts';
import { guestTalk, memberMessage, officialNotice, type Theme } from './texts.ts';
import { DAY, HOUR, MINUTE, WEEK, weekStart, type Timeline } from './timeline.ts';
import { courseProducts, pptFeatures, teaNames, teaProducts } from './vocab.ts';

type Kind = 'message' | 'reaction' | 'checkin' | 'click' | 'consultation' | 'attendance' | 'purchase';

/** One membership as lived: the group and when the member was in it. */
export interface Stay {
  group: OpenGroup;
  /** Place in the group's join order (0 opened it). */
  slot: number;
  joinedAt: number;
  leftAt: number | null;
  /** Member number shown in the group, once assigned. */
  number: string | null;
}

const KINDS: Record<string, [Kind, number][]> = {
  'tea:city': [['message', 45], ['reaction', 20], ['checkin', 7], ['click', 14], ['consultation', 5], ['attendance', 2], ['purchase', 5]],
  // Pyramid groups: few speak, many listen; homework check-ins and live lessons carry the course.
  'course:member': [['message', 26], ['reaction', 18], ['checkin', 26], ['click', 12], ['consultation', 4], ['attendance', 10], ['purchase', 3]],
  'course:core': [['message', 65], ['reaction', 20], ['checkin', 8], ['click', 3], ['consultation', 1], ['attendance', 3], ['purchase', 1]],
  'meetup:city': [['message', 55], ['reaction', 25], ['checkin', 5], ['click', 6], ['consultation', 2], ['attendance', 5], ['purchase', 2]],
};
const kindTables = new Map(Object.entries(KINDS).map(([k, v]) => [k, new WeightedTable(v)]));
const stayWeight = { core: 4, city: 1, member: 1 } as const;
const emojis = ['👍', '❤️', '😂', '🙏', '👏', '🌹', '🎉', '[强]'];

export interface MemberStory {
  person: Person;
  stays: Stay[];
  activatedAt: number | null;
  monetizedAt: number | null;
  /** Course members pay before they are let into the QQ group. */
  boughtCourse: boolean;
  joinVia: (stay: Stay) => Record<string, unknown>;
  leaveReason: (stay: Stay) => string;
}

/** City meetups: every fourth Saturday at 14:00 Beijing time, from the meetup community's start. */
export function meetupTimes(meetupStartsAt: number, tl: Timeline): number[] {
  const out: number[] = [];
  for (let t = weekStart(meetupStartsAt) + 5 * DAY + 14 * HOUR; t < tl.now; t += 4 * WEEK) if (t > meetupStartsAt) out.push(t);
  return out;
}

export class ActivityWriter {
  count = 0;
  private readonly events: number[];
  /** Each group's last few member messages, for replies to quote (kept apart from the random draws, which stay as they were). */
  private readonly recent = new Map<string, { id: string; member: string; at: number }[]>();

  constructor(
    private readonly w: BulkWriter,
    private readonly ids: IdGenerator,
    private readonly ws: string,
    private readonly tl: Timeline,
    meetupStartsAt: number,
  ) {
    this.events = meetupTimes(meetupStartsAt, tl);
  }

  private emit(kind: string, memberId: string | null, groupId: string | null, at: number, source: string | null, payload: Record<string, unknown>, sourceId: string): string {
    const id = this.ids.next('act');
    this.w.add('activities', {
      id, workspace_id: this.ws, kind, member_id: memberId, group_id: groupId, occurred_at: Math.round(at), content_source: source,
      payload: JSON.stringify(payload), source: 'demo', source_id: sourceId, created_at: this.tl.now,
    });
    this.count++;
    return id;
  }

  /** Everything one member did; `free` is their share of the day-to-day activity budget. */
  member(s: MemberStory, free: number, r: Rand): void {
    const p = s.person;
    let k = 0;
    // Zero-padded so that source ids, like the ids, arrive in index order.
    const prefix = `m${p.index.toString(36).padStart(5, '0')}.`;
    const sid = () => `${prefix}${k++}`;
    const end = (st: Stay) => st.leftAt ?? this.tl.now;
    for (const st of s.stays) {
      this.emit('join', p.id, st.group.id, st.joinedAt, null, { groupName: st.group.name, ...s.joinVia(st) }, sid());
      if (st.leftAt !== null) this.emit('leave', p.id, st.group.id, st.leftAt, null, { groupName: st.group.name, reason: s.leaveReason(st) }, sid());
    }
    const home = s.stays[0];
    if (!home) return;
    const theme = home.group.template.community.theme;
    // The step that made them 促粉 or 变现 happened in their group if they were in it then, else in private chat.
    const where = (t: number) => (!s.boughtCourse && t >= home.joinedAt && t <= end(home) ? home.group.id : null);
    if (s.activatedAt !== null) this.emit('consultation', p.id, where(s.activatedAt), s.activatedAt, null, this.consultation(r, theme), sid());
    if (s.monetizedAt !== null) {
      this.emit('purchase', p.id, where(s.monetizedAt), s.monetizedAt, null, this.purchase(r, s.boughtCourse ? 'course' : theme, p, k, s.boughtCourse), sid());
    }
    for (const st of s.stays) {
      if (st.group.template.community.theme !== 'meetup') continue;
      let n = 0;
      for (const e of this.events) {
        n++;
        if (e > st.joinedAt && e < end(st) && r.chance(0.35)) {
          this.emit('attendance', p.id, st.group.id, e + r.int(-20, 40) * MINUTE, null, { event: `${p.city.name}同城会·第${n}期品茶会`, eventId: `meetup-${p.city.code}-${n}`, mode: 'offline', city: p.city.name }, sid());
        }
      }
    }
    if (free <= 0) return;
    const stays = s.stays.filter((st) => end(st) > st.joinedAt);
    if (!stays.length) return;
    const table = new WeightedTable(stays.map((st) => [st, stayWeight[st.group.template.kind]] as const));
    for (let i = 0; i < free; i++) {
      const st = r.weighted(table);
      const g = st.group;
      const community = g.template.community;
      let kind = r.weighted(kindTables.get(`${community.theme}:${g.template.kind}`)!);
      let from = st.joinedAt;
      if (kind === 'purchase') {
        // A purchase is what made the member 变现: none before that moment.
        if (s.monetizedAt === null || s.monetizedAt >= end(st)) kind = 'click';
        else from = Math.max(from, s.monetizedAt + MINUTE);
      }
      const at = this.tl.sample(r, from, end(st), community.profile);
      this.emitFree(kind, p, g, at, r, k, sid());
    }
  }

  private emitFree(kind: Kind, p: Person, g: OpenGroup, at: number, r: Rand, k: number, sourceId: string) {
    const theme = g.template.community.theme;
    switch (kind) {
      case 'message': {
        // About one message in five answers an earlier one of another member in the group (replies between members).
        const recent = this.recent.get(g.id) ?? this.recent.set(g.id, []).get(g.id)!;
        const quoted = this.count % 5 === 0 ? recent.find((m) => m.member !== p.id && m.at < at) : undefined;
        const id = this.emit('message', p.id, g.id, at, 'UGC', { text: memberMessage(r, theme, p.city.name), ...(quoted ? { replyTo: quoted.id } : {}) }, sourceId);
        recent.unshift({ id, member: p.id, at });
        if (recent.length > 8) recent.pop();
        return;
      }
      case 'reaction':
        return this.emit('reaction', p.id, g.id, at, null, { emoji: r.pick(emojis), target: 'message' }, sourceId);
      case 'checkin':
        return this.emit('checkin', p.id, g.id, at, null, theme === 'course' ? { streak: r.int(1, 21), task: `第${r.int(1, 21)}课作业` } : { streak: r.int(1, 30), note: '今日一杯茶' }, sourceId);
      case 'click': {
        const n = r.int(1, 400);
        const payload = theme === 'course' ? { url: `https://learn.example.com/lesson/${n}`, title: `第${(n % 21) + 1}课 ${r.pick(pptFeatures)}` } : { url: `https://shop.example.com/item/${n}`, title: r.pick(teaNames) };
        return this.emit('click', p.id, g.id, at, null, payload, sourceId);
      }
      case 'consultation':
        return this.emit('consultation', p.id, g.id, at, null, this.consultation(r, theme), sourceId);
      case 'attendance':
        return this.emit('attendance', p.id, g.id, at, null, theme === 'course' ? { event: `直播课：${r.pick(pptFeatures)}实战`, mode: 'online', minutes: r.int(15, 90) } : { event: '线上品鉴会', mode: 'online', minutes: r.int(10, 60) }, sourceId);
      case 'purchase':
        return this.emit('purchase', p.id, g.id, at, null, this.purchase(r, theme, p, k, false), sourceId);
    }
  }

  private consultation(r: Rand, theme: Theme) {
    if (theme === 'course') return { topic: r.pick(['课程适合零基础吗？', '能开发票吗？', '有没有分期？', '学完有证书吗？', '作业多久点评一次？']), channel: r.pick(['私聊助教', '群内@助教']) };
    return { topic: r.pick([`${r.pick(teaNames)}多少钱一斤？`, '什么时候发货？', '会员价怎么算？', '可以开礼盒发票吗？', '门店在哪里？']), channel: r.pick(['私聊客服', '群内@群秘', '门店导购']) };
  }

  private purchase(r: Rand, theme: Theme, p: Person, k: number, course: boolean) {
    const [product, price] = r.pick(theme === 'course' || course ? courseProducts : teaProducts);
    const quantity = theme === 'course' ? 1 : r.chance(0.2) ? 2 : 1;
    const channel = course ? '课程商城' : theme === 'course' ? r.pick(['课程商城', '直播间']) : r.pick(['小程序商城', '门店', '群接龙']);
    return { product, quantity, amountCents: price * quantity, currency: 'CNY', orderNo: `DD${p.index.toString(36).toUpperCase()}${k}`, channel };
  }

  /** Operators' notices (OGC) on Mondays and Fridays, and the weekly guest talk (PGC) at the session. */
  group(g: OpenGroup, seed: number): void {
    const r = Rand.of(seed, 7, g.serial);
    const theme = g.template.community.theme;
    const session = theme === 'tea' ? 2 : theme === 'course' ? 3 : -1;
    let k = 0;
    let week = 0;
    for (let ws = weekStart(g.createdAt); ws < this.tl.now; ws += WEEK, week++) {
      const slots: [number, 'OGC' | 'PGC'][] = [[ws + 10 * HOUR, 'OGC']];
      if (theme !== 'meetup') slots.push([ws + 4 * DAY + 18 * HOUR, 'OGC']);
      if (session >= 0) for (let i = 0; i < 3; i++) slots.push([ws + session * DAY + 20 * HOUR + i * 20 * MINUTE, 'PGC']);
      for (const [t0, source] of slots) {
        const at = t0 + r.int(0, 15) * MINUTE;
        if (at < g.createdAt || at > this.tl.now) continue;
        if (source === 'OGC') this.emit('message', null, g.id, at, 'OGC', { text: officialNotice(r, theme, g.template.city, week), from: '群秘' }, `g${g.serial.toString(36).padStart(4, '0')}.${k++}`);
        else {
          const talk = guestTalk(r, theme);
          this.emit('message', null, g.id, at, 'PGC', { text: talk.text, speaker: talk.speaker }, `g${g.serial.toString(36).padStart(4, '0')}.${k++}`);
        }
      }
    }
  }
}
