// 运营 › 直播 (multi-group live relay): the sessions, or one session's control room when the address names it
// (?tab=live&live=<id>, so a reload or a shared link opens the same room).
import type { Me } from '../../api';
import { useSearchParam } from '../../router';
import { ControlRoom } from './ControlRoom';
import { Sessions } from './Sessions';

export function LivePanel({ me }: { me: Me }) {
  const [id, setId] = useSearchParam('live');
  return id
    ? <ControlRoom key={id} id={id} me={me} onBack={() => setId(null)} onOpen={setId} />
    : <Sessions me={me} onOpen={setId} />;
}
