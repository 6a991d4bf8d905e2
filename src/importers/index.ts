// The chat-export readers by format, for the CLI (`shequn import <format>`) and the console's upload.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { ChatRecord } from './chat-records.ts';
import { readTelegram } from './telegram.ts';
import { readWhatsApp } from './whatsapp.ts';
import { readQq } from './qq.ts';
import { readWeChat } from './wechat.ts';
import { readDiscord } from './discord.ts';
import { readSlack } from './slack.ts';

export { ExportError, type ChatRecord } from './chat-records.ts';

export interface ChatFormat {
  /** The platform its groups and identities are on. */
  platform: string;
  read: (file: string, opts: { timezone: string }) => AsyncIterable<ChatRecord>;
  /** Also reads a folder (Slack's unzipped export). */
  folder?: boolean;
}

export const CHAT_FORMATS: Record<string, ChatFormat> = {
  telegram: { platform: 'telegram', read: readTelegram },
  whatsapp: { platform: 'whatsapp', read: readWhatsApp },
  qq: { platform: 'qq', read: readQq },
  wechat: { platform: 'wechat', read: readWeChat },
  discord: { platform: 'discord', read: readDiscord },
  slack: { platform: 'slack', read: readSlack, folder: true },
};

/**
 * The same file, for a re-run: its size and the hash of its first and last MiB (a full hash of 500 MB costs
 * seconds). A folder: the hash of its files' paths, sizes and modification times.
 */
export async function fileKey(file: string): Promise<string> {
  const st = await fs.promises.stat(file);
  if (st.isDirectory()) {
    const entries = (await fs.promises.readdir(file, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const lines = await Promise.all(entries.map(async (e) => {
      const p = path.join(e.parentPath, e.name);
      const s = await fs.promises.stat(p);
      return `${path.relative(file, p)}\t${s.size}\t${s.mtimeMs}`;
    }));
    return `dir:${createHash('sha256').update(lines.sort().join('\n')).digest('hex')}`;
  }
  const fd = await fs.promises.open(file, 'r');
  try {
    const { size } = await fd.stat();
    const head = Buffer.alloc(Math.min(size, 1 << 20));
    await fd.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, 1 << 20));
    await fd.read(tail, 0, tail.length, Math.max(0, size - tail.length));
    return `${size}:${createHash('sha256').update(head).update(tail).digest('hex')}`;
  } finally {
    await fd.close();
  }
}
