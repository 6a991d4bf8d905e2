// Opaque keyset cursors: base64url of [sortKey, id]. A cursor that does not decode is a 400 on `cursor`.
import { invalid } from './errors.ts';

export interface Cursor {
  key: number;
  id: string;
}

export function encodeCursor(key: number, id: string): string {
  return Buffer.from(JSON.stringify([key, id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string' && v[1].length <= 64) {
      return { key: v[0], id: v[1] };
    }
  } catch {
    // fall through to the validation error below: the cursor is not ours
  }
  throw invalid([{ field: 'cursor', reason: 'not a cursor returned by this API' }]);
}
