// The entry ritual's pure parts (仪式感): nickname patterns with named parts and the welcome message template.

export type PatternToken = { part: string } | { literal: string };

export function parsePattern(pattern: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  const re = /\{([a-z][a-z0-9_]*)\}/g;
  let last = 0;
  for (let m = re.exec(pattern); m; m = re.exec(pattern)) {
    if (m.index > last) tokens.push({ literal: pattern.slice(last, m.index) });
    tokens.push({ part: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < pattern.length) tokens.push({ literal: pattern.slice(last) });
  return tokens;
}

/**
 * Checks a nickname against a pattern such as `{city}-{industry}-{name}`. Each part must be non-empty text
 * without the separator that follows it. Returns null when it fits, else the first part (or separator) that fails.
 */
export function checkNickname(pattern: string, nickname: string): { part: string; reason: string } | null {
  if (!pattern) return null;
  const tokens = parsePattern(pattern);
  let rest = nickname;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if ('literal' in t) {
      if (!rest.startsWith(t.literal)) return { part: t.literal, reason: `expected "${t.literal}" here` };
      rest = rest.slice(t.literal.length);
      continue;
    }
    const next = tokens[i + 1];
    let value: string;
    if (next && 'literal' in next) {
      const at = rest.indexOf(next.literal);
      value = at < 0 ? rest : rest.slice(0, at);
      if (at < 0) {
        if (!value.trim()) return { part: t.part, reason: `{${t.part}} is missing` };
        return { part: t.part, reason: `{${t.part}} must be followed by "${next.literal}"` };
      }
    } else {
      value = rest;
    }
    if (!value.trim()) return { part: t.part, reason: `{${t.part}} is missing` };
    rest = rest.slice(value.length);
  }
  if (rest.length) return { part: 'end', reason: 'unexpected text after the pattern' };
  return null;
}

export interface WelcomeVars {
  nickname: string;
  number: string;
  group: string;
  rules: string;
  inviter: string;
}

export function renderWelcome(template: string, vars: WelcomeVars): string {
  return template.replace(/\{(nickname|number|group|rules|inviter)\}/g, (_m, k: keyof WelcomeVars) => vars[k]);
}
