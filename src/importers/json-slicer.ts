// Streams a large JSON document and hands over the values at chosen paths, each parsed on its own with
// JSON.parse. A chat export is one huge object whose bulk is an array of small message objects: scanning
// the bytes for the boundaries of those objects and parsing each slice natively is several times faster
// than a token-by-token streaming parser, and memory stays at one read chunk plus one value.
//
// Paths are arrays of keys, with '*' for any array index: ['messages', '*'], ['chats', 'list', '*', 'name'].

export type Path = readonly (string | number)[];

export interface SliceOptions {
  /** Whether the value at this path is wanted whole (it is parsed and yielded). */
  wants(path: Path): boolean;
  /** Whether to yield the end of the object or array at this path (e.g. a chat, to close it). */
  watches?(path: Path): boolean;
}

export type SliceEvent = { type: 'value'; path: Path; value: unknown; offset: number } | { type: 'end'; path: Path; offset: number };

/** A JSON document that is not what it should be: the byte offset and why. */
export class SliceError extends Error {
  constructor(readonly offset: number, readonly reason: string) {
    super(`byte ${offset}: ${reason}`);
  }
}

const enum C {
  Quote = 0x22, Backslash = 0x5c, Colon = 0x3a, Comma = 0x2c, OpenObj = 0x7b, CloseObj = 0x7d, OpenArr = 0x5b, CloseArr = 0x5d,
}

interface Capture {
  start: number;
  depth: number;
  inString: boolean;
  escape: boolean;
  scan: number;
}

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

interface Frame {
  array: boolean;
  /** The key whose value comes next (objects), or the index of the next element (arrays). */
  key: string | number;
  /** What comes next: a key (objects) or a value (arrays) or the close; a value after a key's colon; `,` or the close. */
  next: 'item' | 'value' | 'comma';
  /** A `,` was just read: an item must follow, not the close. */
  afterComma: boolean;
  watched: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decode(bytes: Uint8Array, offset: number): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new SliceError(offset, 'the text is not valid UTF-8');
  }
}

/**
 * Reads the document from `chunks` and yields the wanted values and watched ends in document order (at most
 * one chunk's worth at a time). Throws SliceError for bytes that are not JSON, a document that ends early, or
 * trailing bytes after it.
 */
export async function* sliceJson(chunks: AsyncIterable<Uint8Array>, h: SliceOptions): AsyncGenerator<SliceEvent> {
  const out: SliceEvent[] = [];
  const stack: Frame[] = [];
  const path: (string | number)[] = [];
  let buf: Buffer = Buffer.alloc(0);
  let base = 0; // the document offset of buf[0]
  let i = 0;
  let started = false;
  let done = false;
  /** While a wanted value is being skipped to its end: where it started and how far the scan got. */
  let capture: Capture | null = null;
  /** Set when a value has just been read: the parent frame moves on. */
  const afterValue = () => {
    const top = stack[stack.length - 1];
    if (top) top.next = 'comma';
  };
  const pathHere = (): Path => path;

  const startValue = (b: number): boolean => {
    // Returns false when the buffer ends before the value could be dealt with (wait for more bytes).
    const wanted = started && h.wants(pathHere());
    if (wanted) {
      capture = { start: i, depth: 0, inString: false, escape: false, scan: i };
      return finishCapture();
    }
    if (b === C.OpenObj || b === C.OpenArr) {
      const watched = !!h.watches?.(pathHere());
      stack.push({ array: b === C.OpenArr, key: b === C.OpenArr ? 0 : '', next: 'item', afterComma: false, watched });
      path.push(b === C.OpenArr ? '*' : '');
      started = true;
      i++;
      return true;
    }
    started = true;
    // A scalar nobody wants: skip it.
    if (b === C.Quote) {
      const end = stringEnd(i + 1);
      if (end < 0) return false;
      i = end + 1;
    } else {
      let j = i;
      while (j < buf.length && !isSpace(buf[j]!) && buf[j] !== C.Comma && buf[j] !== C.CloseObj && buf[j] !== C.CloseArr) j++;
      if (j === buf.length) return false;
      const word = buf.toString('latin1', i, j);
      if (!/^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)$/.test(word)) throw new SliceError(base + i, `unexpected ${JSON.stringify(word.slice(0, 20))}`);
      i = j;
    }
    afterValue();
    return true;
  };

  /** The index of the closing quote of a string whose body starts at `from`, or -1 if the buffer ends first. */
  const stringEnd = (from: number): number => {
    let j = from;
    for (;;) {
      const q = buf.indexOf(C.Quote, j);
      if (q < 0) return -1;
      // Count the backslashes before the quote: an odd number escapes it.
      let k = q - 1;
      while (k >= from && buf[k] === C.Backslash) k--;
      if ((q - 1 - k) % 2 === 0) return q;
      j = q + 1;
    }
  };

  const finishCapture = (): boolean => {
    const c = capture!;
    let j = c.scan;
    const first = buf[c.start]!;
    if (first !== C.OpenObj && first !== C.OpenArr) {
      // A wanted scalar.
      let end: number;
      if (first === C.Quote) {
        const q = stringEnd(c.start + 1);
        if (q < 0) return false;
        end = q + 1;
      } else {
        end = c.start;
        while (end < buf.length && !isSpace(buf[end]!) && buf[end] !== C.Comma && buf[end] !== C.CloseObj && buf[end] !== C.CloseArr) end++;
        if (end === buf.length) return false;
      }
      emit(c.start, end);
      return true;
    }
    let { depth, inString, escape } = c;
    for (; j < buf.length; j++) {
      const b = buf[j]!;
      if (inString) {
        if (escape) escape = false;
        else if (b === C.Backslash) escape = true;
        else if (b === C.Quote) inString = false;
        continue;
      }
      if (b === C.Quote) inString = true;
      else if (b === C.OpenObj || b === C.OpenArr) depth++;
      else if (b === C.CloseObj || b === C.CloseArr) {
        depth--;
        if (depth === 0) {
          emit(c.start, j + 1);
          return true;
        }
      }
    }
    Object.assign(c, { depth, inString, escape, scan: j });
    return false;
  };

  const emit = (start: number, end: number) => {
    const text = decode(buf.subarray(start, end), base + start);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new SliceError(base + start, `not valid JSON here (${(e as Error).message})`);
    }
    capture = null;
    i = end;
    out.push({ type: 'value', path: path.slice(), value, offset: base + start });
    afterValue();
  };

  const step = (): boolean => {
    if (capture) return finishCapture();
    while (i < buf.length && isSpace(buf[i]!)) i++;
    if (i >= buf.length) return false;
    const b = buf[i]!;
    const top = stack[stack.length - 1];
    if (!top) {
      if (done) throw new SliceError(base + i, 'unexpected bytes after the end of the document');
      if (b !== C.OpenObj && b !== C.OpenArr) throw new SliceError(base + i, b === 0 ? 'a binary file, not JSON' : `not JSON: it starts with ${JSON.stringify(String.fromCharCode(b))}`);
      return startValue(b);
    }
    if (top.next === 'value') return startValue(b);
    if (b === (top.array ? C.CloseArr : C.CloseObj)) {
      if (top.afterComma) throw new SliceError(base + i, `a "," before the end of the ${top.array ? 'array' : 'object'}`);
      stack.pop();
      path.pop();
      i++;
      if (top.watched) out.push({ type: 'end', path: path.slice(), offset: base + i });
      if (stack.length === 0) done = true;
      else afterValue();
      return true;
    }
    if (top.next === 'comma') {
      if (b !== C.Comma) throw new SliceError(base + i, `expected "," or the end of the ${top.array ? 'array' : 'object'}, found ${JSON.stringify(String.fromCharCode(b))}`);
      top.next = 'item';
      top.afterComma = true;
      if (top.array) path[path.length - 1] = '*';
      i++;
      return true;
    }
    top.afterComma = false;
    if (top.array) return startValue(b);
    // An object key, then ':' and its value.
    if (b !== C.Quote) throw new SliceError(base + i, `expected a key, found ${JSON.stringify(String.fromCharCode(b))}`);
    const q = stringEnd(i + 1);
    if (q < 0) return false;
    let j = q + 1;
    while (j < buf.length && isSpace(buf[j]!)) j++;
    if (j >= buf.length) return false;
    if (buf[j] !== C.Colon) throw new SliceError(base + j, 'expected ":" after a key');
    j++;
    while (j < buf.length && isSpace(buf[j]!)) j++;
    if (j >= buf.length) return false;
    const raw = buf.subarray(i + 1, q);
    const key = raw.includes(C.Backslash) ? (JSON.parse(`"${decode(raw, base + i)}"`) as string) : decode(raw, base + i);
    path[path.length - 1] = key;
    i = j;
    top.next = 'value';
    return startValue(buf[j]!);
  };

  for await (const chunk of chunks) {
    // Keep what is not consumed yet (a partial token, or the value being captured) and append the chunk.
    // (The callbacks above set `capture`; TypeScript cannot see that.)
    const cap = capture as Capture | null;
    const keep = cap ? cap.start : i;
    if (cap) {
      cap.scan -= keep;
      cap.start = 0;
    }
    buf = keep < buf.length ? Buffer.concat([buf.subarray(keep), chunk]) : Buffer.from(chunk);
    base += keep;
    i -= keep;
    while (step());
    yield* out;
    out.length = 0;
  }
  if (capture || stack.length > 0 || !done) {
    while (i < buf.length && isSpace(buf[i]!)) i++;
    const where = stack.length ? path.filter((p) => p !== '').join('.') : 'the document';
    if (!started) throw new SliceError(base + i, 'the file is empty');
    throw new SliceError(base + buf.length, `the file ends early, inside ${where || 'the document'} (truncated?)`);
  }
  while (i < buf.length && isSpace(buf[i]!)) i++;
  if (i < buf.length) throw new SliceError(base + i, 'unexpected bytes after the end of the document');
}
