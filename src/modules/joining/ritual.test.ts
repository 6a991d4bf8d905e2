import { describe, expect, it } from 'vitest';
import { checkNickname, parsePattern, renderWelcome } from './ritual.ts';

describe('nickname patterns', () => {
  const p = '{city}-{industry}-{name}';
  it('parses named parts and separators', () => {
    expect(parsePattern(p)).toEqual([{ part: 'city' }, { literal: '-' }, { part: 'industry' }, { literal: '-' }, { part: 'name' }]);
    expect(parsePattern('')).toEqual([]);
  });
  it('accepts a fitting nickname and names the part that fails', () => {
    expect(checkNickname(p, '上海-金融-张三')).toBeNull();
    expect(checkNickname('', 'anything')).toBeNull();
    expect(checkNickname(p, '上海-张三')?.part).toBe('industry');
    expect(checkNickname(p, '-金融-张三')?.part).toBe('city');
    expect(checkNickname(p, '上海-金融-')?.part).toBe('name');
    expect(checkNickname(p, '上海金融张三')?.part).toBe('city');
    expect(checkNickname('[{city}]{name}', '[上海]张三')).toBeNull();
    expect(checkNickname('[{city}]{name}', '上海张三')?.part).toBe('[');
    expect(checkNickname('{name}（{city}）', '张三（上海）多余')?.part).toBe('end');
  });
});

describe('welcome template', () => {
  it('fills the known variables and leaves other braces alone', () => {
    expect(renderWelcome('欢迎{nickname}，编号{number}，{group}，{inviter}邀请，{other}', { nickname: 'A', number: '0007', group: '跑团', rules: 'r', inviter: 'B' }))
      .toBe('欢迎A，编号0007，跑团，B邀请，{other}');
  });
});
