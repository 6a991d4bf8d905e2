import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportError, type ChatRecord } from './chat-records.ts';
import { readDiscord } from './discord.ts';

const TELEGRAM = new URL('../../../shared/fixtures/telegram/oop.json', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-discord-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const write = (name: string, data: string | Buffer) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, data);
  return f;
};

async function read(file: string, timezone = 'Asia/Shanghai'): Promise<ChatRecord[]> {
  const out: ChatRecord[] = [];
  for await (const r of readDiscord(file, { timezone })) out.push(r);
  return out;
}

/** The records read before the error, and the error (which must be an ExportError). */
async function readUntilError(file: string): Promise<{ records: ChatRecord[]; error: ExportError }> {
  const records: ChatRecord[] = [];
  try {
    for await (const r of readDiscord(file, { timezone: 'UTC' })) records.push(r);
  } catch (e) {
    expect(e).toBeInstanceOf(ExportError);
    return { records, error: e as ExportError };
  }
  throw new Error(`${file} was read without an error`);
}

// Users as DiscordChatExporter writes them (nickname is the server nickname, else the display name).
const user = (id: string, name: string, nickname: string, isBot = false) => ({
  id, name, discriminator: '0000', nickname, color: null, isBot, roles: [], avatarUrl: `https://cdn.discordapp.com/embed/avatars/${id}.png`,
});
const alice = user('100000000000000001', 'alice', 'alice');
const bob = user('100000000000000002', 'bob', 'Bobby');
const teabot = user('100000000000000003', 'TeaBot', 'TeaBot', true);

const message = (id: string, type: string, timestamp: string, author: object, content: string, more: object = {}) => ({
  id, type, timestamp, timestampEdited: null, callEndedTimestamp: null, isPinned: false, content, author,
  attachments: [], embeds: [], stickers: [], reactions: [], mentions: [], inlineEmojis: [], ...more,
});

const conversation = [
  message('1060591120000000001', 'GuildMemberJoin', '2023-01-05T22:20:05.123+08:00', bob, 'Joined the server.'),
  message('1060591120000000002', 'Default', '2023-01-05T22:22:13.456+08:00', alice, 'Welcome <@100000000000000002>!', {
    timestampEdited: '2023-01-05T22:25:00+08:00',
    mentions: [{ id: bob.id, name: 'bob', discriminator: '0000', nickname: 'Bobby', color: null, isBot: false, roles: [], avatarUrl: '' }],
    reactions: [{ emoji: { id: '', name: '👋', code: 'wave', isAnimated: false, imageUrl: '' }, count: 1, users: [] }],
  }),
  message('1060591120000000003', 'Reply', '2023-01-05T22:23:00+08:00', bob, 'Thanks!\nGlad to be here.', {
    reference: { messageId: '1060591120000000002', channelId: '81384788765712386', guildId: '81384788765712384' },
  }),
  message('1060591120000000004', 'Default', '2023-01-05T22:24:30+08:00', bob, '', {
    attachments: [{ id: '1060591119999999999', url: 'https://cdn.discordapp.com/attachments/81384788765712386/1060591119999999999/tea.jpg', fileName: 'tea.jpg', fileSizeBytes: 52_311 }],
  }),
  message('1060591120000000005', 'Default', '2023-01-05T22:26:00+08:00', teabot, 'Tea time reminder'),
  message('1060591120000000006', 'ChannelPinnedMessage', '2023-01-05T22:27:00+08:00', alice, 'Pinned a message.', {
    reference: { messageId: '1060591120000000002', channelId: '81384788765712386', guildId: '81384788765712384' },
  }),
  message('1060591120000000007', 'Default', '2023-01-05T22:28:00+08:00', alice, 'the menu', {
    attachments: [{ id: '1060591119999999998', url: 'https://cdn.discordapp.com/attachments/81384788765712386/1060591119999999998/menu.pdf', fileName: 'menu.pdf', fileSizeBytes: 1000 }],
  }),
];

const exportOf = (guild: object, channel: object, messages: object[]) => ({
  guild, channel, dateRange: { after: null, before: null }, exportedAt: '2023-01-06T10:00:00+08:00', messages, messageCount: messages.length,
});
const teaHouse = { id: '81384788765712384', name: 'Tea House', iconUrl: 'https://cdn.discordapp.com/icons/81384788765712384/a.png' };
const general = { id: '81384788765712386', type: 'GuildTextChat', categoryId: '81384788765712385', category: 'Text Channels', name: 'general', topic: null };

const P = { alice: { id: alice.id, name: 'alice' }, bob: { id: bob.id, name: 'Bobby' }, teabot: { id: teabot.id, name: 'TeaBot' } };
const utc = (h: number, mi: number, s: number, ms = 0) => Date.UTC(2023, 0, 5, h, mi, s, ms);

describe('readDiscord on a DiscordChatExporter JSON export', () => {
  const text = JSON.stringify(exportOf(teaHouse, general, conversation), null, 2);
  const file = write('Tea House - Text Channels - general [81384788765712386].json', text);
  // Where each message starts: the `{` before its id, counted in bytes (the 👋 reaction takes 4 bytes, 2 UTF-16 units).
  const at = (id: string) => `byte ${Buffer.byteLength(text.slice(0, text.lastIndexOf('{', text.indexOf(`"id": "${id}"`))))}`;

  it('yields the chat, then joins, messages, replies, media, bots and service events with their ids', async () => {
    expect(await read(file)).toEqual([
      { type: 'chat', chat: { id: '81384788765712386', name: 'Tea House #general', kind: 'group', left: false } },
      {
        type: 'service', chatId: '81384788765712386', id: '1060591120000000001', at: utc(14, 20, 5, 123), where: at('1060591120000000001'),
        kind: 'join', event: 'guild_member_join', actor: P.bob, members: [P.bob], extra: {},
      },
      {
        type: 'message', chatId: '81384788765712386', id: '1060591120000000002', at: utc(14, 22, 13, 456), where: at('1060591120000000002'),
        from: P.alice, text: 'Welcome <@100000000000000002>!', extra: { editedAt: utc(14, 25, 0), mentions: [bob.id] },
      },
      {
        type: 'message', chatId: '81384788765712386', id: '1060591120000000003', at: utc(14, 23, 0), where: at('1060591120000000003'),
        from: P.bob, text: 'Thanks!\nGlad to be here.', extra: { replyTo: '1060591120000000002' },
      },
      {
        type: 'message', chatId: '81384788765712386', id: '1060591120000000004', at: utc(14, 24, 30), where: at('1060591120000000004'),
        from: P.bob, text: '', extra: { media: 'image', attachments: ['tea.jpg'] },
      },
      {
        type: 'message', chatId: '81384788765712386', id: '1060591120000000005', at: utc(14, 26, 0), where: at('1060591120000000005'),
        from: P.teabot, text: 'Tea time reminder', extra: { bot: true },
      },
      {
        type: 'service', chatId: '81384788765712386', id: '1060591120000000006', at: utc(14, 27, 0), where: at('1060591120000000006'),
        kind: 'service', event: 'channel_pinned_message', actor: P.alice, members: [], extra: { messageId: '1060591120000000002' },
      },
      {
        type: 'message', chatId: '81384788765712386', id: '1060591120000000007', at: utc(14, 28, 0), where: at('1060591120000000007'),
        from: P.alice, text: 'the menu', extra: { media: 'file', attachments: ['menu.pdf'] },
      },
    ]);
  });

  it('names a DM by its channel and makes it private; group DMs, announcement channels and empty channels too', async () => {
    const dms = { id: '0', name: 'Direct Messages', iconUrl: 'https://cdn.discordapp.com/embed/avatars/0.png' };
    const dmText = JSON.stringify(exportOf(dms, { id: '555', type: 'DirectTextChat', categoryId: null, category: null, name: 'bob', topic: null }, [
      message('900', 'Default', '2023-01-05T14:00:00+00:00', bob, 'hi there'),
    ]));
    expect(await read(write('dm.json', dmText))).toEqual([
      { type: 'chat', chat: { id: '555', name: 'bob', kind: 'private', left: false } },
      { type: 'message', chatId: '555', id: '900', at: utc(14, 0, 0), where: `byte ${dmText.indexOf('{"id":"900"')}`, from: P.bob, text: 'hi there', extra: {} },
    ]);

    const group = write('group-dm.json', JSON.stringify(exportOf(dms, { id: '556', type: 'DirectGroupTextChat', categoryId: null, category: null, name: 'tea friends', topic: null }, [
      message('901', 'RecipientAdd', '2023-01-05T14:01:00Z', alice, 'Added Bobby to the group.', { mentions: [bob] }),
      message('902', 'RecipientRemove', '2023-01-05T14:02:00Z', bob, 'Left the group.'),
      message('903', 'ChannelNameChange', '2023-01-05T14:03:00Z', alice, 'tea lovers'),
      message('904', 'Default', '2023-01-05T14:04:00Z', alice, '', { stickers: [{ id: '1', name: 'Wave', format: 'Apng', sourceUrl: '' }] }),
    ])));
    const records = await read(group);
    expect(records[0]).toEqual({ type: 'chat', chat: { id: '556', name: 'tea friends', kind: 'group', left: false } });
    expect(records.slice(1).map((r) => (r.type === 'service' ? [r.kind, r.event, r.actor?.name, r.members.map((m) => m.name), r.extra] : r.type === 'message' ? [r.text, r.extra] : r))).toEqual([
      ['join', 'recipient_add', 'alice', ['Bobby'], {}],
      ['leave', 'recipient_remove', 'Bobby', ['Bobby'], {}],
      ['service', 'channel_name_change', 'alice', [], { title: 'tea lovers' }],
      ['', { media: 'sticker', sticker: 'Wave' }],
    ]);

    const news = write('news.json', JSON.stringify(exportOf(teaHouse, { ...general, id: '557', type: 'GuildNews', name: 'announcements' }, [])));
    expect(await read(news)).toEqual([{ type: 'chat', chat: { id: '557', name: 'Tea House #announcements', kind: 'channel', left: false } }]);
  });

  it('fails at the byte where a truncated file ends, after the messages before it', async () => {
    const cut = text.slice(0, text.indexOf('Thanks!'));
    const { records, error } = await readUntilError(write('truncated.json', cut));
    expect(records.map((r) => (r.type === 'chat' ? r.chat.id : 'id' in r ? r.id : r.type))).toEqual(['81384788765712386', '1060591120000000001', '1060591120000000002']);
    expect(error.where).toBe(`byte ${Buffer.byteLength(cut)}`);
    expect(error.reason).toBe('the file ends early, inside messages.* (truncated?)');
  });

  it('fails clearly when the messages come before the channel', async () => {
    const reordered = JSON.stringify({ guild: teaHouse, messages: conversation.slice(0, 1), channel: general });
    const { records, error } = await readUntilError(write('reordered.json', reordered));
    expect(records).toEqual([]);
    expect(error.where).toBe(`byte ${reordered.indexOf('"messages":[') + '"messages":['.length}`);
    expect(error.reason).toBe('"messages" come before "channel": this reader needs guild and channel first, as DiscordChatExporter writes them');
  });

  it('fails for bytes that are not UTF-8 inside a message, at that message', async () => {
    const good = JSON.stringify(exportOf(teaHouse, general, [message('1', 'Default', '2023-01-05T14:00:00Z', alice, 'caf#')]));
    const bytes = Buffer.from(good);
    bytes[bytes.indexOf('caf#') + 3] = 0xe9; // Latin-1 é
    const { error } = await readUntilError(write('latin1.json', bytes));
    expect(error.where).toBe(`byte ${good.indexOf('{"id":"1"')}`);
    expect(error.reason).toBe('the text is not valid UTF-8');
  });
});

describe('readDiscord on a DiscordChatExporter CSV export', () => {
  const sha = (s: string) => createHash('sha1').update(s).digest('hex').slice(0, 12);
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const row = (...fields: string[]) => fields.map(quote).join(',');
  // The same conversation as the JSON test, as an older exporter wrote it: local 12-hour times without a zone
  // (the exporter ran in UTC+8), the author's account name, attachments as URLs, system messages as their fallback text.
  const rows = [
    row('AuthorID', 'Author', 'Date', 'Content', 'Attachments', 'Reactions'),
    row(bob.id, 'bob', '2023-01-05 10:20 PM', 'Joined the server.', '', ''),
    row(alice.id, 'alice', '2023-01-05 10:22 PM', 'Welcome @Bobby!', '', '👋 (1)'),
    row(bob.id, 'bob', '2023-01-05 10:23 PM', 'Thanks!\r\nGlad to be here.\nReally.', '', ''),
    row(bob.id, 'bob', '2023-01-05 10:24 PM', '', 'https://cdn.discordapp.com/attachments/81384788765712386/1060591119999999999/tea%20cup.jpg', ''),
    row(teabot.id, 'TeaBot', '2023-01-05 10:26 PM', 'Tea time reminder', '', ''),
    row(alice.id, 'alice', '2023-01-05 10:27 PM', 'Pinned a message.', '', ''),
    row(alice.id, 'alice', '2023-01-05 10:28 PM', 'the menu', 'https://cdn.discordapp.com/attachments/1/2/menu.pdf', ''),
  ];
  const csv = `${rows.join('\r\n')}\r\n`;
  const file = write('Tea House - Text Channels - general [81384788765712386].csv', csv);
  const chatId = 'name:Tea House - Text Channels - general [81384788765712386]';
  const id = (at: number, author: string, content: string, n = 0) => `${at}:${author}:${sha(content)}:${n}`;

  it('yields the same conversation with content-derived ids, local times read in the given zone and line numbers', async () => {
    const A = { id: alice.id, name: 'alice' };
    const B = { id: bob.id, name: 'bob' };
    expect(await read(file, 'Asia/Shanghai')).toEqual([
      { type: 'chat', chat: { id: chatId, name: 'Tea House - Text Channels - general [81384788765712386]', kind: 'group', left: false } },
      { type: 'service', chatId, id: id(utc(14, 20, 0), bob.id, 'Joined the server.'), at: utc(14, 20, 0), where: 'line 2', kind: 'join', event: 'guild_member_join', actor: B, members: [B], extra: {} },
      { type: 'message', chatId, id: id(utc(14, 22, 0), alice.id, 'Welcome @Bobby!'), at: utc(14, 22, 0), where: 'line 3', from: A, text: 'Welcome @Bobby!', extra: {} },
      // CR LF inside the quotes reads as LF, like the row breaks: the row spans lines 4 to 6.
      {
        type: 'message', chatId, id: id(utc(14, 23, 0), bob.id, 'Thanks!\nGlad to be here.\nReally.'), at: utc(14, 23, 0), where: 'line 4', from: B,
        text: 'Thanks!\nGlad to be here.\nReally.', extra: {},
      },
      { type: 'message', chatId, id: id(utc(14, 24, 0), bob.id, ''), at: utc(14, 24, 0), where: 'line 7', from: B, text: '', extra: { media: 'image', attachments: ['tea cup.jpg'] } },
      { type: 'message', chatId, id: id(utc(14, 26, 0), teabot.id, 'Tea time reminder'), at: utc(14, 26, 0), where: 'line 8', from: { id: teabot.id, name: 'TeaBot' }, text: 'Tea time reminder', extra: {} },
      { type: 'service', chatId, id: id(utc(14, 27, 0), alice.id, 'Pinned a message.'), at: utc(14, 27, 0), where: 'line 9', kind: 'service', event: 'channel_pinned_message', actor: A, members: [], extra: {} },
      { type: 'message', chatId, id: id(utc(14, 28, 0), alice.id, 'the menu'), at: utc(14, 28, 0), where: 'line 10', from: A, text: 'the menu', extra: { media: 'file', attachments: ['menu.pdf'] } },
    ]);
  });

  it('keeps two identical messages in one minute as two ids, and reads each date form', async () => {
    const f = write('twice.csv', [
      row('AuthorID', 'Author', 'Date', 'Content', 'Attachments', 'Reactions'),
      row(bob.id, 'bob', '05-Jan-23 10:22 PM', 'lol', '', ''),
      row(bob.id, 'bob', '05-Jan-23 10:22 PM', 'lol', '', ''),
      row(bob.id, 'bob', '01/05/2023 12:05 AM', 'midnight', '', ''),
      row(bob.id, 'bob', '2023-01-05T22:22:13.1230000+02:00', 'iso', '', ''),
      row(bob.id, 'bob', 'yesterday', 'no date', '', ''),
    ].join('\n'));
    const records = await read(f, 'Asia/Shanghai');
    const lol = utc(14, 22, 0);
    expect(records.slice(1).map((r) => (r.type === 'message' ? [r.id, r.at] : r))).toEqual([
      [`${lol}:${bob.id}:${sha('lol')}:0`, lol],
      [`${lol}:${bob.id}:${sha('lol')}:1`, lol],
      [id(Date.UTC(2023, 0, 4, 16, 5), bob.id, 'midnight'), Date.UTC(2023, 0, 4, 16, 5)],
      [id(utc(20, 22, 13, 123), bob.id, 'iso'), utc(20, 22, 13, 123)],
      { type: 'skip', chatId: 'name:twice', reason: 'a row without a readable Date ("yesterday")', where: 'line 6' },
    ]);
  });

  it('fails for bytes that are not UTF-8 at their line, and for an unclosed quote', async () => {
    const bad = Buffer.concat([Buffer.from(`${rows.slice(0, 3).join('\n')}\n"1","x","2023-01-05 10:22 PM","caf`), Buffer.from([0xe9]), Buffer.from('","",""\n')]);
    const { error } = await readUntilError(write('latin1.csv', bad));
    expect([error.where, error.reason]).toEqual(['line 4', 'bytes that are not UTF-8: not a DiscordChatExporter export (it writes UTF-8)']);
    const cut = write('cut.csv', `${rows.slice(0, 3).join('\n')}\n"1","x","2023-01-05 10:22 PM","never closed\nmore`);
    const e2 = await readUntilError(cut);
    expect(e2.records.length).toBe(3);
    expect([e2.error.where, e2.error.reason]).toEqual(['line 4', 'a quote opened in this row is never closed (the file may be cut short)']);
  });
});

describe('readDiscord on files that are not DiscordChatExporter exports', () => {
  it('fails for an empty file, a blank one and a binary one', async () => {
    const empty = await readUntilError(write('empty.json', ''));
    expect([empty.error.where, empty.error.reason]).toEqual(['byte 0', 'the file is empty']);
    const blank = await readUntilError(write('blank.json', '  \n\n'));
    expect([blank.error.where, blank.error.reason]).toEqual(['byte 4', 'the file is empty (blank space only)']);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const binary = await readUntilError(write('image.png', png));
    expect([binary.error.where, binary.error.reason]).toEqual(['byte 8', 'the file holds binary data (a NUL byte), not a DiscordChatExporter export']);
  });

  it('fails for a Telegram Desktop export at its first message', async () => {
    const { records, error } = await readUntilError(TELEGRAM);
    const text = fs.readFileSync(TELEGRAM, 'utf8');
    expect(records).toEqual([]);
    expect(error.file).toBe(TELEGRAM);
    expect(error.where).toBe(`byte ${Buffer.byteLength(text.slice(0, text.indexOf('{', text.indexOf('"messages"'))))}`);
    expect(error.reason).toBe('messages without "author" and "timestamp" and no "channel" before them: not a DiscordChatExporter JSON export');
  });

  it('fails for JSON without a channel, an HTML export and a CSV of another tool', async () => {
    const obj = await readUntilError(write('other.json', '{"name":"x","list":[]}'));
    expect([obj.error.where, obj.error.reason]).toEqual(['byte 0', 'no "channel" and no "messages": not a DiscordChatExporter JSON export']);
    const html = await readUntilError(write('export.html', '<!DOCTYPE html><html></html>'));
    expect([html.error.where, html.error.reason]).toEqual(['byte 0', 'an HTML or XML file, not a DiscordChatExporter export (export with --format Json or --format Csv)']);
    const wechat = await readUntilError(write('wechat.csv', '\uFEFFlocalId,TalkerId,Type\n1,2,3\n'));
    expect([wechat.error.where, wechat.error.reason]).toEqual(['byte 3', 'a file starting with "localId,TalkerId,Type", not a DiscordChatExporter export (export with --format Json or --format Csv)']);
  });
});
