// The connector contract, one suite run against every connector (the built-in community and Telegram, the
// latter against the local fake Bot API): actions written to the outbox reach the group as the platform
// shows them (a message, a reply to it, a mute the member feels, a removal), the connector declares what it
// can do, and an action outside its capability matrix is refused with a reason naming the platform and the
// action, never dropped. The event side is covered per connector (test/telegram-connector.test.ts, the
// built-in chat tests); here each platform's own view is the judge of what happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, type OutboxAction } from '../src/modules/outbox/index.ts';
import { FakeTelegram, FakeTelegramError } from './fakes/telegram-bot-api.ts';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectStatus, joinAsMember, makeCommunity, makeGroup, waitFor } from './helpers/api.ts';
import { systemCtx } from './helpers/clock.ts';

const KEY = Buffer.alloc(32, 13).toString('base64');
const TOKEN = '7401:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const CHAT = -1005000000001;
const USER = 901;
let fake: FakeTelegram;
let db: TestDatabase;
let t: TestServer;
let workspaceId: string;
let n = 0;

/** What the suite needs of a platform: a group with a member in it, and the platform's own view of them. */
interface Harness {
  platform: string;
  setup(): Promise<{ groupId: string; memberId: string }>;
  /** The texts the connector put in the group, oldest first, and which earlier one each answers (its index). */
  delivered(): Promise<{ text: string; replyTo: number | null }[]>;
  /** Whether the member can post in the group now. */
  canPost(): Promise<boolean>;
  /** Whether the member is in the group. */
  inGroup(): Promise<boolean>;
  /** An action this platform's connector cannot do. */
  unsupported: OutboxAction;
}

function builtin(): Harness {
  let groupId = '';
  let member: { client: Client; result: { memberId: string } };
  return {
    platform: 'builtin',
    unsupported: 'edit',
    async setup() {
      const community = await makeCommunity(t.api, { name: '契约测试' });
      groupId = (await makeGroup(t.api, community.id, { platform: 'builtin', name: '契约自建群' })).id;
      member = await joinAsMember(t, (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: groupId })).body.code, { name: '契约成员' });
      return { groupId, memberId: member.result.memberId };
    },
    async delivered() {
      const items = ((await t.api.get(`/api/v1/groups/${groupId}/chat?limit=100`)).body.items as any[]).reverse().filter((i) => i.system && i.text?.startsWith('契约'));
      return items.map((i) => ({ text: i.text, replyTo: i.replyTo ? items.findIndex((x) => x.id === i.replyTo) : null }));
    },
    async canPost() {
      return (await member.client.post(`/api/v1/me/groups/${groupId}/messages`, { clientId: `contract-${++n}-post`, text: '我能发言吗' })).status === 201;
    },
    async inGroup() {
      return (await member.client.get(`/api/v1/me/groups/${groupId}`)).status === 200;
    },
  };
}

function telegram(): Harness {
  let groupId = '';
  return {
    platform: 'telegram',
    unsupported: 'blacklist',
    async setup() {
      fake.addChat({ id: CHAT, type: 'supergroup', title: '契约 TG 群' });
      fake.addUser({ id: USER, first_name: '契约成员' });
      fake.addMember(CHAT, USER);
      fake.addBotToChat(CHAT, TOKEN, { admin: true, by: USER });
      fake.userSends(CHAT, USER, { text: '大家好' });
      const group = await waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === String(CHAT).slice(4)));
      groupId = group.id;
      const act = await waitFor(async () => (await t.api.get(`/api/v1/activities?groupId=${groupId}&kind=message`)).body.items[0]);
      return { groupId, memberId: act.memberId };
    },
    async delivered() {
      const log = fake.chatLog(CHAT).filter((e) => e.bot && e.text?.startsWith('契约'));
      return log.map((e) => ({ text: e.text!, replyTo: e.reply_to ? log.findIndex((x) => x.message_id === e.reply_to) : null }));
    },
    async canPost() {
      try {
        fake.userSends(CHAT, USER, { text: '我能发言吗' });
        return true;
      } catch (e) {
        if (e instanceof FakeTelegramError) return false;
        throw e;
      }
    },
    async inGroup() {
      return ['member', 'restricted', 'administrator', 'creator'].includes(fake.memberStatus(CHAT, USER).status) && (fake.memberStatus(CHAT, USER) as { is_member?: boolean }).is_member !== false;
    },
  };
}

beforeAll(async () => {
  fake = await FakeTelegram.start({ timeScale: 50 });
  fake.addBot({ token: TOKEN, username: 'contract_bot' });
  db = await createTestDatabase();
  t = await startTestServer({
    SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY, SHEQUN_TELEGRAM_POLLING: 'true', SHEQUN_TELEGRAM_TIME_SCALE: '50', SHEQUN_ENGINE_INTERVAL_MS: '50',
  }, { db });
  expectStatus(await t.api.post('/api/v1/connections', { platform: 'telegram', token: TOKEN }), 201);
  await t.server.engine.listeners!.rescan();
  workspaceId = (await t.server.rt.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
  await fake?.close();
});

describe.each([builtin, telegram])('the connector contract: %o', (make) => {
  const h = make();
  let g: { groupId: string; memberId: string };
  const act = async (key: string, action: OutboxAction, payload: Record<string, unknown> = {}, withMember = false) => {
    const dedupeKey = `contract:${h.platform}:${key}`;
    await systemCtx(t, workspaceId).transaction((tx) => enqueue(tx, [{
      dedupeKey, lane: `group:${g.groupId}`, action, platform: h.platform, groupId: g.groupId, memberId: withMember ? g.memberId : null, payload,
      origin: { type: 'operator', id: null }, reason: '契约测试', causeActivityId: null,
    }]));
    return dedupeKey;
  };
  const settled = (key: string) => waitFor(async () => {
    const r = await t.server.rt.db.kysely.selectFrom('outbox').select(['status', 'last_error']).where('dedupe_key', '=', key).executeTakeFirst();
    return r && (r.status === 'done' || r.status === 'failed') && r;
  });

  beforeAll(async () => {
    g = await h.setup();
  });

  it('sends a message and a reply to it, in order', async () => {
    const first = await act('hello', 'send', { text: '契约：第一条' });
    await act('reply', 'send', { text: '契约：回复第一条', refs: { replyTo: first } });
    await settled(`contract:${h.platform}:reply`);
    expect(await h.delivered()).toEqual([{ text: '契约：第一条', replyTo: null }, { text: '契约：回复第一条', replyTo: 0 }]);
  });

  it('mutes a member, who cannot post, and unmutes them', async () => {
    expect(await h.canPost()).toBe(true);
    expect(await settled(await act('mute', 'mute', { minutes: 30 }, true))).toMatchObject({ status: 'done' });
    expect(await h.canPost()).toBe(false);
    expect(await settled(await act('unmute', 'unmute', {}, true))).toMatchObject({ status: 'done' });
    expect(await h.canPost()).toBe(true);
  });

  it('removes a member from the group', async () => {
    expect(await h.inGroup()).toBe(true);
    expect(await settled(await act('remove', 'remove', {}, true))).toMatchObject({ status: 'done' });
    expect(await h.inGroup()).toBe(false);
  });

  it('refuses what it cannot do with a reason, never dropping it', async () => {
    const r = await settled(await act('unsupported', h.unsupported, { text: '契约：做不到' }));
    expect(r.status).toBe('failed');
    expect(r.last_error).toContain(h.platform);
    expect(r.last_error).toContain(h.unsupported);
    expect((await h.delivered()).map((d) => d.text)).not.toContain('契约：做不到');
  });
});
