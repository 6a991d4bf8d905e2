// 圈层推进: the circle rollout tracker. A community reaches its five circles in order — 新势力 (opinion
// leaders) → 亲友 → 传播 → 大众 → 商业 — and in each one works through four tasks: 文化认同 (they share the
// culture), 产品鉴评 (they try and judge the product), 圈层认知 (the circle knows the community), 消费引领 (they
// buy and lead others to). Operators mark a task done; beside each circle stand its members' figures from the
// structure (people, active, consulted, buyers, revenue), the evidence for the marks. The circle being worked
// on is the first with a task not done.
import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import { memberCircle } from '../enums.ts';
import { recordAudit } from '../audit/index.ts';
import { getCommunity } from '../community/index.ts';
import { CIRCLE_TASKS, type CircleTaskInputSchema } from './analytics.schema.ts';
import { structure } from './structure.ts';

const CIRCLES = memberCircle.values;

export async function circleRollout(ctx: Ctx, communityId: string) {
  ctx.authorize('community.read');
  const community = await getCommunity(ctx, communityId);
  const s = await structure(ctx, { communityId });
  const marks = await ctx.tdb.selectFrom('circle_tasks').selectAll().where('community_id', '=', communityId).execute();
  const mark = new Map(marks.map((m) => [`${m.circle}|${m.task}`, m]));
  const circles = CIRCLES.map((circle) => {
    const seg = s.byCircle.find((x) => x.key === circle);
    const tasks = CIRCLE_TASKS.map((task) => {
      const m = mark.get(`${circle}|${task}`);
      return { task, done: !!m, doneAt: m ? new Date(Number(m.done_at)).toISOString() : null, doneBy: m?.done_by ?? null, note: m?.note ?? '' };
    });
    return {
      circle,
      figures: { people: seg?.people ?? 0, activeRate: seg?.activeRate ?? 0, consultedRate: seg?.consultedRate ?? 0, buyerRate: seg?.buyerRate ?? 0, revenueCents: seg?.revenueCents ?? 0 },
      tasks,
      done: tasks.every((x) => x.done),
    };
  });
  return {
    communityId: community.id,
    name: community.name,
    computedAt: s.computedAt,
    /** The circle being worked on: the first with a task not done (null: all five reached). */
    current: circles.find((c) => !c.done)?.circle ?? null,
    /** Members with no circle set: they count in no circle. */
    unassigned: s.byCircle.find((x) => x.key === '')?.people ?? 0,
    circles,
  };
}

/** Marks a task of a circle done (with a note) or not done; returns the tracker. */
export async function setCircleTask(ctx: Ctx, communityId: string, input: z.infer<typeof CircleTaskInputSchema>) {
  const { circle, task } = input;
  ctx.authorize('community.write');
  await getCommunity(ctx, communityId);
  await ctx.transaction(async (tx) => {
    await tx.tdb.deleteFrom('circle_tasks').where('community_id', '=', communityId).where('circle', '=', circle).where('task', '=', task).execute();
    if (input.done) {
      await tx.tdb.insertInto('circle_tasks', { community_id: communityId, circle, task, done_at: tx.clock.now(), done_by: tx.actor.name, note: input.note ?? '' }).execute();
    }
    await recordAudit(tx, 'circle.task', { type: 'community', id: communityId }, { circle, task, done: input.done });
  });
  return circleRollout(ctx, communityId);
}
