// The text layer of the readers of line-based chat exports (QQ's .txt, WeChat's CSV): the same detection as
// members-file.ts (BOM, UTF-16 by its NULs, UTF-8 unless it does not decode, then GB18030, which also reads GBK),
// but streamed: lines are cut on the raw bytes, which is safe because a line feed byte never occurs inside a
// multi-byte character of UTF-8 or GB18030, and UTF-16 is cut on whole code units. Each line decodes on its own,
// so a decode error names its line.
import fs from 'node:fs';
import path from 'node:path';
import { isAscii } from 'node:buffer';
import iconv from 'iconv-lite';
import { ExportError } from './chat-records.ts';

type Encoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

export interface TextLine {
  /** The line without its line break (CR LF and LF both end a line). */
  text: string;
  /** 1-based. */
  line: number;
}

/** A line longer than this is not text a chat export writes (and holding it would cost the memory of a file). */
const MAX_LINE_BYTES = 64 << 20;

/** UTF-16 without a BOM: mostly ASCII text has a NUL in every other byte (members-file.ts's rule). */
function utf16WithoutBom(buf: Buffer): 'utf-16le' | 'utf-16be' | null {
  const n = Math.min(buf.length, 4096) & ~1;
  if (n < 4) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenNul++;
    if (buf[i + 1] === 0) oddNul++;
  }
  if (oddNul > n / 2 * 0.3 && evenNul === 0) return 'utf-16le';
  if (evenNul > n / 2 * 0.3 && oddNul === 0) return 'utf-16be';
  return null;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf16le = new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true });
/** Node's own decoder where its ICU has the encoding (ten times iconv-lite's speed per line); iconv-lite otherwise. */
function nativeDecoder(name: string): InstanceType<typeof TextDecoder> | null {
  try {
    return new TextDecoder(name, { fatal: true, ignoreBOM: true });
  } catch {
    return null;
  }
}
const gb18030 = nativeDecoder('gb18030');
const utf16be = nativeDecoder('utf-16be');

const ENCODING_NAMES: Record<Encoding, string> = { 'utf-8': 'UTF-8', gb18030: 'GB18030/GBK', 'utf-16le': 'UTF-16LE', 'utf-16be': 'UTF-16BE' };

/** The text of one line's bytes in the encoding, or null when they do not decode in it. */
function decode(bytes: Buffer, enc: Encoding): string | null {
  try {
    if (enc === 'utf-8') return utf8.decode(bytes);
    if (enc === 'utf-16le') return bytes.length % 2 ? null : utf16le.decode(bytes);
    if (enc === 'utf-16be') {
      if (bytes.length % 2) return null;
      if (utf16be) return utf16be.decode(bytes);
      const t = iconv.decode(bytes, 'utf16be');
      return LONE_SURROGATE.test(t) ? null : t;
    }
    if (gb18030) return gb18030.decode(bytes);
    // iconv-lite writes U+FFFD for bytes that are not GB18030; the text may hold a real U+FFFD, so re-encode to tell.
    const t = iconv.decode(bytes, 'gb18030');
    return t.includes('\ufffd') && !iconv.encode(t, 'gb18030').equals(bytes) ? null : t;
  } catch {
    return null;
  }
}

/**
 * The lines of a text export in file order, whatever its encoding (UTF-8 with or without BOM, GB18030/GBK,
 * UTF-16 LE/BE with or without BOM), a batch per 256 KiB read (one await per line would cost more than the
 * decoding). Throws ExportError for an empty file, a binary file (a NUL byte outside UTF-16) and a line that
 * does not decode in the encoding the file started with.
 */
export async function* readTextLines(file: string): AsyncGenerator<TextLine[]> {
  let size: number;
  try {
    const st = await fs.promises.stat(file);
    if (st.isDirectory()) throw new ExportError(file, 'byte 0', 'is a folder, not an export file');
    size = st.size;
  } catch (e) {
    if (e instanceof ExportError) throw e;
    throw new ExportError(file, 'byte 0', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (size === 0) throw new ExportError(file, 'byte 0', 'the file is empty');

  // null: only ASCII so far, which reads the same in UTF-8 and GB18030; the first line with other bytes decides.
  let enc: Encoding | null = null;
  let decidedAt = 0;
  let unit = 1;
  let offset = 0; // file offset of the chunk being read
  let lineNo = 0;
  let lineStart = 0; // file offset of the line being assembled
  let parts: Buffer[] = [];
  let partsLength = 0;
  const binary = (at: number) => new ExportError(file, `byte ${at}`, 'the file holds binary data (a NUL byte), not the text of a chat export');

  const lineOf = (bytes: Buffer): TextLine => {
    lineNo++;
    let text: string | null;
    if (enc === null && isAscii(bytes)) text = bytes.toString('latin1');
    else {
      if (enc === null) {
        enc = decode(bytes, 'utf-8') !== null ? 'utf-8' : 'gb18030';
        decidedAt = lineNo;
      }
      text = decode(bytes, enc);
      if (text === null) {
        const since = decidedAt ? `, the encoding line ${decidedAt} was read in` : '';
        throw new ExportError(file, `line ${lineNo}`, `the text (from byte ${lineStart}) does not decode as ${ENCODING_NAMES[enc]}${since}: the file is damaged or mixes encodings`);
      }
      if (unit === 2 && text.includes('\u0000')) throw binary(lineStart + 2 * text.indexOf('\u0000'));
    }
    return { text: text.endsWith('\r') ? text.slice(0, -1) : text, line: lineNo };
  };

  const stream = fs.createReadStream(file, { highWaterMark: 1 << 18 });
  /** In UTF-16, a chunk's odd last byte waits for the next chunk, so that code units never straddle two. */
  let odd: Buffer | null = null;
  try {
    for await (const read of stream as AsyncIterable<Buffer>) {
      let chunk: Buffer = odd ? Buffer.concat([odd, read]) : read;
      odd = null;
      let pos = 0;
      if (offset === 0) {
        // Chunks are 256 KiB, so the first holds the BOM and enough text to tell UTF-16 by its NULs.
        if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) (enc = 'utf-8'), (pos = 3);
        else if (chunk[0] === 0xff && chunk[1] === 0xfe) (enc = 'utf-16le'), (unit = 2), (pos = 2);
        else if (chunk[0] === 0xfe && chunk[1] === 0xff) (enc = 'utf-16be'), (unit = 2), (pos = 2);
        else if (chunk.includes(0)) {
          const u16 = utf16WithoutBom(chunk);
          if (!u16) throw binary(chunk.indexOf(0));
          (enc = u16), (unit = 2);
        }
        lineStart = pos;
      }
      if (unit === 1) {
        const nul = chunk.indexOf(0);
        if (nul >= 0) throw binary(offset + nul);
      } else if ((offset + chunk.length) % 2) {
        odd = chunk.subarray(chunk.length - 1);
        chunk = chunk.subarray(0, chunk.length - 1);
      }
      const batch: TextLine[] = [];
      for (;;) {
        const nl = findLineFeed(chunk, pos, unit, enc === 'utf-16be');
        if (nl < 0) break;
        const piece = chunk.subarray(pos, nl);
        const bytes = parts.length ? Buffer.concat([...parts, piece]) : piece;
        parts = [];
        partsLength = 0;
        batch.push(lineOf(bytes));
        pos = nl + unit;
        lineStart = offset + pos;
      }
      if (batch.length) yield batch;
      if (pos < chunk.length) {
        parts.push(chunk.subarray(pos));
        partsLength += chunk.length - pos;
        if (partsLength > MAX_LINE_BYTES) throw new ExportError(file, `line ${lineNo + 1}`, `a line longer than ${MAX_LINE_BYTES >> 20} MiB: not the text of a chat export`);
      }
      offset += chunk.length;
    }
  } catch (e) {
    if (e instanceof ExportError) throw e;
    throw new ExportError(file, `byte ${offset}`, `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    stream.destroy();
  }
  if (odd) {
    parts.push(odd);
    partsLength += odd.length;
  }
  if (partsLength) yield [lineOf(Buffer.concat(parts))];
}

/** The next line feed at or after `from`: the byte 0x0A, or in UTF-16 the code unit U+000A (at an even offset). */
function findLineFeed(buf: Buffer, from: number, unit: number, bigEndian: boolean): number {
  if (unit === 1) return buf.indexOf(0x0a, from);
  // `from` is on a code unit boundary (chunks are cut at even file offsets), so line feeds are at even distances.
  const lf = bigEndian ? [0x00, 0x0a] : [0x0a, 0x00];
  for (let i = buf.indexOf(lf[0]!, from); i >= 0 && i + 1 < buf.length; i = buf.indexOf(lf[0]!, i + 1)) {
    if ((i - from) % 2 === 0 && buf[i + 1] === lf[1]) return i;
  }
  return -1;
}

/** The file's name without its folder and extension: the chat of an export that does not name it. */
export const fileStem = (file: string) => path.basename(file, path.extname(file));
