// A group's live chat over the hub (docs/realtime.md): subscribe to chat:<group> after the newest item
// the page has; on any drop, reconnect with backoff and subscribe again after the last cursor seen, so
// nothing said meanwhile is lost (the hub replays it).
import { useEffect, useRef, useState } from 'react';
import type { ChatItem } from './api';

export type LiveState = 'connecting' | 'live' | 'offline';

/** Other events of the chat channel, e.g. `membership.updated` (a nickname, a role or a mute changed). */
export type ChatEvent = { type: string; data: Record<string, unknown> };

export function useChatStream(
  groupId: string | null, after: string | null | undefined, onItem: (item: ChatItem) => void, onEvent: (e: ChatEvent) => void = () => {},
): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const handler = useRef(onItem);
  handler.current = onItem;
  const other = useRef(onEvent);
  other.current = onEvent;

  useEffect(() => {
    // `undefined`: the first page has not loaded yet, so there is no place to resume from.
    if (!groupId || after === undefined) return;
    let cursor = after;
    let ws: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;

    const connect = () => {
      setState('connecting');
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/realtime`;
      ws = new WebSocket(url, ['shequn.v1']);
      ws.onmessage = (e) => {
        let f: any;
        try {
          f = JSON.parse(String(e.data));
        } catch {
          return;
        }
        if (f.type === 'hello') ws?.send(JSON.stringify({ type: 'subscribe', channel: `chat:${groupId}`, ...(cursor ? { after: cursor } : {}), ref: 'chat' }));
        else if (f.type === 'subscribed') {
          attempt = 0;
          setState('live');
          // Changes that are not chat items (nicknames, mutes) are not replayed: ask for them afresh.
          other.current({ type: 'resync', data: {} });
        } else if (f.type === 'event' && f.event?.type === 'chat.item') {
          if (f.event.cursor) cursor = f.event.cursor;
          handler.current(f.event.data as ChatItem);
        } else if (f.type === 'event' && f.event) other.current({ type: String(f.event.type), data: f.event.data ?? {} });
      };
      ws.onclose = () => {
        if (stopped) return;
        setState('offline');
        attempt += 1;
        timer = setTimeout(connect, Math.min(15_000, 500 * 2 ** Math.min(attempt, 5)));
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      ws?.close();
    };
  }, [groupId, after]);

  return state;
}
