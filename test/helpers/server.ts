// Starts the real HTTP server on a loopback port over a fresh database, with helpers to call it.
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import type { Clock } from '../../src/kernel/clock.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

export const ADMIN = { email: 'admin@shequn.local', password: 'admin-password-1' };

export interface TestServer {
  server: RunningServer;
  db: TestDatabase;
  url: string;
  /** An API client authenticated with a fresh owner token of the default workspace. */
  api: Client;
  client(token?: string): Client;
  stop(): Promise<void>;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  /** The raw body, for file downloads. */
  bytes: Uint8Array;
}

export class Client {
  constructor(
    readonly base: string,
    readonly token?: string,
    private readonly extraHeaders: Record<string, string> = {},
  ) {}

  withHeaders(h: Record<string, string>): Client {
    return new Client(this.base, this.token, { ...this.extraHeaders, ...h });
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
    const h: Record<string, string> = { ...this.extraHeaders, ...headers };
    if (this.token) h.authorization = `Bearer ${this.token}`;
    let payload: string | Uint8Array | undefined;
    if (body !== undefined) {
      if (typeof body === "string" || body instanceof Uint8Array) payload = body;
      else payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON (a file download) */
    }
    return { status: res.status, headers: res.headers, body: parsed, text, bytes };
  }

  get = <T = any>(p: string) => this.request<T>('GET', p);
  post = <T = any>(p: string, b?: unknown) => this.request<T>('POST', p, b ?? {});
  patch = <T = any>(p: string, b: unknown) => this.request<T>('PATCH', p, b);
  put = <T = any>(p: string, b: unknown) => this.request<T>('PUT', p, b);
  delete = <T = any>(p: string) => this.request<T>('DELETE', p);
}

/**
 * `clock` replaces the system clock (the server and its engine read it); `db` starts the server on a
 * database another test server used (a restart), which `stop()` then leaves for its owner to drop.
 */
export async function startTestServer(env: Record<string, string> = {}, opts: { clock?: Clock; db?: TestDatabase } = {}): Promise<TestServer> {
  const db = opts.db ?? (await createTestDatabase());
  const config = loadConfig({
    SHEQUN_DATA_DIR: db.dataDir,
    SHEQUN_DATABASE_URL: db.url,
    PORT: '0',
    HOST: '127.0.0.1',
    SHEQUN_LOG_LEVEL: 'silent',
    SHEQUN_ADMIN_PASSWORD: ADMIN.password,
    SHEQUN_SIGNIN_LIMIT: '1000',
    // Listening to connected bots is what a test turns on when it has a fake Bot API to listen to.
    SHEQUN_TELEGRAM_POLLING: 'false',
    ...env,
  });
  const server = await startServer(config, () => {}, { clock: opts.clock });
  const url = server.url.replace('localhost', '127.0.0.1');
  const anon = new Client(url);
  const signIn = await anon.post('/api/v1/auth/sign-in', ADMIN);
  if (signIn.status !== 200) throw new Error(`test sign-in failed: ${signIn.status} ${signIn.text}`);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const session = anon.withHeaders({ cookie, 'x-csrf-token': signIn.body.csrfToken });
  const tok = await session.post('/api/v1/tokens', { name: 'test-owner', role: 'owner' });
  if (tok.status !== 201) throw new Error(`test token failed: ${tok.status} ${tok.text}`);
  return {
    server,
    db,
    url,
    api: new Client(url, tok.body.token),
    client: (token?: string) => new Client(url, token),
    async stop() {
      await server.close();
      if (!opts.db) await db.drop();
    },
  };
}
