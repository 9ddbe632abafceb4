import { useState } from 'react';
import { MAX_SHELVE_S, type Alert } from '@ct/contracts';
import { ActionError, postAlertAction, type AlertAction } from '../store/alert-api';
import { alertStore } from '../store/alert-store';
import { useSession } from '../store/hooks';
import { actorField, can, rememberActor } from '../session/session';

export interface ActionBarProps {
  alert: Alert;
  onDone: () => void;
}

const SHELVE_CHOICES = [
  { label: '30 min', s: 1800 },
  { label: '1 h', s: 3600 },
  { label: '2 h', s: 7200 },
  { label: '4 h', s: 14_400 },
  { label: `${MAX_SHELVE_S / 3600} h (one shift, the most)`, s: MAX_SHELVE_S },
  { label: 'until it clears (one-shot)', s: 0 },
] as const;

/**
 * Acknowledge, assign, comment, shelve (with a reason and a limit), unshelve and resolve. The
 * api decides what is allowed (ISA-18.2) and refuses a stale version with 409; its reason is
 * shown as it comes, so two officers on the same alert see why an action did not go through.
 */
export function ActionBar({ alert: a, onDone }: ActionBarProps) {
  const { session } = useSession();
  const [typedName, setTypedName] = useState('');
  // without sign-in the name typed once on this browser; signed in, the api knows who acts
  const [actor, setActor] = useState(() => actorField(session));
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [shelveFor, setShelveFor] = useState<number>(3600);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const signedIn = session.status === 'signed-in';
  const field = signedIn ? {} : actor;
  const who = signedIn ? session.user.display_name || session.user.username : actor?.actor;

  if (session.status !== 'signed-in' && session.status !== 'open') return null;
  if (!can(session, 'alerts:act')) {
    return (
      <p className="actions actions--readonly muted" data-testid="actions-readonly">
        Read-only: your role ({signedIn ? session.user.role : 'none'}) follows incidents but does
        not act on them.
      </p>
    );
  }
  if (!field || !who) {
    return (
      <form
        className="actions actions--name"
        onSubmit={(e) => {
          e.preventDefault();
          if (!typedName.trim()) return;
          rememberActor(typedName);
          setActor(actorField(session));
        }}
      >
        <label>
          Your name (kept on this browser, written into the audit trail){' '}
          <input
            value={typedName}
            onChange={(e) => setTypedName(e.target.value)}
            data-testid="actor-name"
            required
          />
        </label>
        <button type="submit">Save</button>
      </form>
    );
  }

  const act = async (action: AlertAction, body: Record<string, unknown>) => {
    setBusy(true);
    setMessage(null);
    try {
      const next = await postAlertAction(a.id, action, { ...field, ...body });
      alertStore.upsert(next);
      // the note went with this action: start the next one empty
      if ('note' in body || 'reason' in body || 'resolution' in body) setNote('');
      onDone();
    } catch (err) {
      const e = err as ActionError;
      setMessage(
        e.status === 409
          ? `Not done: ${e.message}`
          : e.status === 400
            ? `Not done: ${e.message}`
            : `Failed: ${e.message}`,
      );
      if (e.status === 409) onDone();
    } finally {
      setBusy(false);
    }
  };
  const text = note.trim();
  const annunciated = a.isa_state === 'B' || a.isa_state === 'D' || a.isa_state === 'E';
  return (
    <div className="actions" data-testid="actions">
      <div className="actions__row">
        <button
          type="button"
          disabled={busy || a.acked || !annunciated}
          onClick={() => void act('ack', { version: a.version, ...(text ? { note: text } : {}) })}
          data-testid="action-ack"
        >
          ✓ Acknowledge
        </button>
        <input
          value={assignee}
          onChange={(e) => setAssignee(e.target.value)}
          placeholder={who}
          aria-label="Assign to"
          className="actions__assignee"
        />
        <button
          type="button"
          disabled={busy || a.isa_state === 'A'}
          onClick={() =>
            void act('assign', { version: a.version, assignee: assignee.trim() || who })
          }
          data-testid="action-assign"
        >
          Assign
        </button>
        {a.isa_state === 'F' && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void act('unshelve', { version: a.version })}
            data-testid="action-unshelve"
          >
            Unshelve
          </button>
        )}
      </div>
      <textarea
        value={note}
        onChange={(e) => setNote(e.target.value)}
        placeholder="Comment, shelve reason or resolution"
        rows={2}
        aria-label="Note"
        data-testid="action-note"
      />
      <div className="actions__row">
        <button
          type="button"
          disabled={busy || !text}
          onClick={() => void act('comment', { note: text })}
          data-testid="action-comment"
        >
          Comment
        </button>
        <select
          value={shelveFor}
          onChange={(e) => setShelveFor(Number(e.target.value))}
          aria-label="Shelve for"
        >
          {SHELVE_CHOICES.map((c) => (
            <option key={c.s} value={c.s}>
              {c.label}
            </option>
          ))}
        </select>
        <button
          type="button"
          disabled={busy || !text || a.isa_state === 'F'}
          title="Shelving needs a reason in the note"
          onClick={() =>
            void act(
              'shelve',
              shelveFor === 0
                ? { version: a.version, kind: 'one_shot', reason: text }
                : { version: a.version, kind: 'timed', duration_s: shelveFor, reason: text },
            )
          }
          data-testid="action-shelve"
        >
          Shelve
        </button>
        <button
          type="button"
          disabled={busy || !text || a.active}
          title={a.active ? 'Only a normal condition can be resolved' : 'Resolution in the note'}
          onClick={() => void act('resolve', { version: a.version, resolution: text })}
          data-testid="action-resolve"
        >
          Resolve
        </button>
      </div>
      <p className="actions__who muted">
        acting as <strong>{who}</strong>
        {!signedIn && (
          <>
            {' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                rememberActor(null);
                setActor(null);
              }}
            >
              change
            </button>
          </>
        )}
      </p>
      {message && (
        <p className="actions__message" role="alert" data-testid="action-message">
          {message}
        </p>
      )}
    </div>
  );
}
