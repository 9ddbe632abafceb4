import { useEffect, useRef, useSyncExternalStore } from 'react';
import { SEVERITY_RANK, alertStore } from '../store/alert-store';
import { useConnection } from '../store/hooks';
import { clockTime } from '../format';
import { PRIORITY } from '../alert-style';

export interface WallHeaderProps {
  siteName: string | null;
}

/** Counts of open alerts by ISA state, each with its own mark (shape and word, not colour alone). */
const COUNTED = [
  { states: ['B', 'D'], word: 'unacked', mark: '!' },
  { states: ['C'], word: 'acked', mark: '✓' },
  { states: ['E'], word: 'latched', mark: '⟲' },
  { states: ['F'], word: 'shelved', mark: '‖' },
] as const;

/** The wall's header strip: counts by state, the flood status, the data state and the clock. */
export function WallHeader({ siteName }: WallHeaderProps) {
  const alerts = useSyncExternalStore(alertStore.subscribe, alertStore.getState);
  const conn = useConnection();
  const counts = COUNTED.map((c) => ({
    ...c,
    n: [...alerts.open.values()].filter((a) =>
      (c.states as readonly string[]).includes(a.isa_state),
    ).length,
  }));
  const worst = [...alerts.open.values()]
    .filter((a) => !a.acked && (a.isa_state === 'B' || a.isa_state === 'D'))
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity])[0];
  const flooded = alerts.floods.filter((f) => f.in_flood);
  return (
    <header className="wall-header" data-testid="wall-header">
      <div className="wall-header__row">
        <ul className="wall-counts" aria-label="Open alerts by state">
          {counts.map((c) => (
            <li
              key={c.word}
              className={`wall-count${c.n > 0 && c.word === 'unacked' ? ' wall-count--alarm' : ''}`}
              data-testid={`count-${c.word}`}
              style={
                c.n > 0 && c.word === 'unacked' && worst
                  ? { background: PRIORITY[worst.severity].hex }
                  : undefined
              }
            >
              <span className="wall-count__mark" aria-hidden="true">
                {c.mark}
              </span>
              <span className="wall-count__n">{c.n}</span> {c.word}
            </li>
          ))}
        </ul>
      </div>
      <div className="wall-header__row wall-header__row--status">
        <span className="wall-site" title={siteName ?? undefined}>
          <Clock />
        </span>
        <span
          className={`wall-flood${flooded.length > 0 ? ' wall-flood--on' : ''}`}
          data-testid="flood-status"
        >
          {flooded.length === 0
            ? 'no alarm flood'
            : `⚠ FLOOD ${flooded
                .map((f) => `${f.area_id}: ${f.window_count} in 10 min`)
                .join(' · ')}`}
        </span>
        <span className={`wall-data wall-data--${conn.phase}`} data-testid="wall-data-state">
          {conn.phase === 'live'
            ? 'data live'
            : conn.phase === 'connecting'
              ? 'connecting …'
              : `‖ DATA STALE SINCE ${clockTime(conn.staleSince ?? Date.now())}`}
        </span>
      </div>
    </header>
  );
}

/** hh:mm, written once a second without a React render. */
function Clock() {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const tick = () => {
      if (ref.current) ref.current.textContent = clockTime(Date.now()).slice(0, 5);
    };
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, []);
  return <span ref={ref} className="wall-clock" />;
}
