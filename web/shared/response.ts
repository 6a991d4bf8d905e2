// A response of /api/v1 read once: its JSON (null when empty or not JSON), its text, and on failure the
// problem (RFC 9457) it carries, with fallbacks from the status line.
export interface ReadResponse<P> {
  data: unknown;
  text: string;
  /** The problem of a failed response, its members defaulted; null when the response is ok. */
  problem: (Partial<P> & { status: number; title: string; detail: string; code: string }) | null;
}

export async function readResponse<P extends { title?: string; detail?: string; code?: string }>(res: Response): Promise<ReadResponse<P>> {
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (res.ok) return { data, text, problem: null };
  const p = (data && typeof data === 'object' ? data : {}) as Partial<P>;
  return {
    data, text,
    problem: { ...p, status: res.status, title: p.title ?? res.statusText, detail: p.detail ?? (text.slice(0, 200) || res.statusText), code: p.code ?? 'error' },
  };
}
