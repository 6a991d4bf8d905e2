import { describe, expect, it } from 'vitest';
import { SliceError, sliceJson, type SliceEvent } from './json-slicer.ts';

async function* chunksOf(text: string | Uint8Array, size: number) {
  const b = typeof text === 'string' ? Buffer.from(text) : Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

const wantMessages = { wants: (p: readonly (string | number)[]) => p.length === 2 && p[0] === 'messages' && p[1] === '*' || p.length === 1 && p[0] === 'id', watches: (p: readonly (string | number)[]) => p.length === 0 };

async function all(text: string | Uint8Array, size: number, opts = wantMessages): Promise<SliceEvent[]> {
  const out: SliceEvent[] = [];
  for await (const e of sliceJson(chunksOf(text, size), opts)) out.push(e);
  return out;
}

const DOC = JSON.stringify({
  id: 42, name: 'a "quoted" } name ]', nested: { messages: [{ id: 'not me' }] },
  messages: [
    { id: 1, text: 'plain' },
    { id: 2, text: 'braces } ] { [ and "quotes" and \\ backslashes \\"', deep: { a: [1, [2, { b: null }]] } },
    { id: 3, text: ['part ', { type: 'link', text: 'https://例子.中国/路径' }], emoji: '🍵' },
  ],
  tail: [true, false, null, -1.5e3],
}, null, '\t');

describe('sliceJson', () => {
  it('yields exactly the wanted values, parsed, at every chunk size down to one byte', async () => {
    const expected = JSON.parse(DOC);
    for (const size of [1, 2, 3, 7, 64, 1 << 20]) {
      const events = await all(DOC, size);
      expect(events.filter((e) => e.type === 'value').map((e) => (e as any).value), `chunk ${size}`).toEqual([42, ...expected.messages]);
      expect(events.at(-1)).toMatchObject({ type: 'end', path: [] });
    }
  });

  it('gives the byte offset where each value starts', async () => {
    const bytes = Buffer.from(DOC);
    const values = (await all(DOC, 5)).filter((e) => e.type === 'value');
    expect(values.map((e) => bytes.subarray(e.offset, e.offset + 1).toString())).toEqual(['4', '{', '{', '{']);
    const third = bytes.subarray(values[3]!.offset).toString();
    expect(JSON.parse(third.slice(0, third.indexOf('\n\t\t}') + 4))).toEqual(JSON.parse(DOC).messages[2]);
  });

  it('refuses what is not a whole JSON document, with the byte offset', async () => {
    const cut = DOC.slice(0, DOC.indexOf('"id": 3') + 5);
    await expect(all(cut, 64)).rejects.toThrow(/ends early, inside messages/);
    await expect(all('', 8)).rejects.toThrow(/empty/);
    await expect(all('   \n', 8)).rejects.toThrow(/empty/);
    await expect(all(`${DOC} {}`, 64)).rejects.toThrow(/after the end/);
    await expect(all(Buffer.from([0, 1, 2, 3]), 8)).rejects.toThrow(/binary/);
    await expect(all('<html></html>', 8)).rejects.toThrow(/not JSON: it starts with "<"/);
    await expect(all('{"messages": [{"id": 1,}]}', 8)).rejects.toMatchObject({ offset: 14 });
    await expect(all('{"messages": [1 2]}', 8)).rejects.toThrow(/expected ","/);
    await expect(all('{"messages": [], }', 8)).rejects.toThrow(/a "," before the end of the object/);
    await expect(all('{"a" 1}', 8)).rejects.toThrow(/expected ":"/);
    await expect(all('{"a": nope}', 8)).rejects.toThrow(/unexpected "nope"/);
    const latin1 = Buffer.concat([Buffer.from('{"messages": [{"text": "'), Buffer.from([0xc4, 0xe3]), Buffer.from('"}]}')]);
    const err = await all(latin1, 4).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SliceError);
    expect(err).toMatchObject({ offset: 14, reason: 'the text is not valid UTF-8' });
  });
});
