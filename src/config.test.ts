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

  it('turns webhook mode on with a variable of its own (not the members’ public URL), and bounds its connections', () => {
    const c = loadConfig({ SHEQUN_PUBLIC_URL: 'https://qun.example.com' });
    expect(c.telegramWebhookUrl).toBeUndefined();
    expect(c.telegramWebhookMaxConnections).toBe(40);
    const d = loadConfig({ SHEQUN_TELEGRAM_WEBHOOK_URL: 'https://qun.example.com/shequn/', SHEQUN_TELEGRAM_WEBHOOK_CONNECTIONS: '1' });
    expect(d.telegramWebhookUrl).toBe('https://qun.example.com/shequn');
    expect(d.telegramWebhookMaxConnections).toBe(1);
    expect(loadConfig({ SHEQUN_TELEGRAM_WEBHOOK_URL: '' }).telegramWebhookUrl).toBeUndefined();
    for (const bad of ['qun.example.com', 'https://qun.example.com/?k=1', 'https://qun.example.com/#x', 'ftp://qun.example.com']) {
      expect(() => loadConfig({ SHEQUN_TELEGRAM_WEBHOOK_URL: bad }), bad).toThrow(/telegramWebhookUrl: an http:\/\/ or https:\/\/ URL without a query or fragment/);
    }
    expect(() => loadConfig({ SHEQUN_TELEGRAM_WEBHOOK_CONNECTIONS: '0' })).toThrow(/telegramWebhookMaxConnections/);
    expect(() => loadConfig({ SHEQUN_TELEGRAM_WEBHOOK_CONNECTIONS: '101' })).toThrow(/telegramWebhookMaxConnections/);
  });
});
