// Search postings. A one- or two-character Chinese name query cannot use a trigram index and LIKE '%x%'
// scans every row, so each name is indexed by all its 1- and 2-character substrings; handles by their
// trigrams; phones by their 3- and 7-digit prefixes; tags and current groups as terms of their own.
// Each posting carries the member's joined_at so that a page is an ordered range that stops after N rows.

export const term = {
  name: (gram: string) => `n:${gram}`,
  handle: (gram: string) => `h:${gram}`,
  phonePrefix: (digits: string) => `p:${digits}`,
  tag: (tag: string) => `t:${tag}`,
  group: (groupId: string) => `g:${groupId}`,
};

export function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** 1- and 2-grams of a name, by code point, skipping whitespace. */
export function nameGrams(name: string): string[] {
  const chars = Array.from(normalize(name));
  const grams = new Set<string>();
  for (let i = 0; i < chars.length; i++) {
    const a = chars[i]!;
    if (/\s/u.test(a)) continue;
    grams.add(a);
    const b = chars[i + 1];
    if (b !== undefined && !/\s/u.test(b)) grams.add(a + b);
  }
  return [...grams];
}

/** Trigrams of a handle; a handle shorter than three characters is its own single term. */
export function handleGrams(handle: string): string[] {
  const chars = Array.from(normalize(handle).replace(/\s+/gu, ''));
  if (chars.length === 0) return [];
  if (chars.length < 3) return [chars.join('')];
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars.slice(i, i + 3).join(''));
  return [...grams];
}

export function phonePrefixes(phone: string | null): string[] {
  if (!phone) return [];
  const digits = phone.replace(/\D/g, '');
  const out: string[] = [];
  if (digits.length >= 3) out.push(digits.slice(0, 3));
  if (digits.length >= 7) out.push(digits.slice(0, 7));
  return out;
}

/** Normalises a phone number for storage: digits only, a +86/86 country code dropped from mainland mobiles. */
export function normalizePhone(phone: string | null | undefined): string | null {
  if (!phone) return null;
  const plus = phone.trim().startsWith('+');
  let digits = phone.replace(/\D/g, '');
  if (/^861[3-9]\d{9}$/.test(digits)) digits = digits.slice(2);
  else if (plus) digits = `+${digits}`;
  return digits || null;
}

export function phoneLast4(phone: string | null): string | null {
  if (!phone) return null;
  const d = phone.replace(/\D/g, '');
  return d.length >= 4 ? d.slice(-4) : null;
}

export interface TermSource {
  displayName: string;
  phone: string | null;
  tags: string[];
  handles: string[];
  groupIds: string[];
}

export function memberTerms(m: TermSource): string[] {
  const terms = new Set<string>();
  for (const g of nameGrams(m.displayName)) terms.add(term.name(g));
  for (const h of m.handles) for (const g of handleGrams(h)) terms.add(term.handle(g));
  for (const p of phonePrefixes(m.phone)) terms.add(term.phonePrefix(p));
  for (const t of m.tags) terms.add(term.tag(normalize(t)));
  for (const g of m.groupIds) terms.add(term.group(g));
  return [...terms];
}
