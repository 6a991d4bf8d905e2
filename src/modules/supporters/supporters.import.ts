// Supporters from a sheet (CSV or XLSX, read by the caller into header + numbered rows): one row per supporter
// of an event with its date, the event (its eventId or name, as its attendances carry it), 企业 or 个人, the
// name, and optionally what they gave, the money (yuan as written) and the community. Every problem names the
// file, line and column; nothing is written unless every row is good; the same sheet again adds nothing.
import type { Ctx } from '../../kernel/context.ts';
import { invalid, ShequnError } from '../../kernel/errors.ts';
import { findColumns, headerKey, parseDayText, parseYuanText, RowKeys, type Sheet } from '../../kernel/sheet.ts';
import { recordAudit } from '../audit/index.ts';
import type { SupporterInput } from './supporters.schema.ts';
import { checkSupporter, writeSupporters, type CheckedSupporter } from './supporters.service.ts';

const COLUMNS = {
  date: ['日期', '支持日期', 'date', 'supportedon'],
  event: ['活动', '活动名称', 'event', 'eventid', 'eventkey'],
  type: ['类型', '支持方类型', 'type', 'supportertype'],
  name: ['名称', '支持方', '企业/个人', 'name', 'supporter'],
  contribution: ['贡献', '支持内容', '内容', 'contribution'],
  amount: ['金额', '赞助金额', 'amount', 'money'],
  community: ['社群', 'community', 'communityid'],
} as const;
const TYPES: Record<string, 'firm' | 'person'> = { 企业: 'firm', 公司: 'firm', 商家: 'firm', 机构: 'firm', firm: 'firm', company: 'firm', 个人: 'person', 人: 'person', 嘉宾: 'person', 志愿者: 'person', person: 'person' };

export async function importSupporters(ctx: Ctx, t: Sheet): Promise<{ rows: number; added: number; duplicates: number }> {
  ctx.authorize('community.write');
  const errors: { field: string; reason: string }[] = [];
  const at = (line: number, col?: string) => `${t.file}:${line}${col ? `:${col}` : ''}`;
  const col = findColumns(t.headers, COLUMNS);
  const missing = (['date', 'event', 'type', 'name'] as const).filter((k) => !col[k]);
  if (missing.length) {
    throw invalid(missing.map((k) => ({ field: at(1), reason: `no ${k} column (${COLUMNS[k].slice(0, 2).join(' or ')}) among ${t.headers.join(', ')}` })), 'The supporters file is invalid');
  }
  const communities = await ctx.tdb.selectFrom('communities').select(['id', 'name']).execute();
  const checked: CheckedSupporter[] = [];
  const keys = new RowKeys();
  for (const r of t.rows) {
    const cell = (k: keyof typeof COLUMNS) => (col[k] ? (r.values[col[k]] ?? '').trim() : '');
    const before = errors.length;
    const supportedOn = parseDayText(cell('date'));
    if (!supportedOn) errors.push({ field: at(r.line, col.date), reason: `"${cell('date')}" is not a date (2026-11-03 or 2026年11月3日)` });
    const supporterType = TYPES[headerKey(cell('type'))];
    if (!supporterType) errors.push({ field: at(r.line, col.type), reason: `"${cell('type')}" is not 企业 or 个人 (firm, person)` });
    if (!cell('event')) errors.push({ field: at(r.line, col.event), reason: 'name the event (its eventId or name)' });
    if (!cell('name')) errors.push({ field: at(r.line, col.name), reason: 'name the supporter' });
    const money = cell('amount') ? parseYuanText(cell('amount')) : null;
    if (cell('amount') && (money === null || money < 0)) errors.push({ field: at(r.line, col.amount), reason: `"${cell('amount')}" is not an amount in yuan` });
    const communityName = cell('community');
    const community = communityName ? communities.filter((c) => c.id === communityName || c.name === communityName) : [];
    if (communityName && community.length !== 1) errors.push({ field: at(r.line, col.community), reason: community.length ? `${community.length} communities are named "${communityName}": use the id` : `no community named "${communityName}"` });
    if (errors.length > before) continue;
    const input: SupporterInput = {
      eventKey: cell('event').slice(0, 200), supporterType: supporterType!, name: cell('name').slice(0, 100), communityId: community[0]?.id ?? null,
      contribution: cell('contribution').slice(0, 200) || null, amountCents: money, supportedOn: supportedOn!,
    };
    try {
      const c = await checkSupporter(ctx, input, (name) => at(r.line, name === 'communityId' ? col.community : name));
      checked.push({ ...c, source: 'import', dedupe_key: keys.next([c.community_id, c.event_key, c.supporter_type, c.name, c.contribution, c.amount_cents, c.supported_on]) });
    } catch (e) {
      if (!(e instanceof ShequnError) || !e.errors?.length) throw e;
      errors.push(...e.errors);
    }
  }
  if (errors.length) throw invalid(errors.slice(0, 100), `The supporters file is invalid (${errors.length} problem${errors.length > 1 ? 's' : ''})`);
  if (!checked.length) throw invalid([{ field: t.file, reason: 'no supporters to import' }], 'The supporters file is invalid');
  return ctx.transaction(async (tx) => {
    const written = await writeSupporters(tx, checked);
    await recordAudit(tx, 'supporter.import', null, { file: t.file, rows: t.rows.length, added: written.length });
    return { rows: t.rows.length, added: written.length, duplicates: checked.length - written.length };
  });
}
