// The chat-export readers by format, for the CLI (`shequn import <format>`) and the console's upload.
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { ChatRecord } from './chat-records.ts';
import { readTelegram } from './telegram.ts';
import { readWhatsApp } from './whatsapp.ts';
import { readQq } from './qq.ts';
import { readWeChat } from './wechat.ts';

export { ExportError, type ChatRecord } from './chat-records.ts';

export interface ChatFormat {
  /** The platform its groups and identities are on. */
  platform: string;
  read: (file: string, opts: { timezone: string }) => AsyncIterable<ChatRecord>;
}

export const CHAT_FORMATS: Record<string, ChatFormat> = {
  telegram: { platform: 'telegram', read: readTelegram },
  whatsapp: { platform: 'whatsapp', read: readWhatsApp },
  qq: { platform: 'qq', read: readQq },
  wechat: { platform: 'wechat', read: readWeChat },
};

/** The same file, for a re-run: its size and the hash of its first and last MiB (a full hash of 500 MB costs seconds). */
export async function fileKey(file: string): Promise<string> {
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
