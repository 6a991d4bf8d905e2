// The three demo communities, positioned the way the method asks (canvas: 同好 with its basis,
// values to members and to the builder, the value checklist, readiness, persona, lifecycle plan,
// monetization and KPI targets), and the tea brand's phase plan.
import type { IdGenerator } from '../kernel/clock.ts';
import { PhaseCreateSchema, communityTemplate, templateCanvas, type Canvas } from '../modules/community/index.ts';
import type { BulkWriter } from './bulk-writer.ts';
import type { Theme } from './texts.ts';
import { cities } from './vocab.ts';
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
  /** The tea community's phases, for their costs. */
  phases: { id: string; communityId: string; startsOn: string; budgetCents: number }[];
}

const yuan = (n: number) => Math.round(n * 100);

function canvases(tl: Timeline, members: number): Record<Theme, Canvas> {
  const floor = (n: number) => Math.max(100, Math.round(Math.min(n, members) / 100) * 100);
  // The demo's communities are the positioning templates, dated on its timeline and sized to its members.
  const from = (key: string, startsOn: number, plannedEndOn: number | null): Canvas => {
    const t = communityTemplate(key)!;
    const c = templateCanvas(t, localDay(startsOn));
    return { ...c, lifecycle: { ...c.lifecycle, plannedEndOn: plannedEndOn === null ? null : localDay(plannedEndOn) }, kpi: { ...c.kpi, memberFloor: floor(c.kpi.memberFloor) } };
  };
  return {
    tea: from('tea-brand', tl.start - 10 * DAY, tl.start + 720 * DAY),
    course: from('paid-course', tl.start - 5 * DAY, tl.start + 725 * DAY),
    meetup: from('city-meetup', tl.start + 20 * DAY, null),
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
  const phases = writePhases(w, ids, ws, tea.id, tl, members);
  return { tea, course, meetup, phases };
}

function writePhases(w: BulkWriter, ids: IdGenerator, ws: string, communityId: string, tl: Timeline, members: number): Communities['phases'] {
  const scale = (n: number) => Math.max(10, Math.round((n * members) / 20_000));
  const phases = [
    { name: '春茶上新·声量期', purpose: 'voice', from: 0, to: 44, targets: { fans: scale(6000), clickRate: 0.08, consultations: scale(300), salesCents: null }, budget: 80_000, mix: [['wechat', 0.45], ['wecom', 0.25], ['other', 0.3]] },
    { name: '618茶友节·促销期', purpose: 'sales', from: 45, to: 79, targets: { fans: scale(3000), clickRate: 0.12, consultations: scale(800), salesCents: yuan(scale(600_000)) }, budget: 120_000, mix: [['wecom', 0.5], ['wechat', 0.4], ['builtin', 0.1]] },
    { name: '茶文化节·品牌公关', purpose: 'pr', from: 80, to: 129, targets: { fans: scale(4000), clickRate: 0.05, consultations: null, salesCents: null }, budget: 60_000, mix: [['wechat', 0.4], ['other', 0.4], ['builtin', 0.2]] },
    { name: '中秋茶礼·促销期', purpose: 'sales', from: 130, to: 175, targets: { fans: scale(2000), clickRate: 0.1, consultations: scale(1000), salesCents: yuan(scale(900_000)) }, budget: 150_000, mix: [['wecom', 0.55], ['wechat', 0.35], ['qq', 0.1]] },
    { name: '双11预热·声量期', purpose: 'voice', from: 176, to: 230, targets: { fans: scale(5000), clickRate: 0.09, consultations: scale(500), salesCents: null }, budget: 90_000, mix: [['wechat', 0.5], ['wecom', 0.3], ['other', 0.2]] },
  ];
  return phases.map((p) => {
    const phase = PhaseCreateSchema.parse({
      name: p.name, purpose: p.purpose, startsOn: localDay(tl.start + p.from * DAY), endsOn: localDay(tl.start + p.to * DAY),
      targets: p.targets, budgetCents: yuan(p.budget), platformMix: p.mix.map(([platform, share]) => ({ platform, share })),
    });
    const at = tl.start + (p.from - 14) * DAY;
    const id = ids.next('ph');
    w.add('phases', {
      id, workspace_id: ws, community_id: communityId, name: phase.name, purpose: phase.purpose, starts_on: phase.startsOn, ends_on: phase.endsOn,
      targets: JSON.stringify(phase.targets), budget_cents: phase.budgetCents, platform_mix: JSON.stringify(phase.platformMix), created_at: at, updated_at: at,
    });
    return { id, communityId, startsOn: phase.startsOn, budgetCents: phase.budgetCents ?? 0 };
  });
}


/**
 * What the tea community spent (the cost ledger): each phase's budget in three parts — ads, materials, guests —
 * paid a few days into it (up to today; a phase near its end overspends a little, one far from it underspends), and a
 * venue for each meetup of the six biggest cities, paid a week before. Amounts follow from the dates, no draws.
 */
export function writeCosts(w: BulkWriter, ids: IdGenerator, ws: string, communities: Communities, tl: Timeline, meetups: number[]) {
  const add = (communityId: string, subject: string, key: string, at: number, cents: number, category: string) => {
    if (at > tl.now) return;
    w.add('costs', {
      id: ids.next('cst'), workspace_id: ws, community_id: communityId, subject, subject_key: key, spent_on: localDay(at), amount_cents: cents,
      category, note: null, source: 'import', dedupe_key: null, created_by: 'demo', created_at: tl.now,
    });
  };
  for (const p of communities.phases) {
    const start = Date.parse(`${p.startsOn}T12:00:00+08:00`);
    const day = Number(p.startsOn.slice(8, 10));
    for (const [i, [category, share]] of ([['投放', 0.5], ['物料', 0.25], ['嘉宾', 0.2]] as const).entries()) {
      add(p.communityId, 'phase', p.id, start + (3 + i * 9) * DAY, Math.round(p.budgetCents * share * (0.9 + (day % 5) * 0.05)), category);
    }
  }
  meetups.forEach((t, n) => {
    for (const [i, city] of cities.slice(0, 6).entries()) {
      add(communities.meetup.id, 'event', `meetup-${city.code}-${n + 1}`, t - 7 * DAY, yuan(600 + ((n * 7 + i * 3) % 10) * 100), '场地');
    }
  });
}
