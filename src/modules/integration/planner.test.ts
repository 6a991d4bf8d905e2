import { describe, expect, it } from 'vitest';
import { cityIn, classifyGroup, interestIn } from './classify.ts';
import type { PlanGroup, PlanSettings } from './integration.schema.ts';
import { PatternError, planIntegration, type PlannerMember } from './planner.ts';

const settings: PlanSettings = {
  setName: '新群', moveBy: 'city', pattern: '{community}{key}{n}群', unknown: 'other', otherLabel: '综合', platform: 'builtin', seatsPerGroup: 450, skipSeated: true, notice: '{links}',
};
const group = (groupId: string, decision: PlanGroup['decision'], extra: Partial<PlanGroup> = {}): PlanGroup => ({ groupId, kind: 'member', function: 'retain', city: null, interest: null, decision, ...extra });
const member = (m: Partial<PlannerMember> = {}): PlannerMember => ({ displayName: 'x', city: null, circle: null, tags: [], ...m });

function people(n: number, groupId: string, m: Partial<PlannerMember> = {}, prefix = groupId) {
  const members = new Map<string, PlannerMember>();
  const seats: { memberId: string; groupId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${String(i).padStart(5, '0')}`;
    members.set(id, member(m));
    seats.push({ memberId: id, groupId });
  }
  return { members, seats };
}

describe('planIntegration', () => {
  it('splits a city into even groups no larger than the seats per group', () => {
    const { members, seats } = people(901, 'g1', { city: '上海' });
    const out = planIntegration({ communityName: '茶友', groups: [group('g1', 'merge')], seats, members, settings, interests: [] });
    expect(out.groups.map((g) => [g.name, g.memberIds.length])).toEqual([['茶友上海1群', 301], ['茶友上海2群', 300], ['茶友上海3群', 300]]);
    expect(out.stats).toMatchObject({ before: { groups: 1, seats: 901, people: 901 }, after: { groups: 3, seats: 901, people: 901 }, moving: 901, leftWithoutGroup: 0 });
  });

  it('puts members of unknown city in the catch-all group, last, or nowhere', () => {
    const a = people(3, 'g1', { city: '北京' });
    const b = people(5, 'g1', {}, 'u');
    const input = { communityName: '', groups: [group('g1', 'merge')], seats: [...a.seats, ...b.seats], members: new Map([...a.members, ...b.members]), interests: [] };
    expect(planIntegration({ ...input, settings }).groups.map((g) => [g.key, g.memberIds.length])).toEqual([['北京', 3], ['综合', 5]]);
    const none = planIntegration({ ...input, settings: { ...settings, unknown: 'none' } });
    expect(none.groups.map((g) => g.key)).toEqual(['北京']);
    expect(none.stats.leftWithoutGroup).toBe(5);
  });

  it('takes the interest from the old group, else from a tag naming one of the community’s interests; circles by their label', () => {
    const members = new Map([['a', member({ tags: ['摄影'] })], ['b', member({ tags: ['摄影'], circle: 'leader' })], ['c', member({ circle: 'leader' })]]);
    const seats = [{ memberId: 'a', groupId: 'g1' }, { memberId: 'b', groupId: 'g2' }, { memberId: 'c', groupId: 'g2' }];
    const groups = [group('g1', 'merge', { interest: '咖啡' }), group('g2', 'merge')];
    const byInterest = planIntegration({ communityName: '', groups, seats, members, settings: { ...settings, moveBy: 'interest' }, interests: ['摄影'] });
    expect(byInterest.groups.map((g) => [g.name, g.memberIds])).toEqual([['咖啡1群', ['a']], ['摄影1群', ['b']], ['综合1群', ['c']]]);
    const byCircle = planIntegration({ communityName: '', groups, seats, members, settings: { ...settings, moveBy: 'circle', pattern: '{circle}{nn}' }, interests: [] });
    expect(byCircle.groups.map((g) => g.name)).toEqual(['新势力01', '综合01']);
  });

  it('refuses patterns that name two groups alike, are empty or use unknown variables', () => {
    const { members, seats } = people(4, 'g1', { city: '上海' });
    const input = { communityName: '茶友', groups: [group('g1', 'merge')], seats, members, interests: [] };
    expect(() => planIntegration({ ...input, settings: { ...settings, pattern: '{community}群', seatsPerGroup: 2 } })).toThrow(/两|\{n\}/);
    expect(() => planIntegration({ ...input, settings: { ...settings, pattern: '{brand}{n}' } })).toThrow(PatternError);
    expect(() => planIntegration({ ...input, settings: { ...settings, pattern: '{interest}' } })).toThrow(/empty name/);
  });

  it('counts a member seated in a kept group once, and members of retired groups as left without a group', () => {
    const members = new Map([['a', member({ city: '上海' })], ['b', member({ city: '上海' })], ['c', member()]]);
    const seats = [{ memberId: 'a', groupId: 'keep' }, { memberId: 'a', groupId: 'old' }, { memberId: 'b', groupId: 'old' }, { memberId: 'c', groupId: 'gone' }];
    const groups = [group('keep', 'keep'), group('old', 'merge'), group('gone', 'retire')];
    const out = planIntegration({ communityName: '', groups, seats, members, settings, interests: [] });
    expect(out.moves.map((m) => m.memberId)).toEqual(['b']);
    expect(out.stats).toMatchObject({ before: { groups: 3, seats: 4, people: 3 }, after: { groups: 2, seats: 2, people: 2 }, leftWithoutGroup: 1, left: ['c'] });
    const all = planIntegration({ communityName: '', groups, seats, members, settings: { ...settings, skipSeated: false }, interests: [] });
    expect(all.stats).toMatchObject({ after: { seats: 3, people: 2 }, moving: 2 });
  });
});

describe('classifyGroup', () => {
  const facts = { groupId: 'g', kind: 'member' as const, region: null, seats: 100, memberCities: new Map<string, number>(), recentMessages: 5, lastMessageAt: Date.now() };
  it('reads the city and interest from Chinese and English names', () => {
    expect(cityIn('Shanghai Coffee Club')).toBe('上海');
    expect(cityIn('Hong Kong runners')).toBe('香港');
    expect(cityIn('Xiamen')).toBe('厦门');
    expect(cityIn('Shanghaiing')).toBeNull();
    expect(interestIn('周末徒步群', [])).toBe('徒步');
    expect(interestIn('Leica lovers', ['leica'])).toBe('leica');
  });
  it('suggests keep, merge or retire from the kind, size and life of the group', () => {
    const now = Date.now();
    expect(classifyGroup({ ...facts, name: '核心骨干群' }, [], 450, now)).toMatchObject({ kind: 'core', decision: 'keep' });
    expect(classifyGroup({ ...facts, name: '售后服务群' }, [], 450, now)).toMatchObject({ kind: 'service', function: 'serve', decision: 'keep' });
    expect(classifyGroup({ ...facts, name: '杭州读书3群' }, [], 450, now)).toMatchObject({ kind: 'city', city: '杭州', interest: '读书', decision: 'merge' });
    expect(classifyGroup({ ...facts, name: '读书大群', seats: 300 }, [], 450, now)).toMatchObject({ kind: 'hobby', decision: 'keep' });
    expect(classifyGroup({ ...facts, name: '老群', seats: 12, lastMessageAt: now - 400 * 86_400_000 }, [], 450, now)).toMatchObject({ decision: 'retire' });
    expect(classifyGroup({ ...facts, name: '空群', seats: 0 }, [], 450, now).decision).toBe('retire');
    // Where most members live, when the name does not say.
    expect(classifyGroup({ ...facts, name: '老友群', memberCities: new Map([['成都', 3], ['重庆', 1]]) }, [], 450, now).city).toBe('成都');
    expect(classifyGroup({ ...facts, name: '老友群', memberCities: new Map([['成都', 2], ['重庆', 2]]) }, [], 450, now).city).toBeNull();
  });
});
