// A live session end to end (issue 9's acceptance): a speaker in a built-in main group is heard in
// built-in and Telegram target groups (the fake Bot API), text, image and a reply, every group in the
// original order; chatter is not relayed; the host pauses and resumes from the chat; a question asked in a
// Telegram group is answered and the answer reaches every group; after the end the archive is edited and
// the member app's replay shows the edit. Delivery, statistics and the recruitment page are checked too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram, type ChatLogEntry } from './fakes/telegram-bot-api.ts';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectProblem, expectStatus, joinAsMember, makeCommunity, makeGroup, pngBytes, signIn, waitFor } from './helpers/api.ts';
import { ADMIN } from './helpers/server.ts';

const KEY = Buffer.alloc(32, 9).toString('base64');
const TOKEN = '7201:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const TG = [-1002000000001, -1002000000002];
const [ANN, BEN] = [801, 802];
let fake: FakeTelegram;
let db: TestDatabase;
let t: TestServer;
let community: any;
let main: any;
const builtinTargets: any[] = [];
const telegramTargets: any[] = [];
let speaker: { client: Client; result: any };
let chatter: { client: Client; result: any };
let listener: { client: Client; result: any };
let session: any;
let seq = 0;

const say = (c: Client, g: string, body: Record<string, unknown>) => c.post(`/api/v1/me/groups/${g}/messages`, { clientId: `relay-msg-${++seq}`, ...body });
const tick = () => t.server.engine.tick();
const botLog = (chat: number): ChatLogEntry[] => fake.chatLog(chat).filter((e) => e.bot === 'tea_live_bot' && (e.text !== undefined || e.caption !== undefined || e.photo));
const builtinChat = async (g: string) => ((await t.api.get(`/api/v1/groups/${g}/chat?limit=100`)).body.items as any[]).reverse();
const relayed = (items: any[]) => items.filter((i) => i.system?.startsWith('直播'));

beforeAll(async () => {
  fake = await FakeTelegram.start({ timeScale: 50 });
  fake.addBot({ token: TOKEN, username: 'tea_live_bot', first_name: '茶友会直播' });
  fake.addUser({ id: ANN, first_name: 'Ann' });
  fake.addUser({ id: BEN, first_name: 'Ben' });
  for (const [i, id] of TG.entries()) {
    fake.addChat({ id, type: 'supergroup', title: `茶友会 TG ${i + 1} 群` });
    fake.addMember(id, ANN);
    fake.addMember(id, BEN);
  }
  db = await createTestDatabase();
  t = await startTestServer({
    SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY, SHEQUN_TELEGRAM_POLLING: 'true', SHEQUN_TELEGRAM_TIME_SCALE: '50', SHEQUN_TELEGRAM_TIMEOUT_MS: '2000',
    SHEQUN_ENGINE_INTERVAL_MS: '60000',
  }, { db });
  expectStatus(await t.api.post('/api/v1/connections', { platform: 'telegram', token: TOKEN }), 201);
  await t.server.engine.listeners!.rescan();
  for (const id of TG) fake.addBotToChat(id, TOKEN, { admin: true, by: ANN });
  for (const id of TG) telegramTargets.push(await waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === String(id).slice(4))));
  community = await makeCommunity(t.api, { name: '茶友会直播社群' });
  main = await makeGroup(t.api, community.id, { platform: 'builtin', name: '直播主群' });
  for (const n of [1, 2]) builtinTargets.push(await makeGroup(t.api, community.id, { platform: 'builtin', name: `收听 ${n} 群` }));
  const inviteOf = async (g: any) => (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id })).body.code as string;
  speaker = await joinAsMember(t, await inviteOf(main), { name: '王老师' });
  chatter = await joinAsMember(t, await inviteOf(main), { name: '路人甲' });
  listener = await joinAsMember(t, await inviteOf(builtinTargets[0]), { name: '小林' });
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
  await fake?.close();
});

describe('a live session across built-in and Telegram groups', () => {
  it('is planned with its targets, and refuses what cannot work', async () => {
    const admin = (await t.api.get('/api/v1/operators')).body.items.find((o: any) => o.role === 'owner');
    const body = {
      communityId: community.id, title: '凤凰单丛冲泡课', mainGroupId: main.id, host: { type: 'operator', id: admin.id }, speakers: [{ type: 'member', id: speaker.result.memberId }],
      targets: { groupIds: [...builtinTargets.map((g) => g.id), ...telegramTargets.map((g) => g.id)] }, settings: { reminders: [], notices: true },
    };
    expectProblem(await t.api.post('/api/v1/live-sessions', { ...body, targets: { groupIds: [main.id] } }), 400, 'targets');
    expectProblem(await t.api.post('/api/v1/live-sessions', { ...body, speakers: [{ type: 'member', id: 'mem_nobody' }] }), 400, 'speakers.0');
    expectProblem(await t.api.post('/api/v1/live-sessions', { ...body, targets: { groupIds: ['grp_nope'] } }), 400, 'targets.groupIds.0');
    const r = await t.api.post('/api/v1/live-sessions', body);
    expectStatus(r, 201);
    session = r.body;
    expect(session).toMatchObject({ status: 'scheduled', targetCount: 4, speakers: [{ name: '王老师' }] });
  });

  it('relays the speaker’s text, image and reply to every group in order, and not the chatter', async () => {
    expectStatus(await t.api.post(`/api/v1/live-sessions/${session.id}/start`), 200);
    expectProblem(await t.api.post(`/api/v1/live-sessions/${session.id}/start`), 409);
    const first = await say(speaker.client, main.id, { text: '大家好，今天讲凤凰单丛。' });
    expectStatus(first, 201);
    expectStatus(await say(chatter.client, main.id, { text: '老师好！（闲聊不转播）' }), 201);
    const up = await speaker.client.request('POST', `/api/v1/me/groups/${main.id}/uploads?name=tea.png`, await pngBytes('单丛'), { 'content-type': 'image/png' });
    expectStatus(up, 201);
    expectStatus(await say(speaker.client, main.id, { imageId: up.body.id, text: '这是鸭屎香的干茶' }), 201);
    expectStatus(await say(speaker.client, main.id, { text: '水温要 100 度', replyTo: first.body.id }), 201);
    await tick();
    const expected = ['【主讲】王老师：大家好，今天讲凤凰单丛。', '【主讲】王老师：这是鸭屎香的干茶', '【主讲】王老师：水温要 100 度'];
    for (const g of builtinTargets) {
      const items = relayed(await builtinChat(g.id)).filter((i) => i.text?.startsWith('【主讲】'));
      expect(items.map((i) => i.text)).toEqual(expected);
      expect(items[1].image).toMatchObject({ width: 64, height: 64 });
      expect(items[2].replyTo).toBe(items[0].id);
    }
    // A member of a target group sees the relayed image (stored once, shown in their group).
    const mine = relayed(await builtinChat(builtinTargets[0].id)).find((i) => i.image);
    expectStatus(await listener.client.get(`/api/v1/uploads/${mine.image.id}`), 200);
    for (const chat of TG) {
      const log = await waitFor(async () => {
        const l = botLog(chat).filter((e) => (e.text ?? e.caption ?? '').startsWith('【主讲】'));
        return l.length === 3 && l;
      });
      expect(log.map((e) => e.text ?? e.caption)).toEqual(expected);
      expect(log[1]!.photo).toBeTruthy();
      expect(log[2]!.reply_to).toBe(log[0]!.message_id);
    }
    // The image went up to Telegram once for the bot, and by file_id after.
    expect(fake.uploads({ token: TOKEN }).filter((u) => u.accepted)).toHaveLength(1);
    const d = (await t.api.get(`/api/v1/live-sessions/${session.id}/delivery`)).body;
    expect(d.messages).toBe(3);
    expect(d.groups).toHaveLength(4);
    expect(d.groups.every((g: any) => g.state === 'delivered' && g.failed === 0 && g.lagMs === 0)).toBe(true);
    expect(d.totals).toMatchObject({ failed: 0, queued: 0, ambiguous: 0 });
  });

  it('is paused and resumed by the host in the main group', async () => {
    // The host is the signed-in operator, posting in the main group as the team.
    const host = (await signIn(t, ADMIN.email, ADMIN.password)).client;
    expectStatus(await host.post(`/api/v1/groups/${main.id}/messages`, { clientId: 'host-pause', text: '/暂停' }), 201);
    await tick();
    expect((await t.api.get(`/api/v1/live-sessions/${session.id}`)).body.status).toBe('paused');
    expectStatus(await say(speaker.client, main.id, { text: '（暂停时说的话不转播）' }), 201);
    expectStatus(await host.post(`/api/v1/groups/${main.id}/messages`, { clientId: 'host-resume', text: '/继续' }), 201);
    expectStatus(await say(speaker.client, main.id, { text: '我们继续。' }), 201);
    await tick();
    expect((await t.api.get(`/api/v1/live-sessions/${session.id}`)).body.status).toBe('live');
    const texts = relayed(await builtinChat(builtinTargets[1].id)).map((i) => i.text);
    expect(texts).toContain('【主讲】王老师：我们继续。');
    expect(texts.some((x: string) => x.includes('暂停时说的话'))).toBe(false);
    expect(texts.filter((x: string) => x.startsWith('【直播'))).toEqual(expect.arrayContaining([expect.stringContaining('直播开始'), expect.stringContaining('直播暂停'), expect.stringContaining('直播继续')]));
  });

  it('takes a question from a Telegram group, groups its repeat, and posts the answer to every group', async () => {
    fake.userSends(TG[0]!, ANN, { text: '问：单丛要洗茶吗？' });
    fake.userSends(TG[1]!, BEN, { text: '问：单丛要洗茶吗' });
    fake.userSends(TG[1]!, BEN, { text: '今天天气不错' });
    const qs = await waitFor(async () => {
      await tick();
      const items = (await t.api.get(`/api/v1/live-sessions/${session.id}/questions?status=open`)).body.items;
      return items.length === 1 && items[0].repeats.length === 1 && items;
    });
    expect(qs[0]).toMatchObject({ text: '单丛要洗茶吗？', asker: 'Ann', groupName: '茶友会 TG 1 群', repeats: [{ asker: 'Ben', groupName: '茶友会 TG 2 群' }] });
    const a = await t.api.post(`/api/v1/live-sessions/${session.id}/questions/${qs[0].id}/answer`, { answer: '第一泡快速洗茶即可。' });
    expectStatus(a, 200);
    expect(a.body).toMatchObject({ status: 'answered', answer: '第一泡快速洗茶即可。' });
    expectProblem(await t.api.post(`/api/v1/live-sessions/${session.id}/questions/${qs[0].id}/answer`, { answer: '再答一次' }), 409);
    await tick();
    const line = '【问答】「茶友会 TG 1 群」的 Ann 问：单丛要洗茶吗？\n【主讲】答：第一泡快速洗茶即可。';
    for (const g of [main, ...builtinTargets]) expect((await builtinChat(g.id)).map((i) => i.text)).toContain(line);
    for (const chat of TG) await waitFor(async () => botLog(chat).some((e) => e.text === line));
  });

  it('ends; its archive is edited and the member app’s replay shows the edit; statistics add up', async () => {
    expectStatus(await t.api.post(`/api/v1/live-sessions/${session.id}/stop`), 200);
    await tick();
    const arch = (await t.api.get(`/api/v1/live-sessions/${session.id}/archive`)).body.items;
    expect(arch.map((m: any) => m.kind)).toEqual(['speech', 'speech', 'speech', 'speech', 'answer']);
    const edit = await t.api.patch(`/api/v1/live-sessions/${session.id}/archive`, {
      summary: '本课讲了凤凰单丛的冲泡要点。', messages: [{ seq: 3, text: '水温要 100 度（沸水）' }, { seq: 4, hidden: true }],
    });
    expectStatus(edit, 200);
    expect(edit.body.items[2]).toMatchObject({ text: '水温要 100 度（沸水）', originalText: '水温要 100 度' });
    expectProblem(await t.api.patch(`/api/v1/live-sessions/${session.id}/archive`, { messages: [{ seq: 99, hidden: true }] }), 400, 'messages.0.seq');
    const replays = (await listener.client.get('/api/v1/me/replays')).body.items;
    expect(replays.map((r: any) => r.title)).toEqual(['凤凰单丛冲泡课']);
    const replay = (await listener.client.get(`/api/v1/me/replays/${session.id}`)).body;
    expect(replay.summary).toBe('本课讲了凤凰单丛的冲泡要点。');
    expect(replay.messages.map((m: any) => m.text)).toEqual(['大家好，今天讲凤凰单丛。', '这是鸭屎香的干茶', '水温要 100 度（沸水）', '第一泡快速洗茶即可。']);
    const stats = (await t.api.get(`/api/v1/live-sessions/${session.id}/stats`)).body;
    expect(stats).toMatchObject({ groupsTargeted: 4, groupsReached: 4, messagesRelayed: 5, questionsAsked: 2, questionsAnswered: 2, ambiguous: 0 });
    expect(stats.membersReached).toBeGreaterThanOrEqual(3);
    expect(stats.perGroup.find((g: any) => g.groupId === telegramTargets[1].id)).toMatchObject({ during: 2 });
  });

  it('is started and ended by the host in the main group; a listener in another community’s target group gets the replay', async () => {
    const other = await makeCommunity(t.api, { name: '别的社群' });
    const far = await makeGroup(t.api, other.id, { platform: 'builtin', name: '远方的群' });
    const farMember = await joinAsMember(t, (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: far.id })).body.code, { name: '远方听众' });
    const s = await t.api.post('/api/v1/live-sessions', {
      communityId: community.id, title: '临时加课', mainGroupId: main.id, host: { type: 'member', id: speaker.result.memberId }, speakers: [{ type: 'member', id: speaker.result.memberId }],
      targets: { groupIds: [far.id] }, settings: { reminders: [], notices: false },
    });
    expectStatus(s, 201);
    expectStatus(await say(speaker.client, main.id, { text: '开始前的闲聊（不转播）' }), 201);
    await tick();
    expectStatus(await say(speaker.client, main.id, { text: '/开始' }), 201);
    await tick();
    expect((await t.api.get(`/api/v1/live-sessions/${s.body.id}`)).body.status).toBe('live');
    expectStatus(await say(speaker.client, main.id, { text: '加课内容' }), 201);
    expectStatus(await say(speaker.client, main.id, { text: '/结束' }), 201);
    await tick();
    expect((await t.api.get(`/api/v1/live-sessions/${s.body.id}`)).body.status).toBe('ended');
    expect(relayed(await builtinChat(far.id)).map((i) => i.text)).toEqual(['【主讲】王老师：加课内容']);
    const replays = (await farMember.client.get('/api/v1/me/replays')).body.items;
    expect(replays.map((r: any) => r.title)).toEqual(['临时加课']);
    expect((await farMember.client.get(`/api/v1/me/replays/${s.body.id}`)).body.messages.map((m: any) => m.text)).toEqual(['加课内容']);
    expectProblem(await farMember.client.get(`/api/v1/me/replays/${session.id}`), 404);
  });

  it('takes a group owner’s application on the public page, and an approval adds the group', async () => {
    const next = await t.api.post('/api/v1/live-sessions', {
      communityId: community.id, title: '第二课', mainGroupId: main.id, host: { type: 'member', id: speaker.result.memberId }, speakers: [{ type: 'member', id: speaker.result.memberId }],
      targets: { communityIds: [community.id] },
    });
    expectStatus(next, 201);
    expect(next.body.targetCount).toBe(2);
    const page = await t.client().get(`/api/v1/public/live-sessions/${next.body.id}`);
    expectStatus(page, 200);
    expect(page.body).toMatchObject({ title: '第二课', community: '茶友会直播社群', telegramBots: ['@tea_live_bot'] });
    expectProblem(await t.client().post(`/api/v1/public/live-sessions/${next.body.id}/applications`, { platform: 'telegram', groupName: 'x' }), 400, 'body.applicant');
    const app = await t.client().post(`/api/v1/public/live-sessions/${next.body.id}/applications`, {
      platform: 'telegram', groupName: '茶友会 TG 2 群', groupRef: String(TG[1]), applicant: 'Ben', contact: '@ben_tea', members: 120,
    });
    expectStatus(app, 201);
    const again = await t.client().post(`/api/v1/public/live-sessions/${next.body.id}/applications`, {
      platform: 'telegram', groupName: '茶友会 TG 2 群', groupRef: String(TG[1]), applicant: 'Ben', contact: '@ben_tea', members: 120,
    });
    expect(again.body.id).toBe(app.body.id);
    const decided = await t.api.post(`/api/v1/live-sessions/${next.body.id}/applications/${app.body.id}/decide`, { decision: 'approve' });
    expectStatus(decided, 200);
    expect(decided.body).toMatchObject({ status: 'approved', groupId: telegramTargets[1].id });
    expect((await t.api.get(`/api/v1/live-sessions/${next.body.id}`)).body.targetCount).toBe(3);
    expect((await t.api.get(`/api/v1/live-sessions/${next.body.id}/delivery`)).body.groups.find((g: any) => g.groupId === telegramTargets[1].id)).toMatchObject({ origin: 'recruit', state: 'idle' });
    expectStatus(await t.api.delete(`/api/v1/live-sessions/${next.body.id}`), 204);
  });

  it('picks its target groups by tag, with the other ways (a union), and not the main group', async () => {
    for (const g of [builtinTargets[0], telegramTargets[1], main]) expectStatus(await t.api.patch(`/api/v1/groups/${g.id}`, { tags: ['VIP', '2024期'] }), 200);
    const body = { communityId: community.id, title: '贵宾课', mainGroupId: main.id, host: { type: 'member', id: speaker.result.memberId }, speakers: [{ type: 'member', id: speaker.result.memberId }] };
    const byTag = await t.api.post('/api/v1/live-sessions', { ...body, targets: { tags: ['VIP'] } });
    expectStatus(byTag, 201);
    expect(byTag.body.targetCount).toBe(2);
    const both = await t.api.post('/api/v1/live-sessions', { ...body, targets: { tags: ['VIP'], groupIds: [builtinTargets[1].id] } });
    expect(both.body.targetCount).toBe(3);
    expectProblem(await t.api.post('/api/v1/live-sessions', { ...body, targets: { tags: ['无此标签'] } }), 400, 'targets');
    expectProblem(await t.api.post('/api/v1/live-sessions', { ...body, targets: { tags: [''] } }), 400, 'body.targets.tags.0');
    for (const s of [byTag, both]) expectStatus(await t.api.delete(`/api/v1/live-sessions/${s.body.id}`), 204);
  });

  it('matches an application’s t.me link or @username to the public group the bot is in, and says a private invite link cannot be', async () => {
    const PUBLIC = -1002000000003;
    fake.addChat({ id: PUBLIC, type: 'supergroup', title: '茶友会 TG 3 群', username: 'TeaClub_Three' });
    fake.addMember(PUBLIC, ANN);
    fake.addBotToChat(PUBLIC, TOKEN, { admin: true, by: ANN });
    const three = await waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === String(PUBLIC).slice(4)));
    const next = await t.api.post('/api/v1/live-sessions', {
      communityId: community.id, title: '第三课', mainGroupId: main.id, host: { type: 'member', id: speaker.result.memberId }, speakers: [{ type: 'member', id: speaker.result.memberId }],
      targets: { communityIds: [community.id] },
    });
    expectStatus(next, 201);
    const applyWith = async (groupName: string, groupRef: string) => {
      const r = await t.client().post(`/api/v1/public/live-sessions/${next.body.id}/applications`, { platform: 'telegram', groupName, groupRef, applicant: 'Ann', contact: '@ann_tea' });
      expectStatus(r, 201);
      return r.body;
    };
    // The group's name on the form differs from its title: only the username can find it.
    const refs = ['https://t.me/teaclub_three', 't.me/TeaClub_Three/42', '@TEACLUB_THREE', 'teaclub_three'];
    const byLink = [];
    for (const [i, ref] of refs.entries()) byLink.push(await applyWith(`我们的三群 ${i}`, ref));
    expect(byLink.every((a) => a.match === null)).toBe(true);
    const privateLink = await applyWith('私密群', 'https://t.me/+AbCdEf123456');
    const joinchat = await applyWith('老私密群', 't.me/joinchat/AAAAAEk3');
    const unknown = await applyWith('没有机器人的群', '@no_bot_here');
    const listed = new Map(((await t.api.get(`/api/v1/live-sessions/${next.body.id}/applications`)).body.items as any[]).map((a) => [a.id, a]));
    for (const a of byLink) expect(listed.get(a.id).match).toMatchObject({ groupId: three.id, groupName: '茶友会 TG 3 群', by: 'username', problem: null });
    for (const a of [privateLink, joinchat]) {
      expect(listed.get(a.id).match).toMatchObject({ groupId: null, problem: 'private_link' });
      expect(listed.get(a.id).match.reason).toMatch(/private invite link/);
    }
    expect(listed.get(unknown.id).match).toMatchObject({ groupId: null, problem: 'unknown_username' });
    expect(listed.get(unknown.id).match.reason).toMatch(/@no_bot_here/);

    const refused = await t.api.post(`/api/v1/live-sessions/${next.body.id}/applications/${privateLink.id}/decide`, { decision: 'approve' });
    expectProblem(refused, 400, 'groupId');
    expect(JSON.stringify(refused.body)).toMatch(/private invite link/);
    expect((await t.api.get(`/api/v1/live-sessions/${next.body.id}/applications?status=pending`)).body.items.map((a: any) => a.id)).toContain(privateLink.id);

    const decided = await t.api.post(`/api/v1/live-sessions/${next.body.id}/applications/${byLink[0].id}/decide`, { decision: 'approve' });
    expectStatus(decided, 200);
    expect(decided.body).toMatchObject({ status: 'approved', groupId: three.id, match: null });
    expect((await t.api.get(`/api/v1/live-sessions/${next.body.id}/delivery`)).body.groups.find((g: any) => g.groupId === three.id)).toMatchObject({ origin: 'recruit' });
    // The operator names the group a private link could not.
    const named = await t.api.post(`/api/v1/live-sessions/${next.body.id}/applications/${privateLink.id}/decide`, { decision: 'approve', groupId: telegramTargets[0].id });
    expectStatus(named, 200);
    expect(named.body.groupId).toBe(telegramTargets[0].id);
    expectStatus(await t.api.delete(`/api/v1/live-sessions/${next.body.id}`), 204);
  });
});
