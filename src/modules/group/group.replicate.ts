// Replication (复制): a new group cloned from a template group (its settings, its own rules and its
// announcement), and a group set renamed in one go by a naming pattern such as `{brand}{city}{n}群`.
import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import { invalid } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { createRule, listRules, type RuleType } from '../rules/index.ts';
import type { GroupCloneSchema, GroupSetRenameSchema, Group, RenamePreview } from './group.schema.ts';
import { NumberingSchema } from './group.schema.ts';
import { createGroup, getGroup, getGroupSet, visibleGroupRow } from './group.service.ts';

export async function cloneGroup(ctx: Ctx, sourceId: string, input: z.infer<typeof GroupCloneSchema>): Promise<{ group: Group; rulesCopied: number }> {
  ctx.authorize('group.write');
  return ctx.transaction(async (tx) => {
    const src = await visibleGroupRow(tx, sourceId);
    const group = await createGroup(tx, {
      communityId: src.community_id,
      groupSetId: input.groupSetId === undefined ? src.group_set_id : input.groupSetId,
      platform: src.platform as Group['platform'],
      externalId: input.externalId ?? null,
      name: input.name,
      kind: src.kind as Group['kind'],
      function: src.function as Group['function'],
      official: src.official === 1,
      structure: src.structure as Group['structure'],
      capacity: Number(src.capacity),
      status: 'active',
      region: input.region === undefined ? src.region : input.region,
      // Numbering follows the template's scheme; a group-scoped sequence starts again at 1.
      numbering: NumberingSchema.parse(JSON.parse(src.numbering)),
    });
    const rules = await listRules(tx, { targetType: 'group', targetId: src.id });
    for (const r of rules) {
      await createRule(tx, { type: r.type as RuleType, targetType: 'group', targetId: group.id, settings: r.settings, enabled: r.enabled });
    }
    if (src.announcement) {
      await tx.tdb.updateTable('groups').set({ announcement: src.announcement, announcement_at: tx.clock.now() }).where('id', '=', group.id).execute();
    }
    await recordAudit(tx, 'group.clone', { type: 'group', id: group.id }, { from: src.id, rules: rules.length });
    return { group: await getGroup(tx, group.id), rulesCopied: rules.length };
  });
}

/** A fresh regex per use: a shared /g regex keeps its lastIndex between calls. */
const vars = () => /\{([a-z][a-z0-9_]{0,29})\}/g;

/**
 * The set's groups (in creation order) with the names the pattern gives them. Built-in variables: {n}
 * (1, 2, …), {nn} (01, 02, …), {set} (the set's name), {region} (the group's region, else the set's);
 * any other variable must be given in `vars` (e.g. {brand}).
 */
export async function renameGroupSet(ctx: Ctx, setId: string, input: z.infer<typeof GroupSetRenameSchema>): Promise<{ items: RenamePreview[]; applied: boolean }> {
  ctx.authorize(input.apply ? 'group.write' : 'group.read');
  return ctx.transaction(async (tx) => {
    const set = await getGroupSet(tx, setId);
    const pattern = input.pattern ?? set.namingPattern;
    if (!pattern) throw invalid([{ field: 'pattern', reason: 'give a pattern such as {brand}{city}{n}群, or set the group set’s namingPattern' }]);
    const builtIn = new Set(['n', 'nn', 'set', 'region']);
    const unknown = [...pattern.matchAll(vars())].map((m) => m[1]!).filter((v) => !builtIn.has(v) && input.vars[v] === undefined);
    if (unknown.length) throw invalid([{ field: 'vars', reason: `give a value for ${[...new Set(unknown)].map((v) => `{${v}}`).join(', ')}` }]);
    if (!/\{n{1,2}\}/.test(pattern)) throw invalid([{ field: 'pattern', reason: 'the pattern needs {n} or {nn} so that each group gets its own name' }]);
    const groups = await tx.tdb.selectFrom('groups').selectAll().where('group_set_id', '=', setId).orderBy('created_at').orderBy('id').execute();
    const v = await tx.visibility();
    const items = groups.filter((g) => v.all || v.groupIds.has(g.id)).map((g, i) => {
      const values: Record<string, string> = {
        ...input.vars, n: String(i + 1), nn: String(i + 1).padStart(2, '0'), set: set.name, region: g.region ?? set.region ?? '',
      };
      const to = pattern.replace(vars(), (_m, k: string) => values[k] ?? '').trim().slice(0, 100);
      return { groupId: g.id, from: g.name, to };
    });
    const empty = items.find((x) => !x.to);
    if (empty) throw invalid([{ field: 'pattern', reason: `the pattern gives group ${empty.groupId} an empty name` }]);
    if (input.apply) {
      const now = tx.clock.now();
      for (const x of items) {
        if (x.from !== x.to) await tx.tdb.updateTable('groups').set({ name: x.to, updated_at: now }).where('id', '=', x.groupId).execute();
      }
      await recordAudit(tx, 'group_set.rename', { type: 'group_set', id: setId }, { pattern, renamed: items.filter((x) => x.from !== x.to).length });
    }
    return { items, applied: input.apply };
  });
}
