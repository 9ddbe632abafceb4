/**
 * Alarm states as independent flags, in the style of OPC UA Part 9 (Active, Acked, Shelving,
 * Suppressed, OutOfService, Latched), with the ISA-18.2 state letter derived for display and
 * audit (shared/domain/alarms-hmi.md, section 5.1; the letters A-H are marked [M, verify]).
 */

export type Shelving = 'unshelved' | 'timed' | 'one_shot';

export interface AlarmFlags {
  /** The abnormal condition is present now. */
  active: boolean;
  acked: boolean;
  /** A latching alarm whose condition has cleared and that waits for an operator reset. */
  latched: boolean;
  shelving: Shelving;
  /** Epoch ms when a timed shelve ends; null otherwise. */
  shelvedUntil: number | null;
  /** Suppressed by design (operating mode, first-out logic). */
  suppressed: boolean;
  /** Removed from service (maintenance, management of change). */
  outOfService: boolean;
}

/** ISA-18.2 states: A normal, B unacknowledged, C acknowledged, D returned unacknowledged, E latched, F shelved, G suppressed by design, H out of service. */
export type IsaState = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';

export const NORMAL: AlarmFlags = {
  active: false,
  acked: true,
  latched: false,
  shelving: 'unshelved',
  shelvedUntil: null,
  suppressed: false,
  outOfService: false,
};

/** The ISA-18.2 letter for a set of flags (removal from service outranks suppression, then shelving). */
export function isaState(f: AlarmFlags): IsaState {
  if (f.outOfService) return 'H';
  if (f.suppressed) return 'G';
  if (f.shelving !== 'unshelved') return 'F';
  if (f.latched) return 'E';
  if (f.active) return f.acked ? 'C' : 'B';
  return f.acked ? 'A' : 'D';
}

/** Whether the alarm is annunciated (shown and sounded) to the operator now. */
export function annunciated(f: AlarmFlags): boolean {
  const s = isaState(f);
  return s === 'B' || s === 'C' || s === 'D' || s === 'E';
}

export type Transition = { ok: true; flags: AlarmFlags } | { ok: false; reason: string };

/**
 * The process condition became abnormal (`true`) or normal (`false`), after the caller's
 * on-delay or off-delay. A new activation is unacknowledged (A->B, D->B). On clearing, a
 * latching alarm latches (B/C->E), a non-latching one returns to normal (C->A) or to D (B->D),
 * and a one-shot shelve ends (OPC UA Part 9: OneShotShelve clears when the alarm returns to
 * inactive). Shelving, suppression and removal keep evaluating the condition underneath.
 */
export function onCondition(f: AlarmFlags, abnormal: boolean, latching = false): AlarmFlags {
  if (abnormal === f.active) return f;
  if (abnormal) return { ...f, active: true, acked: false, latched: false };
  const next: AlarmFlags = { ...f, active: false, latched: latching };
  if (f.shelving === 'one_shot') {
    next.shelving = 'unshelved';
    next.shelvedUntil = null;
  }
  return next;
}

/** Operator acknowledgement: B->C, D->A; a latched alarm stays latched until reset. */
export function acknowledge(f: AlarmFlags): Transition {
  if (f.outOfService) return { ok: false, reason: 'the alarm is out of service' };
  if (f.acked)
    return { ok: false, reason: `the alarm is already acknowledged (state ${isaState(f)})` };
  return { ok: true, flags: { ...f, acked: true } };
}

/**
 * Resolve: an operator closes an alert whose condition is over, with a resolution note. Not an
 * ISA-18.2 transition of its own but the acknowledgement, reset and unshelve that bring a
 * normal condition back to A, done as one documented step: D->A, E->A, F (normal underneath)
 * ->A. Refused while the condition is abnormal (B, C, or F/G/H over an active condition), while
 * suppressed by design or out of service (their own logic returns them), and in A (closed).
 */
export function resolve(f: AlarmFlags): Transition {
  if (f.outOfService) return { ok: false, reason: 'the alarm is out of service' };
  if (f.suppressed) return { ok: false, reason: 'the alarm is suppressed by design' };
  if (f.active)
    return {
      ok: false,
      reason: `the condition is still abnormal (state ${isaState(f)}): only a normal condition can be resolved`,
    };
  if (isaState(f) === 'A') return { ok: false, reason: 'the alert is already closed (state A)' };
  return {
    ok: true,
    flags: { ...f, acked: true, latched: false, shelving: 'unshelved', shelvedUntil: null },
  };
}

/**
 * Assignment to a person changes no flag (it is audited all the same); a closed alert (A) has
 * nothing left to assign.
 */
export function assign(f: AlarmFlags): Transition {
  if (isaState(f) === 'A') return { ok: false, reason: 'the alert is closed (state A)' };
  return { ok: true, flags: f };
}

/** Operator reset of a latched alarm whose condition has cleared: E->A. */
export function reset(f: AlarmFlags): Transition {
  if (!f.latched)
    return { ok: false, reason: `only a latched alarm can be reset (state ${isaState(f)})` };
  if (f.active) return { ok: false, reason: 'the condition is still abnormal' };
  return { ok: true, flags: { ...f, latched: false, acked: true } };
}

/**
 * Shelve: timed (until `untilMs`, at most `maxMs` from `nowMs`) or one-shot (until the alarm
 * next clears). Shelving a removed or suppressed alarm, or shelving twice, is refused.
 */
export function shelve(
  f: AlarmFlags,
  kind: 'timed' | 'one_shot',
  nowMs: number,
  untilMs: number | null,
  maxMs: number,
): Transition {
  if (f.outOfService) return { ok: false, reason: 'the alarm is out of service' };
  if (f.suppressed) return { ok: false, reason: 'the alarm is suppressed by design' };
  if (f.shelving !== 'unshelved') return { ok: false, reason: 'the alarm is already shelved' };
  if (kind === 'one_shot' && !f.active) {
    return { ok: false, reason: 'a one-shot shelve needs an active alarm' };
  }
  if (kind === 'timed') {
    if (untilMs === null || untilMs <= nowMs)
      return { ok: false, reason: 'a timed shelve needs an end in the future' };
    if (untilMs - nowMs > maxMs) {
      return {
        ok: false,
        reason: `a shelve may last at most ${Math.round(maxMs / 60_000)} minutes`,
      };
    }
  }
  return {
    ok: true,
    flags: { ...f, shelving: kind, shelvedUntil: kind === 'timed' ? untilMs : null },
  };
}

/**
 * ISA-18.2: on return from shelved, suppressed or out of service the condition is evaluated
 * afresh: normal goes to A, abnormal to B (a new, unacknowledged annunciation).
 */
function reevaluated(f: AlarmFlags): AlarmFlags {
  if (f.outOfService || f.suppressed || f.shelving !== 'unshelved') return f;
  return f.active ? { ...f, acked: false, latched: false } : { ...f, acked: true, latched: false };
}

/** Unshelve by an operator. */
export function unshelve(f: AlarmFlags): Transition {
  if (f.shelving === 'unshelved') return { ok: false, reason: 'the alarm is not shelved' };
  return { ok: true, flags: reevaluated({ ...f, shelving: 'unshelved', shelvedUntil: null }) };
}

/** Ends a timed shelve whose time has come; otherwise returns the flags unchanged. */
export function expireShelve(f: AlarmFlags, nowMs: number): AlarmFlags {
  if (f.shelving === 'timed' && f.shelvedUntil !== null && nowMs >= f.shelvedUntil) {
    return reevaluated({ ...f, shelving: 'unshelved', shelvedUntil: null });
  }
  return f;
}

/** Suppression by design (operating-mode logic) on or off. */
export function setSuppressed(f: AlarmFlags, suppressed: boolean): Transition {
  if (f.suppressed === suppressed) {
    return { ok: false, reason: suppressed ? 'already suppressed' : 'not suppressed' };
  }
  return { ok: true, flags: suppressed ? { ...f, suppressed } : reevaluated({ ...f, suppressed }) };
}

/** Removal from service and return to service. */
export function setOutOfService(f: AlarmFlags, outOfService: boolean): Transition {
  if (f.outOfService === outOfService) {
    return { ok: false, reason: outOfService ? 'already out of service' : 'already in service' };
  }
  return {
    ok: true,
    flags: outOfService ? { ...f, outOfService } : reevaluated({ ...f, outOfService }),
  };
}

/** An operator or system action on an alert, as `applyAction` takes it. */
export type AlarmAction =
  | { kind: 'ack' }
  | { kind: 'reset' }
  | { kind: 'resolve' }
  | { kind: 'assign' }
  | { kind: 'comment' }
  | {
      kind: 'shelve';
      shelving: 'timed' | 'one_shot';
      nowMs: number;
      untilMs: number | null;
      maxMs: number;
    }
  | { kind: 'unshelve' }
  | { kind: 'suppress'; on: boolean }
  | { kind: 'out_of_service'; on: boolean };

/** One entry point for every action: the new flags, or a refusal with its reason. */
export function applyAction(f: AlarmFlags, a: AlarmAction): Transition {
  switch (a.kind) {
    case 'ack':
      return acknowledge(f);
    case 'reset':
      return reset(f);
    case 'resolve':
      return resolve(f);
    case 'assign':
      return assign(f);
    case 'comment':
      // a comment is allowed on any alert, closed ones included (post-incident notes)
      return { ok: true, flags: f };
    case 'shelve':
      return shelve(f, a.shelving, a.nowMs, a.untilMs, a.maxMs);
    case 'unshelve':
      return unshelve(f);
    case 'suppress':
      return setSuppressed(f, a.on);
    case 'out_of_service':
      return setOutOfService(f, a.on);
    default:
      return exhaustive(a);
  }
}

function exhaustive(x: never): never {
  throw new Error(`unhandled alarm action ${JSON.stringify(x)}`);
}

/** ISA-18.2 chattering: at least this many activations within the window (alarms-hmi.md 5.2). */
export const CHATTER = { activations: 3, windowMs: 60_000 } as const;

/**
 * Whether an alarm chatters: `CHATTER.activations` or more activations in the `CHATTER.windowMs`
 * ending at `nowMs` (epoch ms). The cure is the detector's on-delay, off-delay and deadband; the
 * alert model only records it.
 */
export function isChattering(activationTimesMs: readonly number[], nowMs: number): boolean {
  let n = 0;
  for (const t of activationTimesMs) if (t > nowMs - CHATTER.windowMs && t <= nowMs) n++;
  return n >= CHATTER.activations;
}
