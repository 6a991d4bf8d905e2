// 网络声量: what members write is cut into words (jieba), its keywords counted by day and its sentiment judged
// by the lexicon; the engine reads new messages behind a checkpoint and an import's when it is published.
// Topics rise against the period before; a day of many negative messages is a spike, shown with the
// messages, and opens an alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { TestClock } from './helpers/clock.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeMember } from './helpers/api.ts';

const DAY = 86_400_000;
const clock = new TestClock(Date.parse('2026-11-28T04:00:00Z'));
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({}, { clock });
});
afterAll(async () => {
  await t?.stop();
});

const at = (daysAgo: number, hour = 12) => new Date(Date.parse('2026-11-28T00:00:00+08:00') - daysAgo * DAY + hour * 3_600_000).toISOString();

describe('voice', () => {
  let community: any;
  let group: any;
  let member: any;

  beforeAll(async () => {
    community = await makeCommunity(t.api, { name: '茶友会' });
    group = await makeGroup(t.api, community.id);
    member = await makeMember(t.api, { memberships: [{ groupId: group.id }] });
    const say = (text: string, daysAgo: number, i = 0) => ({ kind: 'message', memberId: member.id, groupId: group.id, occurredAt: at(daysAgo, 9 + (i % 12)), payload: { text } });
    const msgs = [
      // Two weeks of ordinary talk: a pleased message about 普洱茶 every other day, a question now and then.
      ...Array.from({ length: 14 }, (_, i) => say('这个普洱茶太好喝了，下次还要买', 20 - i)),
      say('明天几点开始？', 10), say('今天的分享很有收获，谢谢老师', 9),
      // An official notice is the operators' voice, not the members': not counted.
      { ...say('【群规】广告一律移出，违规者退群', 1), contentSource: 'OGC' },
      // Yesterday: eight complaints about delivery.
      ...Array.from({ length: 8 }, (_, i) => say(`发货太慢了，客服也不理人，要退款 ${i}`, 1, i)),
    ];
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: msgs }), 200);
    await t.server.engine.tick();
  });

  it('counts topics and sentiment by day, with what is rising and the spike behind it', async () => {
    const r = await t.api.get(`/api/v1/analytics/voice?communityId=${community.id}&from=2026-11-14&to=2026-11-27`);
    expectStatus(r, 200);
    const v = r.body;
    expect(v.messages).toBe(18);
    // 14 days in range hold 8 of the 普洱茶 messages, the question, the thanks and the 8 complaints.
    const day = (d: string) => v.days.find((x: any) => x.date === d);
    expect(day('2026-11-27')).toEqual({ date: '2026-11-27', messages: 8, positive: 0, negative: 8, replies: 0 });
    expect(day('2026-11-19')).toMatchObject({ positive: 2 });
    expect(v.negativeShare).toBeCloseTo(8 / v.messages);
    expect(v.topics.map((x: any) => x.term)).toEqual(expect.arrayContaining(['普洱茶', '发货', '客服']));
    expect(v.rising[0]).toMatchObject({ before: 0 });
    expect(['发货', '客服', '退款']).toContain(v.rising[0].term);
    expect(v.spikes).toHaveLength(1);
    expect(v.spikes[0]).toMatchObject({ date: '2026-11-27', negative: 8, usual: 0 });
    expect(v.spikes[0].messages).toHaveLength(8);
    expect(v.spikes[0].messages[0].text).toMatch(/^发货太慢了/);
  });

  it('counts replies between members: not to oneself, to the assistant or to a message it does not know', async () => {
    const club = await makeCommunity(t.api, { name: '读书会' });
    const g = await makeGroup(t.api, club.id);
    const [a, b] = [await makeMember(t.api, { memberships: [{ groupId: g.id }] }), await makeMember(t.api, { memberships: [{ groupId: g.id }] })];
    const msg = (m: any, text: string, hour: number, replyTo?: string) => ({
      kind: 'message', ...(m ? { memberId: m.id } : {}), groupId: g.id, occurredAt: at(3, hour), payload: { text, ...(replyTo ? { replyTo } : {}) },
    });
    const first = await t.api.post('/api/v1/activities/batch', { activities: [msg(a, '这本书推荐给大家', 9), msg(null, '【群助手】今晚八点读书会', 10)] });
    expectStatus(first, 200);
    const [said, notice] = first.body.ids;
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: [
      msg(b, '谢谢推荐，已经下单', 11, said), msg(a, '补充一下，第三章最好看', 12, said),
      msg(b, '收到', 13, notice), msg(b, '你说的是哪一本？', 14, 'act_not_here'),
    ] }), 200);
    await t.server.engine.tick();
    const v = (await t.api.get(`/api/v1/analytics/voice?communityId=${club.id}&from=2026-11-25&to=2026-11-25`)).body;
    expect(v).toMatchObject({ messages: 6, replies: 1, replyShare: 1 / 6 });
    expect(v.days).toEqual([expect.objectContaining({ date: '2026-11-25', messages: 6, replies: 1 })]);
  });

  it('opens a negative-voice alert, and is asked for per workspace or community only', async () => {
    clock.t += 5 * 60_000 + 1;
    await t.server.engine.tick();
    const alerts = (await t.api.get('/api/v1/alerts')).body.items.filter((a: any) => a.kind === 'negative_voice');
    expect(alerts.map((a: any) => a.subjectType).sort()).toEqual(['community', 'workspace']);
    expect(alerts.find((a: any) => a.subjectType === 'community').title).toBe('「茶友会」负面声量激增：2026-11-27 有 8 条负面消息，平时每天约 0 条');
    expectProblem(await t.api.get(`/api/v1/analytics/voice?groupId=${group.id}`), 400, 'groupId');
  });

  it('is read again from the first message after a rebuild, and the same', async () => {
    const before = (await t.api.get(`/api/v1/analytics/voice?communityId=${community.id}&from=2026-11-14&to=2026-11-27`)).body;
    const { rebuildRollups } = await import('../src/modules/analytics/index.ts');
    const { systemCtx } = await import('./helpers/clock.ts');
    const ws = (await t.server.rt.db.kysely.selectFrom('communities').select('workspace_id').where('id', '=', community.id).executeTakeFirstOrThrow()).workspace_id;
    // Read again in Los Angeles' days (the engine runs on its own too: only what a tick leaves is looked at),
    // the complaints of 09:00–15:00 on 11-27 in Shanghai fall on 11-26 there, and back in Shanghai's the same as before.
    await rebuildRollups(systemCtx(t, ws), { timezone: 'America/Los_Angeles' });
    await t.server.engine.tick();
    const la = (await t.api.get(`/api/v1/analytics/voice?communityId=${community.id}&from=2026-11-14&to=2026-11-27`)).body;
    expect(la.days.find((d: any) => d.date === '2026-11-26')).toMatchObject({ negative: 7 });
    await rebuildRollups(systemCtx(t, ws), { timezone: 'Asia/Shanghai' });
    await t.server.engine.tick();
    const after = (await t.api.get(`/api/v1/analytics/voice?communityId=${community.id}&from=2026-11-14&to=2026-11-27`)).body;
    expect(after).toEqual(before);
  });
});
