// Member list import (CSV/XLSX rows → members). Rows are mapped by header, normalised, validated with
// the same schema as the API, matched to existing members (platform id, then phone, then e-mail) and
// written in bulk inside one transaction. Every bad row is reported as file:line with its reason.
import type { Ctx } from '../../kernel/context.ts';
import { ShequnError, type FieldError } from '../../kernel/errors.ts';
import { parseLocalDateTime } from '../../kernel/time.ts';
import { recordAudit } from '../audit/index.ts';
import { gender as genderVocab, lifecycleStage, memberCircle, platform as platformVocab } from '../enums.ts';
import { MemberCreateSchema } from './member.schema.ts';
import { memberTerms, normalizePhone, phoneLast4 } from './member.terms.ts';
import { rewriteTerms } from './member.service.ts';

export type MemberField =
  | 'displayName' | 'gender' | 'birthYear' | 'city' | 'occupation' | 'skills' | 'phone' | 'email' | 'tags'
  | 'circle' | 'stage' | 'sourceChannel' | 'joinedAt' | `identity.${(typeof platformVocab.values)[number]}`;

const ALIASES: Record<string, MemberField> = {};
const alias = (field: MemberField, ...names: string[]) => names.forEach((n) => (ALIASES[n.toLowerCase().replace(/[\s_-]/g, '')] = field));
alias('displayName', 'displayName', 'name', '姓名', '名字', '昵称', '成员', 'nickname', 'fullname');
alias('gender', 'gender', 'sex', '性别');
alias('birthYear', 'birthYear', 'birth year', '出生年份', '出生年', '生年');
alias('city', 'city', '城市', '所在城市', '地区');
alias('occupation', 'occupation', 'job', 'title', '职业', '职位', '行业');
alias('skills', 'skills', '技能', '特长');
alias('phone', 'phone', 'mobile', 'tel', 'telephone', '手机', '手机号', '手机号码', '电话', '联系电话');
alias('email', 'email', 'e-mail', 'mail', '邮箱', '电子邮箱', '电子邮件');
alias('tags', 'tags', 'tag', 'labels', '标签');
alias('circle', 'circle', '圈层');
alias('stage', 'stage', 'lifecycle', '阶段', '生命周期');
alias('sourceChannel', 'source', 'sourceChannel', 'channel', '来源', '来源渠道', '渠道');
alias('joinedAt', 'joinedAt', 'joined', 'joined at', '加入时间', '入群时间', '注册时间');
alias('identity.wechat', 'wechat', 'wxid', '微信', '微信号');
alias('identity.qq', 'qq', 'qq号');
alias('identity.telegram', 'telegram', 'telegram id');
alias('identity.wecom', 'wecom', '企业微信');
alias('identity.discord', 'discord');
alias('identity.whatsapp', 'whatsapp');
alias('identity.slack', 'slack');
alias('identity.feishu', 'feishu', '飞书');

export const importableFields = [...new Set(Object.values(ALIASES))];

export interface ImportRow {
  line: number;
  values: Record<string, string>;
  /** How many non-empty fields the row has beyond the header's columns. */
  extra?: number;
}

export interface ImportOptions {
  file: string;
  partial: boolean;
  /** Explicit column → field mapping; columns not named fall back to the known header aliases. */
  mapping?: Record<string, string>;
  timezone: string;
}

export interface ImportReport {
  format: 'members';
  groups: 0;
  members: number;
  messages: 0;
  service_events: 0;
  skipped: number;
  added: { groups: 0; members: number; messages: 0; service_events: 0 };
  updated: number;
  unchanged: number;
  rows: number;
  errors: { file: string; line: number; field: string; reason: string }[];
}

export function resolveColumns(headers: string[], mapping: Record<string, string> = {}): { columns: Map<string, MemberField>; errors: FieldError[] } {
  const columns = new Map<string, MemberField>();
  const errors: FieldError[] = [];
  const valid = new Set<string>(importableFields);
  for (const [col, field] of Object.entries(mapping)) {
    if (!headers.includes(col)) errors.push({ field: `--map ${col}`, reason: `no column named "${col}" (columns: ${headers.join(', ')})` });
    else if (field === 'ignore') columns.delete(col);
    else if (!valid.has(field)) errors.push({ field: `--map ${col}`, reason: `unknown field "${field}" (fields: ${[...valid].join(', ')}, ignore)` });
    else columns.set(col, field as MemberField);
  }
  for (const h of headers) {
    if (h in mapping) continue;
    const f = ALIASES[h.trim().toLowerCase().replace(/[\s_-]/g, '')];
    if (f) columns.set(h, f);
  }
  if (![...columns.values()].includes('displayName')) {
    errors.push({ field: 'header', reason: `no name column (one of 姓名, 名字, 昵称, name, displayName; or map one with --map COLUMN=displayName); columns: ${headers.join(', ')}` });
  }
  return { columns, errors };
}

function byLabel<T extends string>(vocab: { values: readonly T[]; labels: Record<T, readonly [string, string]> }, raw: string): T | undefined {
  const v = raw.trim().toLowerCase();
  return vocab.values.find((code) => code === v || vocab.labels[code].some((l) => l.toLowerCase() === v));
}

const split = (s: string) => s.split(/[,，;；|、]/).map((x) => x.trim()).filter(Boolean);

function toInput(row: ImportRow, columns: Map<string, MemberField>, tz: string): { input?: unknown; errors: FieldError[] } {
  const out: Record<string, unknown> = {};
  const identities: { platform: string; externalId: string }[] = [];
  const errors: FieldError[] = [];
  for (const [col, field] of columns) {
    const raw = (row.values[col] ?? '').trim();
    if (raw === '') continue;
    const bad = (reason: string) => errors.push({ field: col, reason: `${reason} (got "${raw.slice(0, 40)}")` });
    switch (field) {
      case 'gender': {
        const g = byLabel(genderVocab, raw) ?? ({ m: 'male', f: 'female', 男性: 'male', 女性: 'female' } as Record<string, string>)[raw.toLowerCase()];
        g ? (out.gender = g) : bad('gender must be 男/女/其他 or male/female/other');
        break;
      }
      case 'circle': {
        const c = byLabel(memberCircle, raw);
        c ? (out.circle = c) : bad(`circle must be one of ${memberCircle.values.join(', ')} or 新势力/亲友/传播/大众/商业`);
        break;
      }
      case 'stage': {
        const s = byLabel(lifecycleStage, raw);
        s ? (out.stage = s) : bad(`stage must be one of ${lifecycleStage.values.join(', ')} or 吸粉/养粉/促粉/变现`);
        break;
      }
      case 'birthYear': {
        const y = Number(raw.replace(/年$/, ''));
        Number.isInteger(y) ? (out.birthYear = y) : bad('birth year must be a year such as 1990');
        break;
      }
      case 'joinedAt': {
        const t = parseLocalDateTime(raw, tz);
        t === null ? bad('joined at must be a date such as 2024-03-01 or 2024-03-01 09:30') : (out.joinedAt = new Date(t).toISOString());
        break;
      }
      case 'tags':
      case 'skills':
        out[field] = split(raw);
        break;
      default:
        if (field.startsWith('identity.')) identities.push({ platform: field.slice('identity.'.length), externalId: raw });
        else out[field] = raw;
    }
  }
  if (identities.length) out.identities = identities;
  if (errors.length) return { errors };
  const parsed = MemberCreateSchema.safeParse(out);
  if (!parsed.success) {
    const colOf = (path: PropertyKey[]) => {
      const field = path[0] === 'identities' ? `identity.${identities[Number(path[1])]?.platform}` : String(path[0]);
      return [...columns].find(([, f]) => f === field)?.[0] ?? field;
    };
    return { errors: parsed.error.issues.map((i) => ({ field: colOf(i.path), reason: i.message })) };
  }
  return { input: parsed.data, errors: [] };
}

type Planned = { line: number; input: ReturnType<typeof MemberCreateSchema.parse>; phone: string | null };

const CHUNK = 500;
const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

export async function importMembers(
  ctx: Ctx,
  headers: string[],
  rows: AsyncIterable<ImportRow> | Iterable<ImportRow>,
  opts: ImportOptions,
  onProgress: (done: number) => void = () => {},
): Promise<ImportReport> {
  ctx.authorize('member.write');
  const { columns, errors: headerErrors } = resolveColumns(headers, opts.mapping);
  if (headerErrors.length) {
    throw new ShequnError('validation.failed', `${opts.file}:1: ${headerErrors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`, {}, headerErrors.map((e) => ({ field: `${opts.file}:1 ${e.field}`, reason: e.reason })));
  }
  const report: ImportReport = {
    format: 'members', groups: 0, members: 0, messages: 0, service_events: 0, skipped: 0,
    added: { groups: 0, members: 0, messages: 0, service_events: 0 }, updated: 0, unchanged: 0, rows: 0, errors: [],
  };
  const planned: Planned[] = [];
  const firstLineByKey = new Map<string, number>();
  for await (const row of rows) {
    report.rows++;
    const { input, errors } = row.extra
      ? { input: undefined, errors: [{ field: 'row', reason: `${row.extra} more field(s) than the header has columns (a stray comma or quote?)` }] }
      : toInput(row, columns, opts.timezone);
    if (errors.length || !input) {
      for (const e of errors) report.errors.push({ file: opts.file, line: row.line, field: e.field, reason: e.reason });
      continue;
    }
    const p = input as Planned['input'];
    const phone = normalizePhone(p.phone);
    const keys = [...(p.identities ?? []).map((i) => `i:${i.platform}:${i.externalId}`), ...(phone ? [`p:${phone}`] : []), ...(p.email ? [`e:${p.email}`] : [])];
    const dupOf = keys.map((k) => firstLineByKey.get(k)).find((l) => l !== undefined);
    if (dupOf !== undefined) {
      report.errors.push({ file: opts.file, line: row.line, field: 'row', reason: `the same person as line ${dupOf} (same platform id, phone or e-mail); skipped` });
      continue;
    }
    keys.forEach((k) => firstLineByKey.set(k, row.line));
    planned.push({ line: row.line, input: p, phone });
    if (report.rows % 5000 === 0) onProgress(report.rows);
  }
  report.skipped = report.errors.length ? new Set(report.errors.map((e) => e.line)).size : 0;
  report.members = planned.length;
  if (report.errors.length && !opts.partial) {
    const first = report.errors.slice(0, 20).map((e) => `${e.file}:${e.line}: ${e.field}: ${e.reason}`);
    throw new ShequnError('import.failed', `${report.skipped} of ${report.rows} rows are invalid; nothing was imported (use --partial to import the valid rows):\n${first.join('\n')}`, { report }, report.errors.map((e) => ({ field: `${e.file}:${e.line} ${e.field}`, reason: e.reason })));
  }

  await ctx.transaction(async (tx) => {
    const existing = await findExisting(tx, planned);
    const now = tx.clock.now();
    const toCreate = planned.filter((p) => !existing.has(p.line));
    const memberRows = toCreate.map((p) => {
      const joinedAt = p.input.joinedAt ? Date.parse(p.input.joinedAt) : now;
      const stage = p.input.stage ?? 'acquired';
      return {
        id: tx.ids.next('mem'), display_name: p.input.displayName, gender: p.input.gender ?? null, birth_year: p.input.birthYear ?? null,
        city: p.input.city ?? null, occupation: p.input.occupation ?? null, skills: JSON.stringify([...new Set(p.input.skills ?? [])]),
        phone: p.phone, phone_last4: phoneLast4(p.phone), email: p.input.email ?? null, tags: JSON.stringify([...new Set(p.input.tags ?? [])]),
        circle: p.input.circle ?? null, source_channel: p.input.sourceChannel ?? null, referrer_id: null, stage,
        stage_history: JSON.stringify([{ stage, at: new Date(joinedAt).toISOString() }]), consent: '{"dataUse":false,"marketing":false,"directory":false}',
        joined_at: joinedAt, created_at: now, updated_at: now,
      };
    });
    for (const c of chunks(memberRows, CHUNK)) await tx.tdb.insertInto('members', c).execute();
    const identityRows = toCreate.flatMap((p, i) =>
      (p.input.identities ?? []).map((idn) => ({ id: tx.ids.next('idn'), member_id: memberRows[i]!.id, platform: idn.platform, external_id: idn.externalId, handle: idn.handle ?? null, created_at: now })),
    );
    for (const c of chunks(identityRows, CHUNK)) await tx.tdb.insertInto('identities', c).execute();
    // Postings go in sorted by key: appending in index order is far cheaper than random B-tree inserts.
    const terms = memberRows.flatMap((m, i) =>
      memberTerms({ displayName: m.display_name, phone: m.phone, tags: toCreate[i]!.input.tags ?? [], handles: (toCreate[i]!.input.identities ?? []).flatMap((x) => (x.handle ? [x.handle] : [])), groupIds: [] })
        .map((t) => ({ term: t, joined_at: m.joined_at, member_id: m.id })),
    );
    terms.sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.joined_at - b.joined_at || (a.member_id < b.member_id ? -1 : 1)));
    for (const c of chunks(terms, 2000)) await tx.tdb.insertInto('member_terms', c).execute();
    report.added.members = memberRows.length;
    onProgress(report.rows);

    for (const p of planned) {
      const id = existing.get(p.line);
      if (!id) continue;
      const changed = await updateFromImport(tx, id, p);
      changed ? report.updated++ : report.unchanged++;
    }
    await recordAudit(tx, 'member.import', null, { file: opts.file, rows: report.rows, added: report.added.members, updated: report.updated, skipped: report.skipped });
  });
  return report;
}

async function findExisting(ctx: Ctx, planned: Planned[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  const byIdentity = new Map<string, string>();
  const idKeys = planned.flatMap((p) => (p.input.identities ?? []).map((i) => ({ platform: i.platform, externalId: i.externalId })));
  for (const c of chunks(idKeys, CHUNK)) {
    const rows = await ctx.tdb
      .selectFrom('identities')
      .select(['platform', 'external_id', 'member_id'])
      .where((eb) => eb.or(c.map((k) => eb.and([eb('platform', '=', k.platform), eb('external_id', '=', k.externalId)]))))
      .execute();
    rows.forEach((r) => byIdentity.set(`${r.platform}:${r.external_id}`, r.member_id));
  }
  const byPhone = new Map<string, string>();
  for (const c of chunks(planned.flatMap((p) => (p.phone ? [p.phone] : [])), CHUNK)) {
    (await ctx.tdb.selectFrom('members').select(['id', 'phone']).where('phone', 'in', c).execute()).forEach((r) => byPhone.set(r.phone!, r.id));
  }
  const byEmail = new Map<string, string>();
  for (const c of chunks(planned.flatMap((p) => (p.input.email ? [p.input.email] : [])), CHUNK)) {
    (await ctx.tdb.selectFrom('members').select(['id', 'email']).where('email', 'in', c).execute()).forEach((r) => byEmail.set(r.email!, r.id));
  }
  for (const p of planned) {
    const id =
      (p.input.identities ?? []).map((i) => byIdentity.get(`${i.platform}:${i.externalId}`)).find(Boolean) ??
      (p.phone ? byPhone.get(p.phone) : undefined) ??
      (p.input.email ? byEmail.get(p.input.email) : undefined);
    if (id) found.set(p.line, id);
  }
  return found;
}

/** Fills in what the row knows and the member lacks or has differently; a re-import of the same file changes nothing. */
async function updateFromImport(ctx: Ctx, memberId: string, p: Planned): Promise<boolean> {
  const cur = await ctx.tdb.selectFrom('members').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow();
  const i = p.input;
  const next: Record<string, unknown> = {
    display_name: i.displayName, gender: i.gender, birth_year: i.birthYear, city: i.city, occupation: i.occupation,
    phone: p.phone ?? undefined, email: i.email, circle: i.circle, source_channel: i.sourceChannel,
    tags: i.tags ? JSON.stringify([...new Set([...JSON.parse(cur.tags), ...i.tags])]) : undefined,
    skills: i.skills ? JSON.stringify([...new Set([...JSON.parse(cur.skills), ...i.skills])]) : undefined,
  };
  const patch = Object.fromEntries(Object.entries(next).filter(([k, v]) => v !== undefined && v !== null && v !== (cur as Record<string, unknown>)[k]));
  if ('phone' in patch) patch.phone_last4 = phoneLast4(patch.phone as string);
  const knownIds = new Set((await ctx.tdb.selectFrom('identities').select(['platform', 'external_id']).where('member_id', '=', memberId).execute()).map((r) => `${r.platform}:${r.external_id}`));
  const newIds = (i.identities ?? []).filter((x) => !knownIds.has(`${x.platform}:${x.externalId}`));
  for (const idn of newIds) {
    const taken = await ctx.tdb.selectFrom('identities').select('id').where('platform', '=', idn.platform).where('external_id', '=', idn.externalId).executeTakeFirst();
    if (!taken) await ctx.tdb.insertInto('identities', { id: ctx.ids.next('idn'), member_id: memberId, platform: idn.platform, external_id: idn.externalId, handle: idn.handle ?? null, created_at: ctx.clock.now() }).execute();
  }
  if (Object.keys(patch).length === 0 && newIds.length === 0) return false;
  if (Object.keys(patch).length) await ctx.tdb.updateTable('members').set({ ...patch, updated_at: ctx.clock.now() }).where('id', '=', memberId).execute();
  await rewriteTerms(ctx, memberId);
  return true;
}
