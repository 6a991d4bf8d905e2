// The three demo communities, positioned the way the method asks (canvas: 同好 with its basis,
// values to members and to the builder, the value checklist, readiness, persona, lifecycle plan,
// monetization and KPI targets), and the tea brand's phase plan.
import type { IdGenerator } from '../kernel/clock.ts';
import { PhaseCreateSchema, communityTemplate, templateCanvas, type Canvas } from '../modules/community/index.ts';
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

