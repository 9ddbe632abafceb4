import { useConnection } from '../store/hooks';
import { clockTime } from '../format';

export type StaleBannerProps = Record<string, never>;

/** Says plainly that the values on screen are old while the live socket is down. */
export function StaleBanner() {
  const c = useConnection();
  if (c.phase !== 'stale' || c.staleSince === null) return null;
  return (
    <div className="stale-banner" role="status" data-testid="stale-banner">
      <span className="stale-banner__mark" aria-hidden="true" />
      live data stale since {clockTime(c.staleSince)} · reconnecting (attempt {c.attempts})
    </div>
  );
}
