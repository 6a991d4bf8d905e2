import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ModerationSettingsSchema, moderationSteps } from './rule-types.ts';
import { normalizeText, stepFor, violationOf, type MessageFacts } from './moderation.ts';

const s = (x: object = {}) => ModerationSettingsSchema.parse(x);
const HOUR = 3_600_000;
const facts = (text: string, more: Partial<MessageFacts> = {}): MessageFacts => ({
  text, role: 'participant', memberId: 'mem_1', joinedAt: 0, at: HOUR, recentInGroup: 1, groupsWithSameText: 1, ...more,
});

describe('violationOf', () => {
  it('finds links from newcomers only, phone numbers however written, WeChat ids, keywords and patterns', () => {
    const rule = s({ detect: { keywords: ['代购'], patterns: ['返\\s*利'] } });
    expect(violationOf(rule, facts('看这个 https://shop.example.com/x'))).toBe('入群 24 小时内不能发链接');
    expect(violationOf(rule, facts('看这个 taobao.com 店', { at: 48 * HOUR }))).toBeNull();
    expect(violationOf(s({ newMemberLinkHours: 0 }), facts('www.example.cn', { at: 480 * HOUR }))).toBe('本群不允许发链接');
    for (const t of ['电话 13812345678', '打 138 1234 5678', '１３８１２３４５６７８', '138-1234-5678']) expect(violationOf(rule, facts(t)), t).toBe('不要在群里留手机号');
    for (const t of ['加我微信 abc_12345', '+v: tea2024a', 'VX：hello_world', '威信 zhangsan88']) expect(violationOf(rule, facts(t)), t).toBe('不要在群里留微信号、拉人加好友');
    expect(violationOf(rule, facts('专业代购，便宜'))).toBe('含有本群禁止的内容「代购」');
    expect(violationOf(rule, facts('下单返 利 50%'))).toBe('含有本群禁止的内容');
    // Not ads: an e-mail address, a price, a version number, a year.
    for (const t of ['联系 team@example.com', '价格 138 元', '升级到 v1.2.3', '2024年很好', '今天天气不错']) expect(violationOf(rule, facts(t)), t).toBeNull();
  });

  it('counts the same text across groups and floods within one', () => {
    const rule = s();
    expect(violationOf(rule, facts('早上好各位茶友们', { groupsWithSameText: 3 }))).toBe('同一内容发到了 3 个群');
    expect(violationOf(rule, facts('早上好各位茶友们', { groupsWithSameText: 2 }))).toBeNull();
    expect(violationOf(rule, facts('好', { groupsWithSameText: 5 }))).toBeNull(); // too short to be spam
    expect(violationOf(rule, facts('哈哈', { recentInGroup: 9 }))).toBe('60 秒内发了 9 条消息（刷屏）');
    expect(violationOf(s({ flood: null }), facts('哈哈', { recentInGroup: 90 }))).toBeNull();
  });

  it('never acts on exempt roles or allowed members, whatever they post (property)', () => {
    fc.assert(fc.property(
      fc.string(), fc.constantFrom('creator', 'manager'), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 100 }),
      (text, role, recent, groups) => violationOf(s(), facts(`${text} https://x.com 13812345678`, { role, recentInGroup: recent, groupsWithSameText: groups })) === null,
    ));
    fc.assert(fc.property(fc.string(), (text) => violationOf(s({ allowMembers: ['mem_vip'] }), facts(`${text} 13812345678`, { memberId: 'mem_vip' })) === null));
  });
});

describe('stepFor', () => {
  it('climbs the ladder and stays on its last step', () => {
    const rule = s({ steps: ['warn', 'mute', 'blacklist'] });
    expect([0, 1, 2, 3, 10].map((n) => stepFor(rule, n))).toEqual(['warn', 'mute', 'blacklist', 'blacklist', 'blacklist']);
    fc.assert(fc.property(fc.array(fc.constantFrom(...moderationSteps), { minLength: 1, maxLength: 6 }), fc.nat(1000), (steps, n) => steps.includes(stepFor(s({ steps }), n))));
  });

  it('normalizes full-width text and split digits', () => {
    expect(normalizeText('ＡＢＣ 138 1234 5678')).toBe('abc 13812345678');
  });
});
