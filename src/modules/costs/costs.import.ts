// Costs from the finance team's sheet (CSV or XLSX, read by the caller into header + numbered rows): one row
// per cost with its date, what it was for (推广 campaign, 活动 event, 阶段 phase, 群 group, 其他 other) and
// that thing's name, the amount in yuan as written (¥1,234.50, 1.2万), and optionally a category, a note and
// the community. A phase or a group is found by its id or its name. Every problem names the file, the line
// and the column; nothing is written unless every row is good. Importing the same sheet again adds nothing:
// a row's content (and its place among identical rows) is its key.
import type { Ctx } from '../../kernel/context.ts';
import { invalid, ShequnError } from '../../kernel/errors.ts';
import { findColumns, headerKey, parseDayText, parseYuanText, RowKeys, type Sheet } from '../../kernel/sheet.ts';
import { recordAudit } from '../audit/index.ts';
import { COST_SUBJECTS, type CostInput, type CostSubject } from './costs.schema.ts';
import { checkCost, writeCosts, type CheckedCost } from './costs.service.ts';


const COLUMNS = {
  date: ['日期', '支出日期', '发生日期', 'date', 'spenton'],
  subject: ['类型', '对象类型', '用途类型', 'subject', 'type'],
  name: ['名称', '对象', '项目', '推广活动', 'name', 'subjectkey', 'key'],
  amount: ['金额', '支出', '费用', '成本', 'amount', 'cost', 'amountyuan'],
  category: ['类别', '科目', '费用类别', 'category'],
  note: ['备注', '说明', 'note', 'notes', 'memo'],
  community: ['社群', 'community', 'communityid'],
} as const;
type Column = keyof typeof COLUMNS;

const SUBJECT_WORDS: Record<string, CostSubject> = {
  推广: 'campaign', 营销: 'campaign', 投放: 'campaign', campaign: 'campaign',
  活动: 'event', 线下活动: 'event', event: 'event',
  阶段: 'phase', phase: 'phase',
  群: 'group', 社群群: 'group', group: 'group',
  其他: 'other', 其它: 'other', other: 'other',
};

export async function importCosts(ctx: Ctx, t: Sheet): Promise<{ rows: number; added: number; duplicates: number; totalCents: number }> {
  ctx.authorize('community.write');
  const errors: { field: string; reason: string }[] = [];
  const at = (line: number, col?: string) => `${t.file}:${line}${col ? `:${col}` : ''}`;
  const col = findColumns(t.headers, COLUMNS);
  const missing = (['date', 'subject', 'amount'] as const).filter((k) => !col[k]);
  if (missing.length) {
    throw invalid(missing.map((k) => ({ field: at(1), reason: `no ${k} column (${COLUMNS[k].slice(0, 2).join(' or ')}) among ${t.headers.join(', ')}` })), 'The costs file is invalid');
  }
  // Communities, phases and groups by name, read once: a sheet names them as people do.
  const [communities, phases, groups] = await Promise.all([
    ctx.tdb.selectFrom('communities').select(['id', 'name']).execute(),
    ctx.tdb.selectFrom('phases').select(['id', 'name', 'community_id']).execute(),
    ctx.tdb.selectFrom('groups').select(['id', 'name', 'community_id']).execute(),
  ]);
  const find = <T extends { id: string; name: string }>(rows: T[], v: string, within: string | null, kind: string, field: string): T | null => {
    const byId = rows.find((r) => r.id === v);
    if (byId) return byId;
    const named = rows.filter((r) => r.name === v && (!within || !('community_id' in r) || r.community_id === within));
    if (named.length === 1) return named[0]!;
    errors.push({ field, reason: named.length ? `${named.length} ${kind}s are named "${v}": use the id (${named.map((r) => r.id).join(', ')})` : `no ${kind} named "${v}"` });
    return null;
  };
  const inputs: { line: number; input: CostInput }[] = [];
  for (const r of t.rows) {
    const cell = (k: Column) => (col[k] ? (r.values[col[k]] ?? '').trim() : '');
    const before = errors.length;
    const spentOn = parseDayText(cell('date'));
    if (!spentOn) errors.push({ field: at(r.line, col.date), reason: `"${cell('date')}" is not a date (2026-11-03 or 2026年11月3日)` });
    const subject = SUBJECT_WORDS[headerKey(cell('subject'))];
    if (!subject) errors.push({ field: at(r.line, col.subject), reason: `"${cell('subject')}" is not one of 推广 活动 阶段 群 其他 (${COST_SUBJECTS.join(', ')})` });
    const amount = parseYuanText(cell('amount'));
    if (amount === null || amount === 0 || Math.abs(amount) > 1e13) errors.push({ field: at(r.line, col.amount), reason: `"${cell('amount')}" is not an amount in yuan` });
    const communityName = cell('community');
    const community = communityName ? find(communities, communityName, null, 'community', at(r.line, col.community)) : null;
    let key = cell('name');
    if (subject === 'phase' || subject === 'group') {
      const owner = key ? find(subject === 'phase' ? phases : groups, key, community?.id ?? null, subject, at(r.line, col.name)) : null;
      if (!key) errors.push({ field: at(r.line, col.name ?? 'name'), reason: `name the ${subject} (its name or id)` });
      key = owner?.id ?? key;
    }
    if (errors.length > before) continue;
    inputs.push({
      line: r.line,
      input: { subject: subject!, subjectKey: key, communityId: community?.id ?? null, spentOn: spentOn!, amountCents: amount!, category: cell('category') || null, note: cell('note') || null },
    });
  }
  // The rest of the checks (visibility, names required, the subject's own community) as the form has them.
  const checked: CheckedCost[] = [];
  const keys = new RowKeys();
  for (const { line, input } of inputs) {
    try {
      const c = await checkCost(ctx, input, (name) => at(line, name === 'subjectKey' ? col.name : name === 'communityId' ? col.community : name));
      checked.push({ ...c, source: 'import', dedupe_key: keys.next([c.community_id, c.subject, c.subject_key, c.spent_on, c.amount_cents, c.category, c.note]) });
    } catch (e) {
      if (!(e instanceof ShequnError) || !e.errors?.length) throw e;
      errors.push(...e.errors);
    }
  }
  if (errors.length) throw invalid(errors.slice(0, 100), `The costs file is invalid (${errors.length} problem${errors.length > 1 ? 's' : ''})`);
  if (!checked.length) throw invalid([{ field: t.file, reason: 'no costs to import' }], 'The costs file is invalid');
  return ctx.transaction(async (tx) => {
    const written = await writeCosts(tx, checked);
    const totalCents = written.reduce((s, c) => s + c.amount_cents, 0);
    await recordAudit(tx, 'cost.import', null, { file: t.file, rows: t.rows.length, added: written.length, totalCents });
    return { rows: t.rows.length, added: written.length, duplicates: checked.length - written.length, totalCents };
  });
}
