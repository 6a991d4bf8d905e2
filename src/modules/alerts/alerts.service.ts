// Alerts (预警): what an operator should look at before it is too late — a group going quiet (its trend,
// not only its last day), a group near capacity, a surge of moderation actions in a group (spam), and a
// plan's measures behind plan. The engine evaluates them every few minutes: a condition that appears opens
// an alert (once: its key is the kind and the subject), one that goes away resolves it, and every opened
// alert is posted to the workspace's alert webhooks, signed, retried until they answer 2xx.
import { createHmac, randomBytes } from 'node:crypto';
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { invalid, notFound } from '../../kernel/errors.ts';
import { groupHealth, voice } from '../analytics/index.ts';
import { recordAudit } from '../audit/index.ts';
import { tracking } from '../plan/index.ts';
import type { AlertKind } from './alerts.schema.ts';


const DAY = 86_400_000;
/** Moderation actions in a group in a day that make a surge: at least this many, and 3× its usual day. */
const SURGE_MIN = 5;
const SURGE_FACTOR = 3;
/** A webhook that failed is tried again after 1, 2, 4 … minutes, up to an hour apart. */
const RETRY_MAX_MS = 3_600_000;

interface Condition {
  kind: AlertKind;
  subjectType: 'group' | 'plan' | 'community' | 'workspace';
  subjectId: string;
  severity: 'info' | 'warning' | 'critical';
  /** The alert in Chinese, as an operator reads it; `data` has the figures. */
  title: string;
  data: Record<string, unknown>;
}

export type Alert = ReturnType<typeof toAlert>;
export const toAlert = (r: Database['alerts']) => ({
  id: r.id, kind: r.kind as AlertKind, subjectType: r.subject_type as Condition['subjectType'], subjectId: r.subject_id, severity: r.severity as Condition['severity'],
  title: r.title, data: JSON.parse(r.data) as Record<string, unknown>, status: r.status as 'open' | 'resolved',
  openedAt: iso(r.opened_at), resolvedAt: r.resolved_at === null ? null : iso(r.resolved_at),
  acknowledgedBy: r.acknowledged_by, acknowledgedAt: r.acknowledged_at === null ? null : iso(r.acknowledged_at),
});

async function conditions(ctx: Ctx): Promise<Condition[]> {
  const out: Condition[] = [];
  const board = await groupHealth(ctx, {});
  for (const g of board.items) {
    if (g.status === 'archived') continue;
    if (g.quiet) {
      out.push({
        kind: 'group_quiet', subjectType: 'group', subjectId: g.groupId, severity: (g.trend ?? 1) < 0.25 ? 'critical' : 'warning',
        title: `「${g.name}」正在变冷：最近 7 天的发言只有之前 3 周周均的 ${Math.round((g.trend ?? 0) * 100)}%`, data: { trend: g.trend, messages: g.messages, seats: g.seats },
      });
    }
    if (g.capacity && g.seats >= g.capacity * 0.95) {
      out.push({
        kind: 'group_near_capacity', subjectType: 'group', subjectId: g.groupId, severity: g.seats >= g.capacity ? 'critical' : 'warning',
        title: `「${g.name}」快满了：${g.seats} / ${g.capacity} 人，该开新群了`, data: { seats: g.seats, capacity: g.capacity },
      });
    }
  }
  // Moderation actions (warnings, mutes, removals, blacklisting) per group: the last day against the 7 before.
  const now = ctx.clock.now();
  const acts = await ctx.tdb.selectFrom('outbox').select(['group_id', 'created_at']).where('origin_type', '=', 'rule')
    .where('action', 'in', ['warn', 'mute', 'remove', 'blacklist', 'delete']).where('created_at', '>=', now - 8 * DAY).execute();
  const surge = new Map<string, { day: number; before: number }>();
  for (const a of acts) {
    if (!a.group_id) continue;
    const s = surge.get(a.group_id) ?? { day: 0, before: 0 };
    if (Number(a.created_at) >= now - DAY) s.day++;
    else s.before++;
    surge.set(a.group_id, s);
  }
  const names = new Map(board.items.map((g) => [g.groupId, g.name]));
  for (const [groupId, s] of surge) {
    const usual = s.before / 7;
    if (s.day >= SURGE_MIN && s.day >= SURGE_FACTOR * Math.max(usual, 1)) {
      out.push({
        kind: 'spam_surge', subjectType: 'group', subjectId: groupId, severity: s.day >= 4 * SURGE_MIN ? 'critical' : 'warning',
        title: `「${names.get(groupId) ?? groupId}」违规激增：最近 24 小时处理 ${s.day} 次，平时每天约 ${usual.toFixed(1)} 次`, data: { lastDay: s.day, usualPerDay: usual },
      });
    }
  }
  // Negative voice: a spike today or yesterday, for the workspace and each community.
  const scopes = [{ q: {}, type: 'workspace' as const, id: ctx.workspaceId, name: '全部社群' }, ...(await ctx.tdb.selectFrom('communities').select(['id', 'name']).execute())
    .map((c) => ({ q: { communityId: c.id }, type: 'community' as const, id: c.id, name: c.name }))];
  for (const sc of scopes) {
    const v = await voice(ctx, { ...sc.q, from: undefined, to: undefined });
    const recent = v.spikes.filter((x) => x.date >= v.days[v.days.length - 2]!.date);
    const spike = recent[recent.length - 1];
    if (!spike) continue;
    out.push({
      kind: 'negative_voice', subjectType: sc.type, subjectId: sc.id, severity: spike.negative >= 4 * Math.max(spike.usual, 5) ? 'critical' : 'warning',
      title: `「${sc.name}」负面声量激增：${spike.date} 有 ${spike.negative} 条负面消息，平时每天约 ${spike.usual} 条`, data: spike,
    });
  }
  for (const p of await ctx.tdb.selectFrom('plans').select(['id', 'name']).execute()) {
    const t = await tracking(ctx, p.id, 'month');
    if (!t.behind.length) continue;
    const metrics = t.metrics.filter((m) => t.behind.some((b) => b.metric === m.key)).map((m) => m.zh);
    out.push({
      kind: 'plan_behind', subjectType: 'plan', subjectId: p.id, severity: 'warning',
      title: `「${p.name}」${t.behind[0]!.period} 落后于计划：${metrics.join('、')}`, data: { period: t.behind[0]!.period, behind: t.behind },
    });
  }
  return out;
}

/** Opens the alerts whose condition holds and is not open yet, resolves the open ones whose condition went away. */
export async function evaluateAlerts(ctx: Ctx): Promise<{ opened: number; resolved: number }> {
  const found = await conditions(ctx);
  const now = ctx.clock.now();
  return ctx.transaction(async (tx) => {
    const open = await tx.tdb.selectFrom('alerts').selectAll().where('status', '=', 'open').execute();
    const key = (c: { kind: string; subjectType?: string; subject_type?: string; subjectId?: string; subject_id?: string }) => `${c.kind}|${c.subjectType ?? c.subject_type}|${c.subjectId ?? c.subject_id}`;
    const openKeys = new Map(open.map((a) => [key(a), a]));
    const foundKeys = new Set(found.map(key));
    let opened = 0;
    for (const c of found) {
      const existing = openKeys.get(key(c));
      if (existing) {
        // Still there: keep its figures current, without a new notice.
        await tx.tdb.updateTable('alerts').set({ title: c.title, data: JSON.stringify(c.data), severity: c.severity }).where('id', '=', existing.id).execute();
        continue;
      }
      await tx.tdb.insertInto('alerts', {
        id: tx.ids.next('alr'), kind: c.kind, subject_type: c.subjectType, subject_id: c.subjectId, severity: c.severity, title: c.title, data: JSON.stringify(c.data),
        status: 'open', opened_at: now, resolved_at: null, acknowledged_by: null, acknowledged_at: null, notify_attempts: 0, notify_at: now, notified_at: null,
      }).execute();
      opened++;
    }
    const gone = open.filter((a) => !foundKeys.has(key(a)));
    if (gone.length) await tx.tdb.updateTable('alerts').set({ status: 'resolved', resolved_at: now }).where('id', 'in', gone.map((a) => a.id)).execute();
    return { opened, resolved: gone.length };
  });
}

export async function listAlerts(ctx: Ctx, q: { status: 'open' | 'resolved' | 'all'; limit: number }): Promise<Alert[]> {
  ctx.authorize('activity.read');
  const v = await ctx.visibility();
  let query = ctx.tdb.selectFrom('alerts').selectAll().orderBy('opened_at', 'desc').orderBy('id', 'desc').limit(q.limit);
  if (q.status !== 'all') query = query.where('status', '=', q.status);
  const rows = await query.execute();
  if (v.all) return rows.map(toAlert);
  // A scoped operator sees its groups' alerts and its communities' plans'.
  const plans = new Map((await ctx.tdb.selectFrom('plans').select(['id', 'community_id']).execute()).map((p) => [p.id, p.community_id]));
  return rows.filter((r) => (r.subject_type === 'group' ? v.groupIds.has(r.subject_id)
    : r.subject_type === 'community' ? v.communityIds.has(r.subject_id)
      : r.subject_type === 'plan' ? v.communityIds.has(plans.get(r.subject_id) ?? '') : false)).map(toAlert);
}

export async function acknowledgeAlert(ctx: Ctx, id: string): Promise<Alert> {
  ctx.authorize('group.write');
  const visible = (await listAlerts(ctx, { status: 'all', limit: 10_000 })).some((a) => a.id === id);
  if (!visible) throw notFound('alert', id);
  return ctx.transaction(async (tx) => {
    await tx.tdb.updateTable('alerts').set({ acknowledged_by: tx.actor.name, acknowledged_at: tx.clock.now() }).where('id', '=', id).execute();
    await recordAudit(tx, 'alert.acknowledge', { type: 'alert', id });
    return toAlert(await tx.tdb.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}

// Webhooks: a URL and a secret; the body is signed with HMAC-SHA256 (hex) in X-Shequn-Signature.

export async function createAlertHook(ctx: Ctx, input: { url: string }): Promise<{ id: string; url: string; secret: string; createdAt: string }> {
  ctx.authorize('connection.manage');
  let u: URL;
  try {
    u = new URL(input.url);
  } catch {
    throw invalid([{ field: 'url', reason: 'not an address' }]);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid([{ field: 'url', reason: 'an http or https address' }]);
  const row = { id: ctx.ids.next('ahk'), url: u.toString(), secret: randomBytes(24).toString('hex'), created_by: ctx.actor.name, created_at: ctx.clock.now() };
  await ctx.transaction(async (tx) => {
    await tx.tdb.insertInto('alert_hooks', row).execute();
    await recordAudit(tx, 'alert_hook.create', { type: 'alert_hook', id: row.id }, { host: u.host });
  });
  return { id: row.id, url: row.url, secret: row.secret, createdAt: iso(row.created_at) };
}

export async function listAlertHooks(ctx: Ctx) {
  // Readers see where alerts go (never the secrets); only those who manage connections change it.
  ctx.authorize('operator.read');
  return (await ctx.tdb.selectFrom('alert_hooks').select(['id', 'url', 'created_by', 'created_at']).orderBy('created_at').execute())
    .map((h) => ({ id: h.id, url: h.url, createdBy: h.created_by, createdAt: iso(h.created_at) }));
}

export async function deleteAlertHook(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('connection.manage');
  await ctx.transaction(async (tx) => {
    const r = await tx.tdb.deleteFrom('alert_hooks').where('id', '=', id).executeTakeFirst();
    if (!Number(r.numDeletedRows)) throw notFound('alert hook', id);
    await recordAudit(tx, 'alert_hook.delete', { type: 'alert_hook', id });
  });
}

export const signature = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

/**
 * Posts the alerts due for notice to every hook of the workspace. An alert counts as notified when every
 * hook answered 2xx; otherwise it is tried again later (all hooks: receivers dedupe by the alert's id).
 */
export async function notifyAlerts(ctx: Ctx, post: (url: string, body: string, headers: Record<string, string>) => Promise<number>): Promise<{ sent: number; failed: number }> {
  const now = ctx.clock.now();
  const hooks = await ctx.tdb.selectFrom('alert_hooks').select(['url', 'secret']).execute();
  const due = await ctx.tdb.selectFrom('alerts').selectAll().where('notified_at', 'is', null).where('notify_at', '<=', now).orderBy('opened_at').limit(100).execute();
  let sent = 0;
  let failed = 0;
  for (const a of due) {
    if (!hooks.length) {
      await ctx.tdb.updateTable('alerts').set({ notified_at: now }).where('id', '=', a.id).execute();
      continue;
    }
    const body = JSON.stringify({ type: 'alert.opened', workspaceId: ctx.workspaceId, alert: toAlert(a) });
    let ok = true;
    for (const h of hooks) {
      const status = await post(h.url, body, { 'content-type': 'application/json', 'x-shequn-signature': signature(h.secret, body), 'x-shequn-alert': a.id }).catch(() => 0);
      if (status < 200 || status >= 300) ok = false;
    }
    if (ok) {
      sent++;
      await ctx.tdb.updateTable('alerts').set({ notified_at: now, notify_attempts: a.notify_attempts + 1 }).where('id', '=', a.id).execute();
    } else {
      failed++;
      const wait = Math.min(RETRY_MAX_MS, 60_000 * 2 ** a.notify_attempts);
      await ctx.tdb.updateTable('alerts').set({ notify_attempts: a.notify_attempts + 1, notify_at: now + wait }).where('id', '=', a.id).execute();
      ctx.log.warn({ alert: a.id, attempts: a.notify_attempts + 1 }, 'an alert webhook did not answer 2xx; trying again later');
    }
  }
  return { sent, failed };
}
