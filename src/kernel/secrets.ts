// Credentials at rest (a bot's token, an app secret): AES-256-GCM under one key from the environment
// (SHEQUN_SECRET_KEY, 32 bytes as base64 or hex). Without it, a key is made once in the data folder
// (`secret.key`, mode 0600) so that `npm start` needs no setup; deployers set the variable and keep the key
// away from the database's backups.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';

export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** The key from `value` (base64 or hex of 32 bytes); an error names what is wrong with it. */
  static fromKey(value: string): SecretBox {
    const v = value.trim();
    const key = /^[0-9a-f]{64}$/i.test(v) ? Buffer.from(v, 'hex') : Buffer.from(v, 'base64');
    if (key.length !== 32) throw new Error(`SHEQUN_SECRET_KEY must be 32 bytes as base64 or hex (got ${key.length} bytes); make one with: openssl rand -base64 32`);
    return new SecretBox(key);
  }

  /** The configured key, else the data folder's own (created on first use). */
  static open(configured: string | undefined, dataDir: string): { box: SecretBox; source: 'env' | 'file' } {
    if (configured) return { box: SecretBox.fromKey(configured), source: 'env' };
    const file = path.join(dataDir, 'secret.key');
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dataDir, { recursive: true });
      // wx: two processes starting together must not both write a key.
      try {
        fs.writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    return { box: SecretBox.fromKey(fs.readFileSync(file, 'utf8')), source: 'file' };
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [VERSION, iv.toString('base64'), c.getAuthTag().toString('base64'), body.toString('base64')].join(':');
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split(':');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
    const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
    } catch {
      throw new Error('the secret does not open with this key (SHEQUN_SECRET_KEY changed since it was stored?)');
    }
  }
}
