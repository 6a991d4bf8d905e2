// A live session's voice notes and files (issue 9: "text, image, voice, link, file, reply … media uploaded
// once per platform and reused"): a speaker's voice and PDF in a built-in main group reach built-in targets
// as file messages and Telegram targets as sendVoice / sendDocument, in order, uploaded once per bot; a
// document heard in a Telegram main group is downloaded once and reaches a built-in target as a file; one
// past the Bot API's 20 MB download limit is relayed as a note with its name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from './fakes/telegram-bot-api.ts';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectProblem, expectStatus, joinAsMember, makeCommunity, makeGroup, waitFor } from './helpers/api.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const BOTS = [
  { token: '7301:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsab', username: 'tea_media_a_bot' },
  { token: '7302:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsac', username: 'tea_media_b_bot' },
];
/** Bot A sits in the first two chats, bot B in the third: each bot uploads each file once. */
const TG = [-1002100000001, -1002100000002, -1002100000003];
const TG_MAIN = -1002100000009;
const ANN = 901;
let fake: FakeTelegram;
let db: TestDatabase;
let t: TestServer;
let community: any;
let main: any;
const builtinTargets: any[] = [];
const telegramTargets: any[] = [];
let speaker: { client: Client; result: any };
let listener: { client: Client; result: any };
let seq = 0;

/** An Ogg page that announces an Opus stream: what a phone records as a voice note. */
const VOICE = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead'), Buffer.alloc(400, 3)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(2000, 0x41), Buffer.from('\n%%EOF\n')]);

const say = (c: Client, g: string, body: Record<string, unknown>) => c.post(`/api/v1/me/groups/${g}/messages`, { clientId: `media-msg-${++seq}`, ...body });
const upload = (c: Client, g: string, name: string, bytes: Uint8Array, type = 'application/octet-stream') =>
  c.request('POST', `/api/v1/me/groups/${g}/uploads?name=${encodeURIComponent(name)}`, bytes, { 'content-type': type });
const tick = () => t.server.engine.tick();
const builtinChat = async (g: string) => ((await t.api.get(`/api/v1/groups/${g}/chat?limit=100`)).body.items as any[]).reverse();
const relayed = (items: any[]) => items.filter((i) => i.system?.startsWith('直播') && i.text?.startsWith('【主讲】'));
const sent = (chat: number) => fake.chatLog(chat).filter((e) => e.bot && (e.text ?? e.caption ?? '').startsWith('【主讲】'));

beforeAll(async () => {
  fake = await FakeTelegram.start({ timeScale: 50 });
  for (const b of BOTS) fake.addBot({ token: b.token, username: b.username, first_name: b.username });
  fake.addUser({ id: ANN, first_name: 'Ann' });
  for (const [i, id] of [...TG, TG_MAIN].entries()) {
    fake.addChat({ id, type: 'supergroup', title: `茶友会 媒体 ${i + 1} 群` });
    fake.addMember(id, ANN);
  }
  db = await createTestDatabase();
  t = await startTestServer({
    SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY, SHEQUN_TELEGRAM_POLLING: 'true', SHEQUN_TELEGRAM_TIME_SCALE: '50', SHEQUN_TELEGRAM_TIMEOUT_MS: '2000',
    SHEQUN_ENGINE_INTERVAL_MS: '60000',
  }, { db });
  for (const b of BOTS) expectStatus(await t.api.post('/api/v1/connections', { platform: 'telegram', token: b.token }), 201);
  await t.server.engine.listeners!.rescan();
  fake.addBotToChat(TG[0]!, BOTS[0]!.token, { admin: true, by: ANN });
  fake.addBotToChat(TG[1]!, BOTS[0]!.token, { admin: true, by: ANN });
  fake.addBotToChat(TG[2]!, BOTS[1]!.token, { admin: true, by: ANN });
  fake.addBotToChat(TG_MAIN, BOTS[1]!.token, { admin: true, by: ANN });
  for (const id of TG) telegramTargets.push(await waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === String(id).slice(4))));
  community = await makeCommunity(t.api, { name: '茶友会媒体社群' });
  main = await makeGroup(t.api, community.id, { platform: 'builtin', name: '媒体直播主群' });
  for (const n of [1, 2]) builtinTargets.push(await makeGroup(t.api, community.id, { platform: 'builtin', name: `媒体收听 ${n} 群` }));
  const inviteOf = async (g: any) => (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id })).body.code as string;
  speaker = await joinAsMember(t, await inviteOf(main), { name: '陈老师' });
  listener = await joinAsMember(t, await inviteOf(builtinTargets[0]), { name: '小周' });
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
  await fake?.close();
});

describe('files and voice notes in the built-in chat', () => {
  it('are uploaded with their type read from the bytes and served safely', async () => {
    const v = await upload(speaker.client, main.id, '语音.ogg', VOICE, 'text/html');
    expectStatus(v, 201);
    expect(v.body).toMatchObject({ kind: 'voice', mime: 'audio/ogg', width: 0, height: 0, name: '语音.ogg', bytes: VOICE.length });
    // A page uploaded as a "PDF" is refused; a file of unknown type is kept as bytes, only ever downloaded.
    expectProblem(await upload(speaker.client, main.id, 'x.pdf', Buffer.from('\n <!DOCTYPE html><script>alert(1)</script>'), 'application/pdf'), 400, 'file');
    const odd = await upload(speaker.client, main.id, 'notes.txt', Buffer.from('茶单：大红袍、水仙、肉桂'), 'text/html');
    expectStatus(odd, 201);
    expect(odd.body).toMatchObject({ kind: 'file', mime: 'application/octet-stream', name: 'notes.txt' });
    const got = await speaker.client.get(`/api/v1/uploads/${odd.body.id}`);
    expectStatus(got, 200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    const voice = await speaker.client.get(`/api/v1/uploads/${v.body.id}`);
    expect(voice.headers.get('content-disposition')).toMatch(/^inline;/);
    // An image is still an image: posting it as a file, or a file as an image, names the field.
    expectProblem(await say(speaker.client, main.id, { imageId: v.body.id }), 400, 'imageId');
    expectProblem(await say(speaker.client, main.id, { fileId: 'upl_nope' }), 400, 'fileId');
    expectProblem(await upload(speaker.client, main.id, 'empty.pdf', Buffer.alloc(0)), 400, 'file');
  });
});

describe('a live session relays voice notes and files', () => {
  it('from a built-in main group to built-in and Telegram targets, in order, uploaded once per bot', async () => {
    const admin = (await t.api.get('/api/v1/operators')).body.items.find((o: any) => o.role === 'owner');
    const s = await t.api.post('/api/v1/live-sessions', {
      communityId: community.id, title: '岩茶课', mainGroupId: main.id, host: { type: 'operator', id: admin.id }, speakers: [{ type: 'member', id: speaker.result.memberId }],
      targets: { groupIds: [...builtinTargets.map((g) => g.id), ...telegramTargets.map((g) => g.id)] }, settings: { reminders: [], notices: false },
    });
    expectStatus(s, 201);
    expectStatus(await t.api.post(`/api/v1/live-sessions/${s.body.id}/start`), 200);
    const v = await upload(speaker.client, main.id, '开场.ogg', VOICE);
    const p = await upload(speaker.client, main.id, '讲义.pdf', PDF);
    expectStatus(await say(speaker.client, main.id, { text: '先听一段语音' }), 201);
    expectStatus(await say(speaker.client, main.id, { fileId: v.body.id }), 201);
    expectStatus(await say(speaker.client, main.id, { fileId: p.body.id, text: '讲义在这里' }), 201);
    expectStatus(await say(speaker.client, main.id, { text: '大家下载看看' }), 201);
    await tick();
    for (const g of builtinTargets) {
      const items = relayed(await builtinChat(g.id));
      expect(items.map((i) => [i.text, i.file?.kind ?? null, i.file?.name ?? null])).toEqual([
        ['【主讲】陈老师：先听一段语音', null, null],
        ['【主讲】陈老师', 'voice', '开场.ogg'],
        ['【主讲】陈老师：讲义在这里', 'file', '讲义.pdf'],
        ['【主讲】陈老师：大家下载看看', null, null],
      ]);
      expect(items[2].file).toMatchObject({ mime: 'application/pdf', bytes: PDF.length });
    }
    // A listener downloads the PDF shown in their group: the same bytes.
    const pdfItem = relayed(await builtinChat(builtinTargets[0].id))[2];
    const dl = await listener.client.get(`/api/v1/uploads/${pdfItem.file.id}`);
    expectStatus(dl, 200);
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment;/);
    for (const chat of TG) {
      const log = await waitFor(async () => {
        const l = sent(chat);
        return l.length === 4 && l;
      });
      expect(log.map((e) => [e.method, e.text ?? e.caption])).toEqual([
        ['sendMessage', '【主讲】陈老师：先听一段语音'],
        ['sendVoice', '【主讲】陈老师'],
        ['sendDocument', '【主讲】陈老师：讲义在这里'],
        ['sendMessage', '【主讲】陈老师：大家下载看看'],
      ]);
      expect(log[2]!.media).toMatchObject({ kind: 'document', file_name: '讲义.pdf' });
    }
    // Each bot uploaded the voice and the PDF once; its other groups got them by file_id.
    for (const b of BOTS) {
      const ups = fake.uploads({ token: b.token }).filter((u) => u.accepted);
      expect(ups.map((u) => u.method).sort()).toEqual(['sendDocument', 'sendVoice']);
    }
    // Bot A's two groups: whichever was first got each upload, the other the file_id; bot B uploaded in its only group.
    expect([...sent(TG[0]!), ...sent(TG[1]!)].filter((e) => e.media).map((e) => e.media!.reused).sort()).toEqual([false, false, true, true]);
    expect(sent(TG[2]!).filter((e) => e.media).map((e) => e.media!.reused)).toEqual([false, false]);
    const d = (await t.api.get(`/api/v1/live-sessions/${s.body.id}/delivery`)).body;
    expect(d.totals).toMatchObject({ failed: 0, queued: 0, ambiguous: 0 });
    const arch = (await t.api.get(`/api/v1/live-sessions/${s.body.id}/archive`)).body.items;
    expect(arch.map((m: any) => m.text)).toEqual(['先听一段语音', '[语音] 开场.ogg', '讲义在这里 [文件] 讲义.pdf', '大家下载看看']);
    expect(arch.map((m: any) => m.file?.kind ?? null)).toEqual([null, 'voice', 'file', null]);
    expectStatus(await t.api.post(`/api/v1/live-sessions/${s.body.id}/stop`), 200);
    // The replay plays the voice and offers the PDF, from the copy in the listener's own group.
    const replay = await listener.client.get(`/api/v1/me/replays/${s.body.id}`);
    expectStatus(replay, 200);
    const files = replay.body.messages.filter((m: any) => m.file);
    expect(files.map((m: any) => [m.file.kind, m.file.name])).toEqual([['voice', '开场.ogg'], ['file', '讲义.pdf']]);
    expect(files[1].file.url).toBe(`/api/v1/uploads/${pdfItem.file.id}`);
    expectStatus(await listener.client.get(files[1].file.url), 200);
    // Broadcast again, the files go with their lines.
    expectStatus(await t.api.post(`/api/v1/live-sessions/${s.body.id}/rebroadcast`), 200);
    await tick();
    const again = (await builtinChat(builtinTargets[1].id)).filter((i) => i.text?.startsWith('【回放】'));
    expect(again.map((i) => i.file?.name ?? null)).toEqual([null, '开场.ogg', '讲义.pdf', null]);
  });

  it('from a Telegram main group: a document downloaded once and relayed as a file; one too big to download as a note', async () => {
    fake.userSends(TG_MAIN, ANN, { text: '大家好' });
    const tgMain = await waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === String(TG_MAIN).slice(4)));
    const ann = await waitFor(async () => (await t.api.get('/api/v1/members?q=Ann')).body.items[0]?.id as string | undefined);
    const s = await t.api.post('/api/v1/live-sessions', {
      communityId: tgMain.communityId ?? community.id, title: 'TG 媒体直播', mainGroupId: tgMain.id, host: { type: 'member', id: ann }, speakers: [{ type: 'member', id: ann }],
      targets: { groupIds: [builtinTargets[1].id] }, settings: { reminders: [], notices: false },
    });
    expectStatus(s, 201);
    expectStatus(await t.api.post(`/api/v1/live-sessions/${s.body.id}/start`), 200);
    fake.userSends(TG_MAIN, ANN, { file: { kind: 'document', bytes: PDF, file_name: '茶单.pdf', mime_type: 'application/pdf' }, caption: '今天的茶单' });
    fake.userSends(TG_MAIN, ANN, { file: { kind: 'voice', bytes: VOICE } });
    fake.userSends(TG_MAIN, ANN, { file: { kind: 'document', bytes: Buffer.alloc(21 * 2 ** 20, 1), file_name: '大讲义.pdf' } });
    const items = await waitFor(async () => {
      await tick();
      const l = (await builtinChat(builtinTargets[1].id)).filter((i) => i.system === null || i.system?.startsWith('直播')).filter((i) => i.text?.includes('Ann'));
      return l.length === 3 && l;
    }, 20_000);
    expect(items[0]).toMatchObject({ text: '【主讲】Ann：今天的茶单', file: { kind: 'file', name: '茶单.pdf', mime: 'application/pdf', bytes: PDF.length } });
    expect(items[1]).toMatchObject({ text: '【主讲】Ann', file: { kind: 'voice', mime: 'audio/ogg' } });
    expect(items[2].file).toBeNull();
    expect(items[2].text).toBe('【主讲】Ann：[文件] 大讲义.pdf（21 MB，太大，未转发）');
    // Downloaded once each, through the bot that heard them (the big one was refused by getFile).
    expect(fake.requests({ token: BOTS[1]!.token, method: 'getFile' })).toHaveLength(3);
    expectStatus(await t.api.post(`/api/v1/live-sessions/${s.body.id}/stop`), 200);
  });
});
