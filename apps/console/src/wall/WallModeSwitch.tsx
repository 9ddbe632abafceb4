import { sessionStore } from '../store/session-store';
import { MODES, MODE_LABELS } from '../session/session';

export type WallModeSwitchProps = Record<string, never>;

/**
 * The way back from the wall for a person who may switch modes (complex admin, regulator, or
 * no sign-in): small and in a corner of the scene, since the wall itself is read from afar.
 * Operators' and displays' walls have none.
 */
export function WallModeSwitch() {
  return (
    <nav className="wall-modes" aria-label="Mode" data-testid="wall-modes">
      {MODES.filter((m) => m !== 'wall').map((m) => (
        <button
          key={m}
          type="button"
          onClick={() => sessionStore.setMode(m)}
          data-testid={`mode-${m}`}
        >
          {MODE_LABELS[m]}
        </button>
      ))}
    </nav>
  );
}
