// Member list import (CSV/XLSX rows → members). Rows are mapped by header, normalised, validated with
// the same schema as the API, matched to existing members (platform id, then phone, then e-mail) and
// written in bulk inside one transaction. Every bad row is reported as file:line with its reason.
import { chunks } from '../../kernel/db/chunks.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
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
  /** The line of the header row (1 unless an XLSX sheet starts lower), for header errors. */
  headerLine?: number;
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

const norm = (name: string) => name.trim().toLowerCase().replace(/[\s_-]/g, '');
/** Fields a column may hold once: two columns for the same one would silently overwrite each other. */
const single = (f: MemberField) => !f.startsWith('identity.');

export function resolveColumns(headers: string[], mapping: Record<string, string> = {}): { columns: Map<string, MemberField>; errors: FieldError[] } {
  const columns = new Map<string, MemberField>();
  const errors: FieldError[] = [];
  const valid = new Set<string>(importableFields);
  const mapped = new Set<string>();
  for (const [col, target] of Object.entries(mapping)) {
    // The column by its exact name, else by its name ignoring case, spaces, dashes and underscores.
    const header = headers.includes(col) ? col : headers.find((h) => norm(h) === norm(col));
    const field = target === 'ignore' || valid.has(target) ? target : ALIASES[norm(target)];
    if (header === undefined) errors.push({ field: `--map ${col}`, reason: `no column named "${col}" (columns: ${headers.join(', ')})` });
    else if (!field) errors.push({ field: `--map ${col}`, reason: `unknown field "${target}" (fields: ${[...valid].join(', ')}, ignore)` });
    else {
      mapped.add(header);
      if (field !== 'ignore') columns.set(header, field as MemberField);
    }
  }
  for (const h of headers) {
    if (mapped.has(h)) continue;
    const f = ALIASES[norm(h)];
    if (f) columns.set(h, f);
  }
  const byField = new Map<MemberField, string[]>();
  for (const [col, f] of columns) byField.set(f, [...(byField.get(f) ?? []), col]);
  for (const [f, cols] of byField) {
    if (single(f) && cols.length > 1) {
      errors.push({ field: 'header', reason: `the columns ${cols.map((c) => `"${c}"`).join(' and ')} all hold ${f}; keep one (e.g. --map "${cols[1]}=ignore")` });
    }
  }
  if (!byField.has('displayName')) {
    errors.push({ field: 'header', reason: `no name column (one of 姓名, 名字, 昵称, name, displayName; or map one with --map COLUMN=displayName); columns: ${headers.join(', ')}` });
  }
  return { columns, errors };
}

function byLabel<T extends string>(vocab: { values: readonly T[]; labels: Record<T, readonly [string, string]> }, raw: string): T | undefined {
  const v = raw.trim().toLowerCase();
  return vocab.values.find((code) => code === v || vocab.labels[code].some((l) => l.toLowerCase() === v));
}

const split = (s: string) => s.split(/[,，;；|、]/).map((x) => x.trim()).filter(Boolean);

// A plain function, not a closure per cell: at 13 columns × 100,000 rows the closures alone cost a second.
function badCell(errors: FieldError[], col: string, raw: string, reason: string) {
  errors.push({ field: col, reason: `${reason} (got "${raw.slice(0, 40)}")` });
}

function toInput(row: ImportRow, columns: Map<string, MemberField>, tz: string): { input?: unknown; errors: FieldError[] } {
  const out: Record<string, unknown> = {};
  const identities: { platform: string; externalId: string }[] = [];
  const errors: FieldError[] = [];
  for (const [col, field] of columns) {
    const raw = (row.values[col] ?? '').trim();
    if (raw === '') continue;
    switch (field) {
      case 'gender': {
        const g = byLabel(genderVocab, raw) ?? ({ m: 'male', f: 'female', 男性: 'male', 女性: 'female' } as Record<string, string>)[raw.toLowerCase()];
        g ? (out.gender = g) : badCell(errors, col, raw, 'gender must be 男/女/其他 or male/female/other');
        break;
      }
      case 'circle': {
        const c = byLabel(memberCircle, raw);
        c ? (out.circle = c) : badCell(errors, col, raw, `circle must be one of ${memberCircle.values.join(', ')} or 新势力/亲友/传播/大众/商业`);
        break;
      }
      case 'stage': {
        const s = byLabel(lifecycleStage, raw);
        s ? (out.stage = s) : badCell(errors, col, raw, `stage must be one of ${lifecycleStage.values.join(', ')} or 吸粉/养粉/促粉/变现`);
        break;
      }
      case 'birthYear': {
        const y = Number(raw.replace(/年$/, ''));
        Number.isInteger(y) ? (out.birthYear = y) : badCell(errors, col, raw, 'birth year must be a year such as 1990');
        break;
      }
      case 'joinedAt': {
        const t = parseLocalDateTime(raw, tz);
        t === null ? badCell(errors, col, raw, 'joined at must be a date such as 2024-03-01 or 2024-03-01 09:30') : (out.joinedAt = new Date(t).toISOString());
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
  if (out.displayName === undefined) {
    const nameCol = [...columns].find(([, f]) => f === 'displayName')?.[0] ?? 'displayName';
    errors.unshift({ field: nameCol, reason: 'the name is empty' });
  }
  if (errors.length) return { errors };
  const parsed = MemberCreateSchema.safeParse(out);
  if (!parsed.success) {
    const colOf = (path: PropertyKey[]) => {
      const field = path[0] === 'identities' ? `identity.${identities[Number(path[1])]?.platform}` : String(path[0]);
      return [...columns].find(([, f]) => f === field)?.[0] ?? field;
    };
    const got = (col: string) => {
      const raw = (row.values[col] ?? '').trim();
      return raw ? ` (got "${raw.slice(0, 40)}")` : '';
    };
    return { errors: parsed.error.issues.map((i) => ({ field: colOf(i.path), reason: `${i.message}${got(colOf(i.path))}` })) };
  }
  return { input: parsed.data, errors: [] };
}

type Planned = { line: number; input: ReturnType<typeof MemberCreateSchema.parse>; phone: string | null };

const CHUNK = 500;
/** Values per lookup query: fewer, larger lookups (PostgreSQL may answer each with one scan of the table). */
const LOOKUP = 5000;

/**
 * Leaves out the columns that are null in every row (they default to NULL). TenantDb.bulkInsert types an
 * all-null column as text[] on PostgreSQL, which an integer column such as birth_year refuses.
 */
function withoutNullColumns<T extends object>(rows: T[]): T[] {
  if (rows.length === 0) return rows;
  const candidates = new Set(Object.keys(rows[0]!));
  for (const r of rows) {
    if (candidates.size === 0) return rows;
    for (const k of candidates) if ((r as Record<string, unknown>)[k] !== null) candidates.delete(k);
  }
  const nullKeys = [...candidates];
  if (nullKeys.length === 0) return rows;
  return rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !nullKeys.includes(k))) as T);
}

export async function importMembers(
  ctx: Ctx,
  headers: string[],
  rows: AsyncIterable<ImportRow> | Iterable<ImportRow>,
  opts: ImportOptions,
  onProgress: (done: number) => void = () => {},
): Promise<ImportReport> {
  ctx.authorize('member.write');
  const headerLine = opts.headerLine ?? 1;
  const { columns, errors: headerErrors } = resolveColumns(headers, opts.mapping);
  if (headerErrors.length) {
    throw new ShequnError(
      'validation.failed',
      `${opts.file}:${headerLine}: ${headerErrors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
      { file: opts.file, line: headerLine },
      headerErrors.map((e) => ({ field: `${opts.file}:${headerLine} ${e.field}`, reason: e.reason })),
    );
  }
  const report: ImportReport = {
    format: 'members', groups: 0, members: 0, messages: 0, service_events: 0, skipped: 0,
    added: { groups: 0, members: 0, messages: 0, service_events: 0 }, updated: 0, unchanged: 0, rows: 0, errors: [],
  };
  const reject = (line: number, field: string, reason: string) => report.errors.push({ file: opts.file, line, field, reason });
  let planned: Planned[] = [];
  const firstLineByKey = new Map<string, number>();
  for await (const row of rows) {
    report.rows++;
    const { input, errors } = row.extra
      ? { input: undefined, errors: [{ field: 'row', reason: `${row.extra} more field(s) than the header has columns (a stray comma or an unquoted value with a comma?)` }] }
      : toInput(row, columns, opts.timezone);
    if (errors.length || !input) {
      for (const e of errors) reject(row.line, e.field, e.reason);
      continue;
    }
    const p = input as Planned['input'];
    const phone = normalizePhone(p.phone);
    const keys = personKeys(p, phone);
    const dup = keys.map((k) => [k, firstLineByKey.get(k.key)] as const).find(([, l]) => l !== undefined);
    if (dup) {
      reject(row.line, dup[0].column(columns), `the same person as line ${dup[1]} (same ${dup[0].what}); a person may appear once per file`);
      continue;
    }
    keys.forEach((k) => firstLineByKey.set(k.key, row.line));
    planned.push({ line: row.line, input: p, phone });
  }

  const result = await ctx.transaction(async (tx) => {
    // Match rows to members already stored; a row whose ids point at different members is refused.
    const { existing, rows: stored, known, errors: matchErrors } = await matchExisting(tx, planned, columns);
    for (const e of matchErrors) reject(e.line, e.field, e.reason);
    if (matchErrors.length) {
      const bad = new Set(matchErrors.map((e) => e.line));
      planned = planned.filter((p) => !bad.has(p.line));
    }
    report.errors.sort((a, b) => a.line - b.line);
    report.skipped = new Set(report.errors.map((e) => e.line)).size;
    report.members = planned.length;
    if (report.errors.length && !opts.partial) {
      const first = report.errors.slice(0, 20).map((e) => `${e.file}:${e.line}: ${e.field}: ${e.reason}`);
      throw new ShequnError(
        'import.failed',
        `${report.skipped} of ${report.rows} rows are invalid; nothing was imported (fix them, or use --partial to import the valid rows):\n${first.join('\n')}`,
        { report },
        report.errors.map((e) => ({ field: `${e.file}:${e.line} ${e.field}`, reason: e.reason })),
      );
    }

    let done = 0;
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
    for (const c of chunks(memberRows, 5000)) {
      await tx.tdb.bulkInsert('members', withoutNullColumns(c));
      onProgress((done += c.length));
    }
    const identityRows = toCreate.flatMap((p, i) =>
      (p.input.identities ?? []).map((idn) => ({ id: tx.ids.next('idn'), member_id: memberRows[i]!.id, platform: idn.platform, external_id: idn.externalId, handle: idn.handle ?? null, created_at: now })),
    );
    for (const c of chunks(identityRows, 5000)) await tx.tdb.bulkInsert('identities', withoutNullColumns(c));
    // Postings go in sorted by key: appending in index order is far cheaper than random B-tree inserts.
    // Grouping by term and sorting only the distinct terms beats one comparison sort over every posting.
    const byTerm = new Map<string, { joined_at: number; member_id: string }[]>();
    memberRows.forEach((m, i) => {
      const p = toCreate[i]!.input;
      const handles = (p.identities ?? []).flatMap((x) => (x.handle ? [x.handle] : []));
      for (const t of memberTerms({ displayName: m.display_name, phone: m.phone, tags: p.tags ?? [], handles, groupIds: [] })) {
        const list = byTerm.get(t);
        const posting = { joined_at: m.joined_at, member_id: m.id };
        if (list) list.push(posting);
        else byTerm.set(t, [posting]);
      }
    });
    const terms: { term: string; joined_at: number; member_id: string }[] = [];
    for (const term of [...byTerm.keys()].sort()) {
      const list = byTerm.get(term)!;
      if (list.length > 1) list.sort((a, b) => a.joined_at - b.joined_at || (a.member_id < b.member_id ? -1 : a.member_id > b.member_id ? 1 : 0));
      for (const x of list) terms.push({ term, joined_at: x.joined_at, member_id: x.member_id });
    }
    for (const c of chunks(terms, 20_000)) await tx.tdb.bulkInsert('member_terms', c);
    report.added.members = memberRows.length;

    const toUpdate = planned.filter((p) => existing.has(p.line));
    for (const c of chunks(toUpdate, CHUNK)) {
      const { updated, unchanged } = await updateFromImport(tx, c.map((p) => ({ id: existing.get(p.line)!, p })), stored, known);
      report.updated += updated;
      report.unchanged += unchanged;
      onProgress((done += c.length));
    }
    await recordAudit(tx, 'member.import', null, { file: opts.file, rows: report.rows, added: report.added.members, updated: report.updated, skipped: report.skipped });
    return report;
  });
  if (result.added.members > 0) await ctx.tdb.refreshStatistics();
  return result;
}

interface PersonKey {
  key: string;
  what: string;
  column(columns: Map<string, MemberField>): string;
}

/** What identifies a person in a list: platform ids, the phone, the e-mail. */
function personKeys(p: Planned['input'], phone: string | null): PersonKey[] {
  const col = (field: string) => (columns: Map<string, MemberField>) => [...columns].find(([, f]) => f === field)?.[0] ?? field;
  return [
    ...(p.identities ?? []).map((i) => ({ key: `i:${i.platform}:${i.externalId}`, what: `${i.platform} account ${i.externalId}`, column: col(`identity.${i.platform}`) })),
    ...(phone ? [{ key: `p:${phone}`, what: `phone ${phone}`, column: col('phone') }] : []),
    ...(p.email ? [{ key: `e:${p.email}`, what: `e-mail ${p.email}`, column: col('email') }] : []),
  ];
}

type RowError = { line: number; field: string; reason: string };

/**
 * Finds the stored member each row describes: by platform id, then phone, then e-mail. A row is refused
 * when its ids point at different members (a platform account owned by someone else), when its phone or
 * e-mail fits several members and no platform id tells them apart, or when two rows land on one member.
 */
type MemberRow = Database['members'];

async function matchExisting(
  ctx: Ctx,
  planned: Planned[],
  columns: Map<string, MemberField>,
): Promise<{ existing: Map<number, string>; rows: Map<string, MemberRow>; known: ReadonlySet<string>; errors: RowError[] }> {
  // The stored members come back whole with each lookup, so updates need no `id IN (…)` query: without
  // statistics SQLite answers that one by walking the workspace's index (20 s per 100,000 rows).
  const rowsById = new Map<string, MemberRow>();
  const byIdentity = new Map<string, string>();
  const byPlatform = new Map<string, Set<string>>();
  for (const p of planned) for (const i of p.input.identities ?? []) (byPlatform.get(i.platform) ?? byPlatform.set(i.platform, new Set()).get(i.platform)!).add(i.externalId);
  for (const [platform, ids] of byPlatform) {
    for (const c of chunks([...ids], LOOKUP)) {
      const rows = await ctx.tdb
        .selectFrom('identities')
        .innerJoin('members', 'members.id', 'identities.member_id')
        .selectAll('members')
        .select('identities.external_id as identity_external_id')
        .where('identities.platform', '=', platform)
        .where('identities.external_id', 'in', c)
        .execute();
      for (const { identity_external_id, ...m } of rows) {
        byIdentity.set(`${platform}:${identity_external_id}`, m.id);
        rowsById.set(m.id, m);
      }
    }
  }
  const byPhone = new Map<string, string[]>();
  for (const c of chunks([...new Set(planned.flatMap((p) => (p.phone ? [p.phone] : [])))], LOOKUP)) {
    for (const r of await ctx.tdb.selectFrom('members').selectAll().where('phone', 'in', c).execute()) {
      byPhone.set(r.phone!, [...(byPhone.get(r.phone!) ?? []), r.id]);
      rowsById.set(r.id, r);
    }
  }
  const byEmail = new Map<string, string[]>();
  for (const c of chunks([...new Set(planned.flatMap((p) => (p.input.email ? [p.input.email] : [])))], LOOKUP)) {
    for (const r of await ctx.tdb.selectFrom('members').selectAll().where('email', 'in', c).execute()) {
      byEmail.set(r.email!, [...(byEmail.get(r.email!) ?? []), r.id]);
      rowsById.set(r.id, r);
    }
  }
  const named = async (ids: string[]) => ids.map((id) => `${rowsById.get(id)?.display_name ?? '?'} (${id})`).join(', ');
  const colOf = (field: string) => [...columns].find(([, f]) => f === field)?.[0] ?? field;

  const existing = new Map<number, string>();
  const errors: RowError[] = [];
  const lineOfMember = new Map<string, number>();
  for (const p of planned) {
    const owners = (p.input.identities ?? []).flatMap((i) => {
      const id = byIdentity.get(`${i.platform}:${i.externalId}`);
      return id ? [{ id, what: `the ${i.platform} account ${i.externalId}`, field: `identity.${i.platform}` }] : [];
    });
    const phoneIds = p.phone ? byPhone.get(p.phone) ?? [] : [];
    const emailIds = p.input.email ? byEmail.get(p.input.email) ?? [] : [];
    let id: string | undefined;
    let error: { field: string; reason: string } | undefined;
    const distinct = [...new Set(owners.map((o) => o.id))];
    if (distinct.length > 1) {
      const [a, b] = [owners[0]!, owners.find((o) => o.id !== owners[0]!.id)!];
      error = { field: colOf(b.field), reason: `${b.what} already belongs to member ${await named([b.id])}, but ${a.what} belongs to member ${await named([a.id])}` };
    } else if (distinct.length === 1) {
      id = distinct[0]!;
      const owner = owners[0]!;
      if (phoneIds.length && !phoneIds.includes(id)) {
        error = { field: colOf(owner.field), reason: `${owner.what} already belongs to member ${await named([id])}, but the phone ${p.phone} belongs to ${await named(phoneIds)}` };
      } else if (emailIds.length && !emailIds.includes(id)) {
        error = { field: colOf(owner.field), reason: `${owner.what} already belongs to member ${await named([id])}, but the e-mail ${p.input.email} belongs to ${await named(emailIds)}` };
      }
    } else if (phoneIds.length || emailIds.length) {
      const candidates = phoneIds.length && emailIds.length ? phoneIds.filter((x) => emailIds.includes(x)) : phoneIds.length ? phoneIds : emailIds;
      if (candidates.length === 1) id = candidates[0]!;
      else if (candidates.length === 0) {
        error = { field: colOf('email'), reason: `the phone ${p.phone} belongs to member ${await named(phoneIds)}, but the e-mail ${p.input.email} belongs to ${await named(emailIds)}` };
      } else {
        const by = phoneIds.length ? `phone ${p.phone}` : `e-mail ${p.input.email}`;
        error = { field: colOf(phoneIds.length ? 'phone' : 'email'), reason: `the ${by} fits ${candidates.length} members (${await named(candidates)}); add a platform id column to tell them apart` };
      }
    }
    if (!error && id) {
      const first = lineOfMember.get(id);
      if (first !== undefined) error = { field: 'row', reason: `the same person as line ${first} (both match member ${await named([id])}); a person may appear once per file` };
    }
    if (error) errors.push({ line: p.line, ...error });
    else if (id) {
      existing.set(p.line, id);
      lineOfMember.set(id, p.line);
    }
  }
  // A stored platform id of a row that passed belongs to the member the row matched.
  return { existing, rows: rowsById, known: new Set(byIdentity.keys()), errors };
}

/**
 * Fills in what each row knows and its member lacks or has differently (tags and skills are merged,
 * new platform ids added; the stage and joined date stay, they come from the member's activity).
 * Reads a chunk of members at once and writes only the ones that change: a re-import changes nothing.
 */
async function updateFromImport(
  ctx: Ctx,
  batch: { id: string; p: Planned }[],
  current: ReadonlyMap<string, MemberRow>,
  storedIds: ReadonlySet<string>,
): Promise<{ updated: number; unchanged: number }> {
  // The members and which platform ids are stored come from the match: `… IN (…)` queries by member id
  // here made SQLite walk the workspace's whole index per chunk (30 s of a 100,000-row re-import).
  const added = new Set<string>();
  const known = { has: (k: string) => storedIds.has(k) || added.has(k), add: (k: string) => added.add(k) };
  const now = ctx.clock.now();
  const newIdentities: { id: string; member_id: string; platform: string; external_id: string; handle: string | null; created_at: number }[] = [];
  const rewrite: string[] = [];
  let updated = 0;
  for (const { id, p } of batch) {
    const cur = current.get(id)!;
    const i = p.input;
    const next: Record<string, unknown> = {
      display_name: i.displayName, gender: i.gender, birth_year: i.birthYear, city: i.city, occupation: i.occupation,
      phone: p.phone ?? undefined, email: i.email, circle: i.circle, source_channel: i.sourceChannel,
      tags: i.tags ? JSON.stringify([...new Set([...JSON.parse(cur.tags), ...i.tags])]) : undefined,
      skills: i.skills ? JSON.stringify([...new Set([...JSON.parse(cur.skills), ...i.skills])]) : undefined,
    };
    const row = cur as unknown as Record<string, unknown>;
    const patch = Object.fromEntries(Object.entries(next).filter(([k, v]) => v !== undefined && v !== null && v !== (k === 'birth_year' && row[k] !== null ? Number(row[k]) : row[k])));
    if ('phone' in patch) patch.phone_last4 = phoneLast4(patch.phone as string);
    const added = (i.identities ?? []).filter((x) => !known.has(`${x.platform}:${x.externalId}`));
    for (const idn of added) {
      known.add(`${idn.platform}:${idn.externalId}`);
      newIdentities.push({ id: ctx.ids.next('idn'), member_id: id, platform: idn.platform, external_id: idn.externalId, handle: idn.handle ?? null, created_at: now });
    }
    if (Object.keys(patch).length === 0 && added.length === 0) continue;
    updated++;
    if (Object.keys(patch).length) await ctx.tdb.updateTable('members').set({ ...patch, updated_at: now }).where('id', '=', id).execute();
    if ('display_name' in patch || 'phone' in patch || 'tags' in patch || added.some((x) => x.handle)) rewrite.push(id);
  }
  await ctx.tdb.bulkInsert('identities', withoutNullColumns(newIdentities));
  for (const id of rewrite) await rewriteTerms(ctx, id);
  return { updated, unchanged: batch.length - updated };
}
