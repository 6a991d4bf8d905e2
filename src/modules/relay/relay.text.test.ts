import { describe, expect, it } from 'vitest';
import { DEFAULT_QUESTION_PREFIXES, answerLine, hostCommand, questionIn, relayLine, sameQuestion } from './relay.text.ts';

describe('relay words', () => {
  it('labels a relayed line by role', () => {
    expect(relayLine('speaker', '王老师', '今天讲单丛')).toBe('【主讲】王老师：今天讲单丛');
    expect(relayLine('host', '小李', '')).toBe('【主持】小李');
    expect(answerLine({ asker: '阿明', group: '潮州 3 群', text: '水温多少？' }, '95 度', '主讲')).toBe('【问答】「潮州 3 群」的 阿明 问：水温多少？\n【主讲】答：95 度');
  });

  it('finds questions by their prefix, and not in chatter', () => {
    expect(questionIn('问：单丛要洗茶吗', DEFAULT_QUESTION_PREFIXES)).toBe('单丛要洗茶吗');
    expect(questionIn('  ? how hot is the water', DEFAULT_QUESTION_PREFIXES)).toBe('how hot is the water');
    expect(questionIn('/ask@tea_bot 能用紫砂吗', DEFAULT_QUESTION_PREFIXES)).toBe('能用紫砂吗');
    expect(questionIn('今天的课真好', DEFAULT_QUESTION_PREFIXES)).toBeNull();
    expect(questionIn('问：', DEFAULT_QUESTION_PREFIXES)).toBeNull();
    expect(questionIn('问题是这样的', DEFAULT_QUESTION_PREFIXES)).toBeNull();
  });

  it('reads the host commands, in Chinese or English, addressed to a bot or not', () => {
    expect(hostCommand('/开始')).toBe('start');
    expect(hostCommand('/stop@tea_bot')).toBe('stop');
    expect(hostCommand('/PAUSE ')).toBe('pause');
    expect(hostCommand('/开始 今天讲茶')).toBeNull();
    expect(hostCommand('开始')).toBeNull();
  });

  it('groups questions that ask the same thing', () => {
    expect(sameQuestion('单丛要洗茶吗？', '单丛要洗茶吗')).toBe(true);
    expect(sameQuestion('单丛需要洗茶吗', '单丛要不要洗茶')).toBe(false);
    expect(sameQuestion('凤凰单丛的水温是多少度', '凤凰单丛水温多少度')).toBe(true);
    expect(sameQuestion('水温多少', '投茶量多少')).toBe(false);
  });
});
