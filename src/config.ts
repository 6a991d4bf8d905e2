// The one place that reads process.env. Everything else receives a Config.
import path from 'node:path';
import { z } from 'zod';

const ConfigSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  host: z.string().default('0.0.0.0'),
  dataDir: z.string().default('./data'),
  databaseUrl: z.string().optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  timezone: z.string().default('Asia/Shanghai'),
  /** Cookies get the Secure flag when the console is served over https. */
  secureCookies: z.stringbool().default(false),
  signInLimitPerWindow: z.coerce.number().int().positive().default(10),
  signInWindowMs: z.coerce.number().int().positive().default(15 * 60_000),
  /** Join submissions on the public invite pages, per IP and window. */
  joinLimitPerWindow: z.coerce.number().int().positive().default(20),
  joinWindowMs: z.coerce.number().int().positive().default(10 * 60_000),
  bodyLimitBytes: z.coerce.number().int().positive().default(1_048_576),
  /** The first owner created on a fresh data folder; a random password is generated and printed when unset. */
  adminEmail: z.string().email().default('admin@shequn.local'),
  adminPassword: z.string().min(8).optional(),
  /** Redis for real-time pub/sub across several nodes; in-process when unset. */
  redisUrl: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL').optional(),
  /** How often open WebSockets' credentials and grants are checked again (a revoked token, a member who left). */
  realtimeRecheckMs: z.coerce.number().int().min(50).default(30_000),
  /** How often the rules runner and the outbox worker look for work. */
  engineIntervalMs: z.coerce.number().int().min(10).max(60_000).default(250),
  /** How often rules that scan whole groups (inactivity) run per workspace. */
  engineSlowEveryMs: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  /** The address members reach this server at (invite links and QR codes); the request's own host when unset. */
  publicUrl: z.string().regex(/^https?:\/\/[^/]+(\/.*)?$/, 'an http:// or https:// URL').transform((u) => u.replace(/\/+$/, '')).optional(),
  /** Where members' uploaded images are kept; `<dataDir>/uploads` when unset (share it between nodes). */
  uploadsDir: z.string().optional(),
  /** The key credentials are sealed with (32 bytes, base64 or hex); `<dataDir>/secret.key` when unset. */
  secretKey: z.string().optional(),
  /** The Telegram Bot API's address (tests point it at a local fake; a self-hosted Bot API server works too). */
  telegramApiRoot: z.string().regex(/^https?:\/\/[^/]+/, 'an http:// or https:// URL').transform((u) => u.replace(/\/+$/, '')).default('https://api.telegram.org'),
  /** How long a Bot API call may take before its outcome counts as unknown. */
  telegramTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * Divides Telegram's rate windows (and its retry_after): only for a local Bot API fake that compresses
   * time the same way (tests, benchmarks). Leave it at 1 against the real Telegram.
   */
  telegramTimeScale: z.coerce.number().positive().max(1000).default(1),
  /**
   * Whether this process listens to the connected bots: long polling, or in webhook mode keeping each bot's
   * webhook set (the webhook route itself answers on every process); off for one-shot CLI commands.
   */
  telegramPolling: z.stringbool().default(true),
  /**
   * Webhook mode: the address Telegram reaches this server at (`https://qun.example.com`, a path prefix kept);
   * each bot's updates are then posted to `<this>/api/v1/connectors/telegram/<connection>/webhook` instead of
   * being fetched by long polling. A variable of its own rather than SHEQUN_PUBLIC_URL: setting the members'
   * address must not switch how bots are heard, and Telegram has its own demands (HTTPS on 443, 80, 88 or 8443).
   */
  telegramWebhookUrl: z
    .string()
    .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, 'an http:// or https:// URL without a query or fragment')
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** Webhook mode: how many connections Telegram may open at once per bot to deliver updates (its own default is 40). */
  telegramWebhookMaxConnections: z.coerce.number().int().min(1).max(100).default(40),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, 'uploadsDir'> & {
  uploadsDir: string;
  database: { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string };
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<z.input<typeof ConfigSchema>> = {}): Config {
  const parsed = ConfigSchema.safeParse({
    port: env.PORT,
    host: env.HOST,
    dataDir: env.SHEQUN_DATA_DIR,
    databaseUrl: env.SHEQUN_DATABASE_URL || undefined,
    logLevel: env.SHEQUN_LOG_LEVEL,
    timezone: env.SHEQUN_TIMEZONE,
    secureCookies: env.SHEQUN_SECURE_COOKIES,
    signInLimitPerWindow: env.SHEQUN_SIGNIN_LIMIT,
    signInWindowMs: env.SHEQUN_SIGNIN_WINDOW_MS,
    joinLimitPerWindow: env.SHEQUN_JOIN_LIMIT,
    joinWindowMs: env.SHEQUN_JOIN_WINDOW_MS,
    bodyLimitBytes: env.SHEQUN_BODY_LIMIT,
    adminEmail: env.SHEQUN_ADMIN_EMAIL,
    adminPassword: env.SHEQUN_ADMIN_PASSWORD || undefined,
    redisUrl: env.SHEQUN_REDIS_URL || undefined,
    uploadsDir: env.SHEQUN_UPLOADS_DIR || undefined,
    publicUrl: env.SHEQUN_PUBLIC_URL || undefined,
    realtimeRecheckMs: env.SHEQUN_REALTIME_RECHECK_MS,
    engineIntervalMs: env.SHEQUN_ENGINE_INTERVAL_MS,
    engineSlowEveryMs: env.SHEQUN_ENGINE_SLOW_EVERY_MS,
    secretKey: env.SHEQUN_SECRET_KEY || undefined,
    telegramApiRoot: env.SHEQUN_TELEGRAM_API_ROOT || undefined,
    telegramTimeoutMs: env.SHEQUN_TELEGRAM_TIMEOUT_MS,
    telegramTimeScale: env.SHEQUN_TELEGRAM_TIME_SCALE,
    telegramPolling: env.SHEQUN_TELEGRAM_POLLING,
    telegramWebhookUrl: env.SHEQUN_TELEGRAM_WEBHOOK_URL || undefined,
    telegramWebhookMaxConnections: env.SHEQUN_TELEGRAM_WEBHOOK_CONNECTIONS,
    ...stripUndefined(overrides),
  });
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return { ...c, uploadsDir: path.resolve(c.uploadsDir ?? path.join(c.dataDir, 'uploads')), database: resolveDatabase(c.databaseUrl, c.dataDir) };
}

function resolveDatabase(url: string | undefined, dataDir: string): Config['database'] {
  if (url && /^postgres(ql)?:\/\//i.test(url)) return { dialect: 'postgres', url };
  if (url) return { dialect: 'sqlite', file: path.resolve(url.replace(/^(sqlite|file):(\/\/)?/i, '')) };
  return { dialect: 'sqlite', file: path.resolve(dataDir, 'shequn.db') };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
