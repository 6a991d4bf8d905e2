// For the readers' unit tests: a temporary folder for generated exports, reading a file to the end, and
// reading one that must fail. Not used by the product.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { ExportError, type ChatRecord } from './chat-records.ts';

type Reader = (file: string, opts: { timezone: string }) => AsyncIterable<ChatRecord>;

export function readerKit(name: string, reader: Reader) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `shequn-${name}-`));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const read = async (file: string, timezone = 'Asia/Shanghai'): Promise<ChatRecord[]> => {
    const out: ChatRecord[] = [];
    for await (const r of reader(file, { timezone })) out.push(r);
    return out;
  };
  return {
    dir,
    read,
    write(file: string, body: string | Buffer): string {
      const f = path.join(dir, file);
      fs.writeFileSync(f, body);
      return f;
    },
    async failure(file: string): Promise<ExportError> {
      const e = await read(file).then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(ExportError);
      return e as ExportError;
    },
  };
}
