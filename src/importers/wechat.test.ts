import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ChatRecord } from './chat-records.ts';
import { readerKit } from './testing.ts';
import { readWeChat } from './wechat.ts';

const { read, write, failure } = readerKit('wechat', readWeChat);
/** A CSV field as Python's csv.writer (what the exporters use) writes it: quoted when it holds `,`, `"` or a line break. */
const field = (v: string | number) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
/** Rows as the exporters write them: UTF-8 with BOM, CR LF after each record (Python's csv default). */
const csv = (rows: (string | number)[][]) => `\ufeff${rows.map((r) => r.map(field).join(',')).join('\r\n')}\r\n`;

const HEADER = ['localId', 'TalkerId', 'Type', 'SubType', 'IsSender', 'CreateTime', 'Status', 'StrContent', 'StrTime', 'Remark', 'NickName', 'Sender'];
const T0 = 1714525200; // 2024-05-01 09:00:00 in Shanghai
const GROUP = '4589001122@chatroom';
const FRIEND = 'wxid_xiaoming';
const row = (localId: number, talker: string, type: number, subType: number, isSender: 0 | 1, dt: number, content: string, remark: string, nick: string, sender: string) => [
  localId, talker, type, subType, isSender, T0 + dt, 2, content, '2024-05-01 09:00:00', remark, nick, sender,
];

const LINK = '<?xml version="1.0"?><msg><appmsg appid="" sdkver="0"><title>好茶推荐 &amp; 评测</title><des>今年的新茶</des><type>5</type><url>https://example.com/tea?a=1&amp;b=2</url></appmsg></msg>';
const MINI = '<msg><appmsg><title>领取优惠券</title><type>33</type><sourcedisplayname>茶商城</sourcedisplayname><weappinfo><appid><![CDATA[wx1234567890]]></appid></weappinfo></appmsg></msg>';
const RECALL = '<sysmsg type="revokemsg"><revokemsg><session>4589001122@chatroom</session><replacemsg><![CDATA["李四" 撤回了一条消息]]></replacemsg></revokemsg></sysmsg>';
const ROWS = [
  HEADER,
  row(1, GROUP, 10000, 0, 0, 0, '"张三"邀请"李四、王五"加入了群聊', '', '', ''),
  row(2, GROUP, 1, 0, 0, 60, '大家好,我是李四\n第二行', '李四备注', '李四', 'wxid_lisi'),
  row(3, FRIEND, 1, 0, 1, 70, '在吗', '', '', ''),
  row(4, GROUP, 3, 0, 0, 80, '<?xml version="1.0"?><msg><img length="2048" /></msg>', '', '王五', 'wxid_wangwu'),
  row(5, FRIEND, 1, 0, 0, 90, '在的', '小明备注', '小明', FRIEND),
  row(6, GROUP, 49, 5, 0, 100, LINK, '', '李四', 'wxid_lisi'),
  row(7, GROUP, 49, 33, 0, 110, MINI, '', '王五', 'wxid_wangwu'),
  row(8, GROUP, 10000, 0, 0, 120, '"赵六"通过扫描"张三"分享的二维码加入群聊', '', '', ''),
  row(9, GROUP, 10000, 0, 0, 130, '你将"赵六"移出了群聊', '', '', ''),
  row(10, GROUP, 10000, 0, 0, 140, '"孙七"修改群名为"茶友会"', '', '', ''),
  row(11, GROUP, 10002, 0, 0, 150, RECALL, '', '', ''),
  row(12, GROUP, 1, 0, 1, 160, '我也在', '', '', ''),
];

describe('readWeChat on a 留痕/WeChatMsg CSV', () => {
  it('reads a group chat and a one-to-one chat: texts, media, links, mini-programs, joins, leaves, renames, recalls', async () => {
    const records = await read(write('messages.csv', csv(ROWS)));
    const group = { id: GROUP, name: GROUP, kind: 'group', left: false };
    const friend = { id: FRIEND, name: '小明备注', kind: 'private', left: false };
    const at = (dt: number) => (T0 + dt) * 1000;
    const me = { id: 'self', name: '我' };
    const byName = (name: string) => ({ id: null, name });
    // Each record starts on its own line but row 2 spans two (line 3 and 4): later rows start one line further.
    expect(records).toEqual([
      { type: 'chat', chat: group },
      { type: 'service', chatId: GROUP, id: '1', at: at(0), where: 'line 2', kind: 'join', event: 'invite', actor: byName('张三'), members: [byName('李四'), byName('王五')], extra: { text: '"张三"邀请"李四、王五"加入了群聊' } },
      { type: 'message', chatId: GROUP, id: '2', at: at(60), where: 'line 3', from: { id: 'wxid_lisi', name: '李四' }, text: '大家好,我是李四\n第二行', extra: {} },
      { type: 'chat', chat: friend },
      { type: 'message', chatId: FRIEND, id: '3', at: at(70), where: 'line 5', from: me, text: '在吗', extra: {} },
      { type: 'message', chatId: GROUP, id: '4', at: at(80), where: 'line 6', from: { id: 'wxid_wangwu', name: '王五' }, text: '', extra: { media: 'image' } },
      { type: 'message', chatId: FRIEND, id: '5', at: at(90), where: 'line 7', from: { id: FRIEND, name: '小明' }, text: '在的', extra: {} },
      {
        type: 'message', chatId: GROUP, id: '6', at: at(100), where: 'line 8', from: { id: 'wxid_lisi', name: '李四' }, text: '好茶推荐 & 评测',
        extra: { media: 'link', subType: 5, url: 'https://example.com/tea?a=1&b=2', description: '今年的新茶' },
      },
      {
        type: 'message', chatId: GROUP, id: '7', at: at(110), where: 'line 9', from: { id: 'wxid_wangwu', name: '王五' }, text: '领取优惠券',
        extra: { media: 'mini_program', miniProgram: true, subType: 33, appName: '茶商城' },
      },
      { type: 'service', chatId: GROUP, id: '8', at: at(120), where: 'line 10', kind: 'join', event: 'join_qrcode', actor: byName('赵六'), members: [byName('赵六')], extra: { inviter: '张三', text: '"赵六"通过扫描"张三"分享的二维码加入群聊' } },
      { type: 'service', chatId: GROUP, id: '9', at: at(130), where: 'line 11', kind: 'leave', event: 'remove', actor: me, members: [byName('赵六')], extra: { text: '你将"赵六"移出了群聊' } },
      { type: 'service', chatId: GROUP, id: '10', at: at(140), where: 'line 12', kind: 'service', event: 'rename', actor: byName('孙七'), members: [], extra: { title: '茶友会', text: '"孙七"修改群名为"茶友会"' } },
      { type: 'service', chatId: GROUP, id: '11', at: at(150), where: 'line 13', kind: 'service', event: 'recall', actor: byName('李四'), members: [], extra: { text: '"李四" 撤回了一条消息' } },
      { type: 'message', chatId: GROUP, id: '12', at: at(160), where: 'line 14', from: me, text: '我也在', extra: {} },
    ]);
  });

  it('matches columns by name in any order and case, reads StrTime in the zone, and keys rows without localId by content', async () => {
    const rows = [
      ['MsgSvrID', 'sender', 'strcontent', 'TYPE', 'StrTime', 'talkerid', 'IsSender', 'NickName'],
      ['9001', 'wxid_a', '早', '1', '2024-05-01 08:00:00', GROUP, '0', '阿甲'],
      ['9002', 'wxid_a', '早', '1', '2024-05-01 08:00:00', GROUP, '0', '阿甲'],
      ['9003', '', '早安', '1', '2024-05-01 08:00:05', GROUP, '1', ''],
    ];
    const records = await read(write('reordered.csv', csv(rows)));
    const at = Date.parse('2024-05-01T08:00:00+08:00');
    expect(records).toEqual([
      { type: 'chat', chat: { id: GROUP, name: GROUP, kind: 'group', left: false } },
      { type: 'message', chatId: GROUP, id: `${at}:wxid_a:13a8589339d9:0`, at, where: 'line 2', from: { id: 'wxid_a', name: '阿甲' }, text: '早', extra: {} },
      { type: 'message', chatId: GROUP, id: `${at}:wxid_a:13a8589339d9:1`, at, where: 'line 3', from: { id: 'wxid_a', name: '阿甲' }, text: '早', extra: {} },
      { type: 'message', chatId: GROUP, id: `${at + 5000}:self:a97eddb0ace0:0`, at: at + 5000, where: 'line 4', from: { id: 'self', name: '我' }, text: '早安', extra: {} },
    ]);
  });

  it('gives the same ids on a second read', async () => {
    const f = write('again.csv', csv(ROWS));
    const ids = (rs: ChatRecord[]) => rs.map((r) => (r.type === 'message' || r.type === 'service' ? r.id : r.type));
    expect(ids(await read(f))).toEqual(ids(await read(f)));
  });

  it('reads a per-contact export of a one-to-one chat whose rows stop after StrTime (no names, no Sender)', async () => {
    const rows = [HEADER, [1, FRIEND, 1, 0, 1, T0, 2, '你好', '2024-05-01 09:00:00'], [2, FRIEND, 34, 0, 0, T0 + 5, 2, '', '2024-05-01 09:00:05']];
    expect(await read(write('小明_utf8.csv', csv(rows)))).toEqual([
      { type: 'chat', chat: { id: FRIEND, name: FRIEND, kind: 'private', left: false } },
      { type: 'message', chatId: FRIEND, id: '1', at: T0 * 1000, where: 'line 2', from: { id: 'self', name: '我' }, text: '你好', extra: {} },
      { type: 'message', chatId: FRIEND, id: '2', at: (T0 + 5) * 1000, where: 'line 3', from: { id: FRIEND, name: FRIEND }, text: '', extra: { media: 'voice' } },
    ]);
  });
});

describe('readWeChat on files it cannot read', () => {
  it('fails on an empty file', async () => {
    const e = await failure(write('empty.csv', ''));
    expect([e.where, e.reason]).toEqual(['byte 0', 'the file is empty']);
  });

  it('fails on a binary file, naming the NUL byte', async () => {
    const e = await failure(write('archive.csv', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00])));
    expect(e.where).toBe('byte 5');
    expect(e.reason).toMatch(/binary data/);
  });

  it('fails on a JSON file, naming its first line', async () => {
    const e = await failure(write('result.json', `\n${JSON.stringify([{ localId: 1, StrContent: '你好' }])}`));
    expect([e.where, e.reason]).toEqual(['line 2', 'a JSON file, not a WeChat CSV export (留痕/WeChatMsg)']);
  });

  it('fails on a CSV of another kind, naming its header line', async () => {
    const e = await failure(write('members.csv', '\ufeff姓名,手机号,城市\r\n张三,13800000000,上海\r\n'));
    expect(e.where).toBe('line 1');
    expect(e.reason).toBe('not a WeChat CSV export (留痕/WeChatMsg): the header has no CreateTime or StrTime, StrContent, Type, Sender or IsSender column (found "姓名,手机号,城市")');
  });

  it('fails on a CSV cut short inside a quoted text, naming the line the record starts on', async () => {
    const whole = csv(ROWS.slice(0, 4));
    const cut = `${whole}${[5, FRIEND, 1, 0, 0, T0 + 90, 2].join(',')},"在的\r\n还没写完`;
    const e = await failure(write('cut.csv', cut));
    // Lines: header 1, row 1 on 2, row 2 on 3–4, row 3 on 5, the cut row from 6.
    expect([e.where, e.reason]).toEqual(['line 6', 'malformed CSV: a quote opened in this record is never closed (the file may be cut short)']);
  });

  it('fails on text that does not decode as the UTF-8 its BOM announces', async () => {
    const bytes = Buffer.concat([Buffer.from(csv(ROWS.slice(0, 2)), 'utf8'), iconv.encode(`${row(2, GROUP, 1, 0, 0, 60, '你好', '', '李四', 'wxid_lisi').join(',')}\r\n`, 'gb18030')]);
    const e = await failure(write('mixed.csv', bytes));
    expect(e.where).toBe('line 3');
    expect(e.reason).toMatch(/^the text \(from byte \d+\) does not decode as UTF-8: the file is damaged or mixes encodings$/);
  });
});
