// Message ids for export formats that have none (QQ's .txt, WeChat's CSV without localId, WhatsApp's .txt):
// built from what a message is (its time, sender and text) and how many equal ones came before it in the file,
// so reading the same file again gives the same ids.
import { createHash } from 'node:crypto';

const DAY = 24 * 3600_000;

/**
 * How often a key came before in the file: the n of its id, so two equal messages in one second (or minute) stay
 * two and a re-import counts the same. Equal keys share a time, and an export runs in time order (a DST fall-back
 * repeats an hour at most), so keys a day older than the newest are forgotten: memory stays bounded by a day's
 * messages, not the file's. What is forgotten depends only on the keys read so far, so ids stay the same on
 * every read.
 */
export class Occurrences {
  private seen = new Map<string, { n: number; at: number }>();
  private newest = -Infinity;
  /** Sweeps when this many are kept; doubled when a sweep frees little, so a busy day does not sweep on every message. */
  private limit = 50_000;

  next(key: string, at: number): number {
    if (at > this.newest) this.newest = at;
    const had = this.seen.get(key);
    if (had) return ++had.n;
    if (this.seen.size >= this.limit) {
      for (const [k, v] of this.seen) if (v.at < this.newest - DAY) this.seen.delete(k);
      if (this.seen.size >= this.limit / 2) this.limit *= 2;
    }
    this.seen.set(key, { n: 0, at });
    return 0;
  }
}

/**
 * `${at}:${senderKey}:${sha1(text) first 12}:${earlier repeats}`. `at` is whatever time the format keys by (an
 * instant, or WhatsApp's wall clock so that another --timezone finds the same messages) in milliseconds, since
 * the day `occurrences` remembers is counted in them.
 */
export function contentId(at: number, senderKey: string, text: string, occurrences: Occurrences): string {
  const base = `${at}:${senderKey}:${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
  return `${base}:${occurrences.next(base, at)}`;
}
