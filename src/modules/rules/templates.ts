// Rule templates (群规模板): ready-made rule sets for common kinds of group, copied onto a group, a group set
// or a community in one go. Each rule is created through createRule, so it is validated and audited.
import { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import { invalid } from '../../kernel/errors.ts';
import type { RuleTargetType } from './rules.schema.ts';
import { createRule, listRules } from './rules.service.ts';
import type { RuleType } from './rule-types.ts';

export interface RuleTemplate {
  key: string;
  name: string;
  description: string;
  rules: { type: RuleType; settings: Record<string, unknown> }[];
}

export const ruleTemplates: readonly RuleTemplate[] = [
  {
    key: 'student-group',
    name: '学员群（金字塔结构）',
    description: '以听为主的大群：入群仪式与统一昵称，夜间禁言，广告与刷屏治理，30 天不活跃提醒后移出',
    rules: [
      { type: 'joining.ritual', settings: { rulesText: '1. 只聊课程与学习\n2. 不发广告和链接\n3. 友善交流', nicknamePattern: '{city}-{name}', nicknameExample: '上海-小林', iceBreaker: '用一句话介绍自己：城市、职业、想学什么' } },
      { type: 'communication.mute_schedule', settings: { windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '23:00', to: '07:00' }] } },
      { type: 'communication.moderation', settings: { steps: ['warn', 'mute', 'remove'], muteMinutes: 60 } },
      { type: 'elimination.inactivity', settings: { inactiveDays: 30, graceDays: 7 } },
    ],
  },
  {
    key: 'core-group',
    name: '核心群（环形结构）',
    description: '人人发言的小群：每周分享轮流上台，每周贡献排名末位淘汰、学员群优秀者晋升，只管刷屏不管链接',
    rules: [
      { type: 'sharing.session', settings: { title: '每周分享', days: [5], at: '20:00', durationMinutes: 90 } },
      { type: 'elimination.ranking', settings: { days: [7], at: '21:00', bottomK: 3, promoteK: 3 } },
      { type: 'communication.moderation', settings: { detect: { links: false, phoneNumbers: false, wechatIds: true, keywords: [], patterns: [], sameTextInGroups: 3 }, steps: ['warn', 'mute'] } },
    ],
  },
  {
    key: 'acquisition-group',
    name: '引流群',
    description: '新人进来就有欢迎语，严管广告，冷了自动抛话题',
    rules: [
      { type: 'communication.post', settings: { trigger: { on: 'join' }, text: '欢迎 {nickname}（{number} 号）！先看群公告，有问题直接问。' } },
      { type: 'communication.moderation', settings: { newMemberLinkHours: 0, steps: ['warn', 'remove', 'blacklist'] } },
      { type: 'communication.quiet', settings: { topics: ['你是怎么认识我们的？', '最近有什么想了解的？', '晒晒你最近的收获'] } },
    ],
  },
];

export const RuleTemplateSchema = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  rules: z.array(z.object({ type: z.string(), settings: z.record(z.string(), z.unknown()) })),
});

/** Copies a template's rules onto the target; a type the target already has a rule of is left as it is. */
export async function applyRuleTemplate(ctx: Ctx, key: string, target: { targetType: RuleTargetType; targetId: string }): Promise<{ created: string[]; skipped: string[] }> {
  ctx.authorize('group.write');
  const t = ruleTemplates.find((x) => x.key === key);
  if (!t) throw invalid([{ field: 'template', reason: `no rule template ${key}; one of ${ruleTemplates.map((x) => x.key).join(', ')}` }]);
  return ctx.transaction(async (tx) => {
    const have = new Set((await listRules(tx, { targetType: target.targetType, targetId: target.targetId })).map((r) => r.type));
    const created: string[] = [];
    const skipped: string[] = [];
    for (const r of t.rules) {
      if (have.has(r.type)) {
        skipped.push(r.type);
        continue;
      }
      created.push((await createRule(tx, { type: r.type, targetType: target.targetType, targetId: target.targetId, settings: r.settings, enabled: true })).id);
    }
    return { created, skipped };
  });
}
