import type { NetworkData } from '../store/network-store';
import { sessionStore } from '../store/session-store';
import {
  MODES,
  MODE_LABELS,
  can,
  canSwitchModes,
  signOut,
  type Mode,
  type Session,
} from '../session/session';
import { formatInt } from '../format';
import { ConnectionState } from './ConnectionState';
import { LiveCount } from './LiveCount';
import { StatusFigures } from './StatusFigures';

export interface HeaderProps {
  siteName: string | null;
  data: NetworkData | null;
  mode: Mode | null;
  session: Session;
}

/** The strip at the top: what this is, the modes, what is drawn, how the data flows. */
export function Header({ siteName, data, mode, session }: HeaderProps) {
  const switchable = canSwitchModes(session);
  return (
    <header className="header">
      <div className="brand">
        <span className="brand__name">ComplexTwin</span>
        <span className="brand__site" title={siteName ?? undefined}>
          {siteName ?? 'loading network …'}
        </span>
      </div>
      {switchable ? (
        <nav className="modes" aria-label="Mode">
          {MODES.map((m) => (
            <button
              key={m}
              type="button"
              className={`mode-tab${m === mode ? ' mode-tab--on' : ''}`}
              aria-current={m === mode ? 'page' : undefined}
              onClick={() => sessionStore.setMode(m)}
              data-testid={`mode-${m}`}
            >
              {MODE_LABELS[m]}
            </button>
          ))}
        </nav>
      ) : (
        mode && <span className="mode-tab mode-tab--on">{MODE_LABELS[mode]}</span>
      )}
      <div className="figures">
        <div className="figure">
          <span className="figure__value" data-testid="segment-count">
            {data ? formatInt(data.segmentCount) : '—'}
          </span>
          <span className="figure__label">segments</span>
        </div>
        {can(session, 'live:read') && (
          <div className="figure">
            <span className="figure__value">
              <LiveCount />
            </span>
            <span className="figure__label">live values</span>
          </div>
        )}
        {can(session, 'status:read') && <StatusFigures />}
      </div>
      {session.status === 'signed-in' && (
        <span className="user" data-testid="signed-in-user">
          <span title={`${session.user.username} · ${session.user.role.replace('_', ' ')}`}>
            {session.user.display_name}
          </span>
          <button
            type="button"
            className="link"
            onClick={() => void signOut()}
            data-testid="sign-out"
          >
            sign out
          </button>
        </span>
      )}
      <ConnectionState />
    </header>
  );
}
