// The fake Telegram Bot API of the relay benchmark, in its own process (forked by relay.bench.ts) so that
// its work does not share a core with the server under test. Commands over IPC: `start` builds the world
// (bots, supergroups, which bot sits where) and answers the URL; `count` answers how many sends it
// accepted; `check` reads every chat's log and answers what was lost, duplicated or out of order.
import { FakeTelegram } from '../test/fakes/telegram-bot-api.ts';

type Cmd =
  | { cmd: 'start'; timeScale: number; bots: { token: string; username: string }[]; chats: { id: number; title: string; bots: string[] }[] }
  | { cmd: 'count' }
  | { cmd: 'check'; chats: number[]; expected: string[] };

let fake: FakeTelegram | null = null;
const send = (m: unknown) => process.send!(m);

process.on('message', async (m: Cmd) => {
  try {
    if (m.cmd === 'start') {
      fake = await FakeTelegram.start({ timeScale: m.timeScale });
      for (const b of m.bots) fake.addBot({ token: b.token, username: b.username, first_name: b.username });
      for (const c of m.chats) {
        fake.addChat({ id: c.id, type: 'supergroup', title: c.title });
        for (const t of c.bots) fake.addBotToChat(c.id, t, { admin: true, silent: true });
      }
      return send({ type: 'started', url: fake.url });
    }
    if (m.cmd === 'count') {
      const s = fake!.stats().total;
      const times = fake!.sends().map((x) => x.at);
      return send({ type: 'count', accepted: s.accepted, rejected429: s.rejected429, lastAt: times.length ? Math.max(...times.slice(-1000)) : 0 });
    }
    if (m.cmd === 'check') {
      let lost = 0;
      let duplicated = 0;
      let outOfOrder = 0;
      for (const chat of m.chats) {
        const got = fake!.chatLog(chat).filter((e) => e.bot && e.text !== undefined && m.expected.includes(e.text)).map((e) => e.text!);
        const seen = new Map<string, number>();
        for (const t of got) seen.set(t, (seen.get(t) ?? 0) + 1);
        for (const e of m.expected) {
          const n = seen.get(e) ?? 0;
          if (n === 0) lost++;
          else duplicated += n - 1;
        }
        // In order: the first time each line arrives follows the lecture's order.
        const firsts = got.filter((t, i) => got.indexOf(t) === i);
        const want = m.expected.filter((e) => seen.has(e));
        if (firsts.join('\n') !== want.join('\n')) outOfOrder++;
      }
      const s = fake!.stats().total;
      return send({ type: 'checked', lost, duplicated, outOfOrder, accepted: s.accepted, rejected429: s.rejected429, errors5xx: s.errors5xx, timeouts: s.timeouts });
    }
  } catch (e) {
    send({ type: 'failed', error: String((e as Error).stack ?? e) });
  }
});
send({ type: 'up' });
