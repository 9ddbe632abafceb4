import type { AlertAuditEvent } from '@ct/contracts';
import { clockTime } from '../format';

export interface AuditTrailProps {
  events: readonly AlertAuditEvent[];
}

/** Who did what and when, newest first, with the state change and the note. */
export function AuditTrail({ events }: AuditTrailProps) {
  return (
    <>
      <h3 className="panel__section">Audit trail ({events.length})</h3>
      <ol className="audit" data-testid="audit-trail" reversed>
        {[...events].reverse().map((e) => (
          <li key={e.id} className="audit__item" data-action={e.action}>
            <span className="audit__time">
              {new Date(e.time).toLocaleDateString('en-GB')} {clockTime(e.time)}
            </span>{' '}
            <strong>{e.actor}</strong> {e.action.replace(/_/g, ' ')}
            {e.from_state !== e.to_state && (
              <span className="muted">
                {' '}
                ({e.from_state ?? '–'} → {e.to_state})
              </span>
            )}
            {e.note && <div className="audit__note">“{e.note}”</div>}
          </li>
        ))}
      </ol>
    </>
  );
}
