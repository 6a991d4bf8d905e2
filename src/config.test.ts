import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('puts uploads under the data folder unless told otherwise, and trims the public URL', () => {
    const c = loadConfig({ SHEQUN_DATA_DIR: '/srv/shequn' });
    expect(c.uploadsDir).toBe(path.resolve('/srv/shequn/uploads'));
    expect(c.publicUrl).toBeUndefined();
    const d = loadConfig({ SHEQUN_UPLOADS_DIR: '/mnt/shared/uploads', SHEQUN_PUBLIC_URL: 'https://qun.example.com/' });
    expect(d.uploadsDir).toBe('/mnt/shared/uploads');
    expect(d.publicUrl).toBe('https://qun.example.com');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ SHEQUN_PUBLIC_URL: 'qun.example.com' })).toThrow(/publicUrl: an http:\/\/ or https:\/\/ URL/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/port/);
  });
});
