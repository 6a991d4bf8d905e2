// The words of a live relay (pure): how a relayed message reads in a target group, what counts as a
// question and which questions repeat one another, and the host's in-chat commands.

/** How a relayed line is labelled: 【主讲】 for a speaker, 【主持】 for the host. */
export function relayLine(role: 'speaker' | 'host', name: string, text: string): string {
  const label = role === 'speaker' ? '【主讲】' : '【主持】';
  return text ? `${label}${name}：${text}` : `${label}${name}`;
}

const LABELS: Record<string, string> = { photo: '图片', image: '图片', voice: '语音', file: '文件', video: '视频', audio: '音频', animation: '动图', sticker: '表情' };

/** The word for a kind of media in a note: 语音, 文件, … */
export const mediaLabel = (kind: string): string => LABELS[kind] ?? kind;

const size = (bytes: number) => (bytes >= 2 ** 20 ? `${Math.round(bytes / 2 ** 20)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/** What the groups read instead of a file too big to fetch: 「[文件] 讲义.pdf（35 MB，太大，未转发）」. */
export function tooBigNote(kind: string, name: string | null, bytes: number | null): string {
  return `[${mediaLabel(kind)}]${name ? ` ${name}` : ''}（${bytes ? `${size(bytes)}，` : ''}太大，未转发）`;
}

export function answerLine(q: { asker: string; group: string; text: string }, answer: string, by: string): string {
  return `【问答】「${q.group}」的 ${q.asker} 问：${q.text}\n【${by}】答：${answer}`;
}

export const noticeLine = {
  reminder: (title: string, at: string, minutes: number) => `【直播预告】《${title}》将在 ${minutes} 分钟后（${at}）开始，欢迎准时收听。`,
  start: (title: string) => `【直播开始】《${title}》现在开始，主讲的发言会同步到本群。提问请以「问：」开头。`,
  pause: (title: string) => `【直播暂停】《${title}》暂停片刻，稍后继续。`,
  resume: (title: string) => `【直播继续】《${title}》继续。`,
  end: (title: string) => `【直播结束】《${title}》到此结束，感谢收听！回放稍后可在社群主页查看。`,
};

export const DEFAULT_QUESTION_PREFIXES = ['问：', '问:', '提问：', '提问:', '？', '?', '/ask', '/问'];

/** The question in a member's message, or null: a message that starts with one of the prefixes (and says something after it). */
export function questionIn(text: string, prefixes: readonly string[]): string | null {
  const t = text.trim();
  for (const p of prefixes) {
    if (t.toLowerCase().startsWith(p.toLowerCase())) {
      // `/ask@bot` as Telegram writes a command addressed to a bot.
      const rest = t.slice(p.length).replace(/^@\w+/, '').trim();
      return rest.length >= 2 ? rest : null;
    }
  }
  return null;
}

export type HostCommand = 'start' | 'pause' | 'resume' | 'stop';
const COMMANDS: Record<string, HostCommand> = {
  '/start': 'start', '/开始': 'start', '/pause': 'pause', '/暂停': 'pause', '/resume': 'resume', '/继续': 'resume', '/stop': 'stop', '/end': 'stop', '/结束': 'stop',
};

/** A host's command in the main group (`/开始`, `/stop@tea_bot`, …), or null. */
export function hostCommand(text: string): HostCommand | null {
  const m = /^(\/[^\s@]+)(?:@\w+)?\s*$/u.exec(text.trim());
  return m ? (COMMANDS[m[1]!.toLowerCase()] ?? null) : null;
}

const normal = (s: string) => s.toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');

function grams(s: string): Set<string> {
  const n = normal(s);
  const out = new Set<string>();
  if (n.length < 2) out.add(n);
  for (let i = 0; i + 1 < n.length; i++) out.add(n.slice(i, i + 2));
  return out;
}

/** Whether two questions ask the same thing: the same words but for punctuation, or mostly the same character pairs (Dice ≥ 0.6). */
export function sameQuestion(a: string, b: string): boolean {
  if (normal(a) === normal(b)) return true;
  const x = grams(a);
  const y = grams(b);
  let both = 0;
  for (const g of x) if (y.has(g)) both++;
  return (2 * both) / (x.size + y.size) >= 0.6;
}
