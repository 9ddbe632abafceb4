import { sessionStore } from '../store/session-store';
import { MODES, MODE_LABELS } from '../session/session';

export type ModeChooserProps = Record<string, never>;

const WHO: Record<(typeof MODES)[number], string> = {
  wall: 'control-room operators: the whole complex at a glance, incidents fly into view',
  incident: 'safety officers: the alert queue, one incident with its zones and valves, actions',
  condition: 'plant engineers: colour the network by condition, find pipes, open their history',
};

/** Shown when nobody is signed in and the URL names no mode: the person picks one. */
export function ModeChooser() {
  return (
    <div className="chooser" role="dialog" aria-label="Choose a mode" data-testid="mode-chooser">
      <h2>How will you use the console?</h2>
      <ul>
        {MODES.map((m) => (
          <li key={m}>
            <button
              type="button"
              onClick={() => sessionStore.setMode(m)}
              data-testid={`choose-${m}`}
            >
              <strong>{MODE_LABELS[m]}</strong>
              <span>{WHO[m]}</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="muted small">
        A kiosk opens <code>/?mode=wall</code> directly; the choice is kept in the address.
      </p>
    </div>
  );
}
