// import-telegram: a generated Telegram Desktop export (1,000,000 messages by default: Chinese chat text,
// thousands of senders, replies, media, entities, service messages; about 465 MB) imported through the real
// `shequn import telegram`, beside the floor measured in the same run: @streamparser/json streaming-parses
// the same file and raw prepared statements insert the same activity rows into the same schema.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { JSONParser } from '@streamparser/json';
import { migrateToLatest, openDatabase } from '../src/kernel/db/connect.ts';
import { log, now, prng, report, scratchDir } from './lib.ts';
import type { Bench } from './registry.ts';

const MESSAGES = Number(process.env.BENCH_TG_MESSAGES ?? 1_000_000);
const SENDERS = 3000;
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红玲芬燕彬鹏辉宇浩凯健俊帆旭宁龙林欣悦晨雨思涵梓萱';
const PHRASES = [
  '今天的课程讲得太好了，收获很大', '请问老师，作业什么时候交？', '周末有人一起去西湖边喝茶吗', '这款龙井的汤色真亮，回甘也好',
  '我们小组的总结已经发到群文件了', '收到，谢谢大家', '哈哈哈哈笑死我了', '早上好！新的一天继续加油💪', '晚安各位，明天见',
  '有没有上海的同学，线下聚一聚', '这个问题我也遇到过，换个思路试试', '链接在这里，大家可以看看', '分享一篇文章，写得很透彻',
  '打卡第 21 天，坚持就是胜利', '下一期什么时候开始报名？', '👍👍👍', '老师辛苦了🙏', '同意楼上的观点', '我觉得还可以再讨论一下', '收藏了，回头细看',
];
const ACTIONS = ['invite_members', 'join_group_by_link', 'remove_members', 'pin_message', 'edit_group_title'];

/** Writes the export the way Telegram Desktop does (one key per line, tab indents); returns its size. */
export function writeTelegramExport(file: string, messages: number, seed = 11): number {
  const r = prng(seed);
  const pick = <T>(xs: ArrayLike<T>) => xs[Math.floor(r() * xs.length)]!;
  const names = Array.from({ length: SENDERS }, () => pick(SURNAMES) + pick(GIVEN) + (r() < 0.6 ? pick(GIVEN) : ''));
  const fd = fs.openSync(file, 'w');
  let out = '{\n\t"name": "西湖龙井品鉴群",\n\t"type": "private_supergroup",\n\t"id": 1734500001,\n\t"messages": [\n';
  const start = Date.UTC(2023, 0, 1) / 1000;
  for (let i = 1; i <= messages; i++) {
    const t = start + i * 30 + Math.floor(r() * 30);
    const date = new Date((t + 8 * 3600) * 1000).toISOString().slice(0, 19);
    const s = Math.floor(r() * SENDERS);
    let m: string;
    if (r() < 0.02) {
      const action = pick(ACTIONS);
      const other = names[Math.floor(r() * SENDERS)]!;
      m = `\t\t{\n\t\t\t"id": ${i},\n\t\t\t"type": "service",\n\t\t\t"date": "${date}",\n\t\t\t"date_unixtime": "${t}",\n\t\t\t"actor": "${names[s]}",\n\t\t\t"actor_id": "user${100000 + s}",\n\t\t\t"action": "${action}",\n` +
        (action === 'invite_members' || action === 'remove_members' ? `\t\t\t"members": [\n\t\t\t\t"${other}"\n\t\t\t],\n` : action === 'edit_group_title' ? '\t\t\t"title": "西湖龙井品鉴群",\n' : action === 'pin_message' ? `\t\t\t"message_id": ${i - 1},\n` : '') +
        '\t\t\t"text": "",\n\t\t\t"text_entities": []\n\t\t}';
    } else {
      const roll = r();
      const text = roll < 0.1 ? `${pick(PHRASES)}，${pick(PHRASES)}，${pick(PHRASES)}，${pick(PHRASES)}` : roll < 0.3 ? `${pick(PHRASES)}，${pick(PHRASES)}，${pick(PHRASES)}` : roll < 0.6 ? `${pick(PHRASES)}，${pick(PHRASES)}` : pick(PHRASES);
      const reply = r() < 0.3 ? `\t\t\t"reply_to_message_id": ${Math.max(1, i - 1 - Math.floor(r() * 20))},\n` : '';
      const media = r() < 0.1 ? '\t\t\t"photo": "photos/photo_1@01-01-2023_10-00-00.jpg",\n\t\t\t"width": 1280,\n\t\t\t"height": 960,\n' : '';
      const link = r() < 0.05;
      const edited = r() < 0.2 ? `\t\t\t"edited": "${new Date((t + 8 * 3600 + 60) * 1000).toISOString().slice(0, 19)}",\n\t\t\t"edited_unixtime": "${t + 60}",\n` : '';
      const textJson = link
        ? `[\n\t\t\t\t"${text} ",\n\t\t\t\t{\n\t\t\t\t\t"type": "link",\n\t\t\t\t\t"text": "https://example.com/a/${i}"\n\t\t\t\t}\n\t\t\t]`
        : `"${text}"`;
      const entities = link
        ? `[\n\t\t\t\t{\n\t\t\t\t\t"type": "plain",\n\t\t\t\t\t"text": "${text} "\n\t\t\t\t},\n\t\t\t\t{\n\t\t\t\t\t"type": "link",\n\t\t\t\t\t"text": "https://example.com/a/${i}"\n\t\t\t\t}\n\t\t\t]`
        : `[\n\t\t\t\t{\n\t\t\t\t\t"type": "plain",\n\t\t\t\t\t"text": "${text}"\n\t\t\t\t}\n\t\t\t]`;
      m = `\t\t{\n\t\t\t"id": ${i},\n\t\t\t"type": "message",\n\t\t\t"date": "${date}",\n\t\t\t"date_unixtime": "${t}",\n\t\t\t"from": "${names[s]}",\n\t\t\t"from_id": "user${100000 + s}",\n${edited}${reply}${media}\t\t\t"text": ${textJson},\n\t\t\t"text_entities": ${entities}\n\t\t}`;
    }
    out += i < messages ? `${m},\n` : `${m}\n`;
    if (out.length > 1 << 20) {
      fs.writeSync(fd, out);
      out = '';
    }
  }
  fs.writeSync(fd, `${out}\t]\n}\n`);
  fs.closeSync(fd);
  return fs.statSync(file).size;
}

/** Runs the CLI, sampling its peak resident memory (VmHWM) from /proc while it runs. */
function runCli(file: string, dataDir: string): Promise<{ seconds: number; json: any; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(process.execPath, ['bin/shequn.js', 'import', 'telegram', file, '--json'], { env: { ...process.env, SHEQUN_DATA_DIR: dataDir, SHEQUN_DATABASE_URL: '', SHEQUN_LOG_LEVEL: 'error' } });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peak = Math.max(peak, Number(m[1]) / 1024);
      } catch {
        /* exited */
      }
    };
    const timer = setInterval(sample, 50);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      clearInterval(timer);
      const seconds = (now() - t0) / 1000;
      if (code !== 0) return reject(new Error(`shequn import telegram failed (${code}): ${stderr.slice(0, 2000)}`));
      resolve({ seconds, json: JSON.parse(stdout.trim().split('\n').pop()!), peakRssMb: peak });
    });
  });
}

/** The floor: @streamparser/json over the same file, and the same activity rows through raw prepared inserts. */
async function floor(file: string, dbFile: string): Promise<number> {
  const setup = openDatabase({ dialect: 'sqlite', file: dbFile });
  await migrateToLatest(setup);
  await setup.close();
  const db = new SQLite(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const ws = 'ws_floor';
  const insert = db.prepare(`insert into activities (id, workspace_id, kind, member_id, group_id, occurred_at, content_source, payload, source, source_id, created_at, import_id)
    values (?, ?, ?, ?, 'grp_floor', ?, 'UGC', ?, 'import:telegram', ?, ?, null) on conflict do nothing`);
  const t0 = now();
  let rows: unknown[][] = [];
  const flush = db.transaction((batch: unknown[][]) => { for (const r of batch) insert.run(r); });
  const parser = new JSONParser({ paths: ['$.messages.*'], keepStack: false });
  let n = 0;
  parser.onValue = ({ value }) => {
    const m = value as Record<string, any>;
    const text = typeof m.text === 'string' ? m.text : Array.isArray(m.text) ? m.text.map((x: any) => (typeof x === 'string' ? x : x.text)).join('') : '';
    rows.push([`act_f${n++}`, ws, m.type === 'service' ? 'service' : 'message', `mem_${m.from_id ?? m.actor_id}`, Number(m.date_unixtime) * 1000, JSON.stringify({ text }), `1734500001:${m.id}`, Date.now()]);
    if (rows.length >= 5000) {
      flush(rows);
      rows = [];
    }
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) parser.write(chunk as Buffer);
  flush(rows);
  const seconds = (now() - t0) / 1000;
  db.close();
  if (n !== MESSAGES) throw new Error(`the floor parsed ${n} of ${MESSAGES} messages`);
  return seconds;
}

export const importTelegramBench: Bench = {
  name: 'import-telegram',
  description: `a generated ${MESSAGES.toLocaleString()}-message Telegram export through \`shequn import telegram\` vs @streamparser/json + raw inserts`,
  async run() {
    const tmp = scratchDir('bench-tg');
    try {
      const file = path.join(tmp.dir, 'result.json');
      const t0 = now();
      const size = writeTelegramExport(file, MESSAGES);
      log(`wrote ${(size / 1e6).toFixed(0)} MB in ${((now() - t0) / 1000).toFixed(1)} s`);
      const floorSeconds = await floor(file, path.join(tmp.dir, 'floor.db'));
      log(`floor: ${floorSeconds.toFixed(1)} s`);
      const cli = await runCli(file, path.join(tmp.dir, 'data'));
      log(`shequn import telegram: ${cli.seconds.toFixed(1)} s, peak RSS ${cli.peakRssMb.toFixed(0)} MB; ${JSON.stringify(cli.json).slice(0, 300)}`);
      const total = cli.json.messages + cli.json.service_events;
      if (total !== MESSAGES || cli.json.added.messages + cli.json.added.service_events < MESSAGES) throw new Error(`imported ${total} records, added ${JSON.stringify(cli.json.added)} of ${MESSAGES}`);
      report('import-telegram', 'messages_per_s', MESSAGES / cli.seconds, 'messages/s');
      report('import-telegram', 'floor_messages_per_s', MESSAGES / floorSeconds, 'messages/s');
      report('import-telegram', 'messages_per_s_vs_floor', floorSeconds / cli.seconds, 'x');
      report('import-telegram', 'peak_rss_mb', cli.peakRssMb, 'MB');
    } finally {
      tmp.drop();
    }
  },
};
