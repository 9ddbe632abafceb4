import { useConnection } from '../store/hooks';
import { clockTime } from '../format';

export type ConnectionStateProps = Record<string, never>;

/** LIVE, CONNECTING or STALE, with a shape as well as a word (no alarm colours). */
export function ConnectionState() {
  const c = useConnection();
  const label =
    c.phase === 'live'
      ? c.alertsOnly
        ? 'Alerts only'
        : 'Live'
      : c.phase === 'connecting'
        ? 'Connecting'
        : 'Stale';
  return (
    <div
      className={`conn conn--${c.phase}`}
      data-testid="connection-state"
      title={
        c.staleSince
          ? `since ${clockTime(c.staleSince)}`
          : c.alertsOnly
            ? 'your role sees no live values; open alerts are read every 5 s'
            : undefined
      }
    >
      <span className="conn__mark" aria-hidden="true" />
      {label}
    </div>
  );
}
