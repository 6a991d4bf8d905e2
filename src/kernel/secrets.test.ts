import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secrets.ts';

describe('SecretBox', () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  it('seals so that only the same key opens, and never the same text twice', () => {
    const box = SecretBox.fromKey(key);
    const a = box.seal('123456:ABC-DEF');
    expect(a).not.toContain('ABC');
    expect(box.seal('123456:ABC-DEF')).not.toBe(a);
    expect(box.open(a)).toBe('123456:ABC-DEF');
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 8).toString('hex')).open(a)).toThrow(/does not open with this key/);
    expect(() => box.open(a.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toThrow();
  });
  it('refuses a key of the wrong size, and makes one in the data folder when none is configured', () => {
    expect(() => SecretBox.fromKey('c2hvcnQ=')).toThrow(/32 bytes/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-secret-'));
    const first = SecretBox.open(undefined, dir);
    expect(first.source).toBe('file');
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    const sealed = first.box.seal('x');
    expect(SecretBox.open(undefined, dir).box.open(sealed)).toBe('x');
    expect(SecretBox.open(key, dir).source).toBe('env');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
