import { describe, expect, it } from 'vitest';
import {
  CHATTER,
  NORMAL,
  acknowledge,
  applyAction,
  isChattering,
  resolve,
  expireShelve,
  isaState,
  onCondition,
  reset,
  setOutOfService,
  setSuppressed,
  shelve,
  unshelve,
  type AlarmFlags,
  type Transition,
} from './alarm-state';

const ok = (t: Transition): AlarmFlags => {
  if (!t.ok) throw new Error(t.reason);
  return t.flags;
};

describe('ISA-18.2 states derived from independent flags', () => {
  it('walks A -> B -> C -> A for a condition acknowledged before it clears', () => {
    const b = onCondition(NORMAL, true);
    expect(isaState(b)).toBe('B');
    const c = ok(acknowledge(b));
    expect(isaState(c)).toBe('C');
    expect(isaState(onCondition(c, false))).toBe('A');
  });

  it('walks B -> D -> A when the condition clears before the acknowledgement', () => {
    const d = onCondition(onCondition(NORMAL, true), false);
    expect(isaState(d)).toBe('D');
    expect(isaState(ok(acknowledge(d)))).toBe('A');
  });

  it('returns D -> B when the condition comes back before anyone acknowledged', () => {
    const d = onCondition(onCondition(NORMAL, true), false);
    expect(isaState(onCondition(d, true))).toBe('B');
  });

  it('latches a latching alarm on clearing (B or C -> E) until reset (E -> A)', () => {
    const eFromB = onCondition(onCondition(NORMAL, true), false, true);
    expect(isaState(eFromB)).toBe('E');
    const eFromC = onCondition(ok(acknowledge(onCondition(NORMAL, true))), false, true);
    expect(isaState(eFromC)).toBe('E');
    expect(isaState(ok(reset(eFromC)))).toBe('A');
  });

  it('refuses the illegal operator actions and says why', () => {
    expect(acknowledge(NORMAL)).toEqual({
      ok: false,
      reason: 'the alarm is already acknowledged (state A)',
    });
    expect(reset(onCondition(NORMAL, true)).ok).toBe(false);
    const activeLatched: AlarmFlags = { ...NORMAL, active: true, latched: true };
    expect(reset(activeLatched)).toEqual({ ok: false, reason: 'the condition is still abnormal' });
    expect(unshelve(NORMAL).ok).toBe(false);
    expect(shelve(NORMAL, 'one_shot', 0, null, 3_600_000).ok).toBe(false);
  });

  it('shelves (F) for a bounded time and re-evaluates the condition when the shelve ends', () => {
    const b = onCondition(NORMAL, true);
    const now = 1_000_000;
    expect(shelve(b, 'timed', now, now + 10 * 3_600_000, 8 * 3_600_000)).toEqual({
      ok: false,
      reason: 'a shelve may last at most 480 minutes',
    });
    const f = ok(shelve(b, 'timed', now, now + 600_000, 8 * 3_600_000));
    expect(isaState(f)).toBe('F');
    expect(shelve(f, 'timed', now, now + 60_000, 8 * 3_600_000).ok).toBe(false);
    expect(expireShelve(f, now + 599_999)).toBe(f);
    const back = expireShelve(f, now + 600_000);
    expect(isaState(back)).toBe('B');
    const normalUnder = onCondition(f, false);
    expect(isaState(expireShelve(normalUnder, now + 600_000))).toBe('A');
  });

  it('ends a one-shot shelve when the alarm clears', () => {
    const f = ok(shelve(onCondition(NORMAL, true), 'one_shot', 0, null, 1));
    expect(isaState(f)).toBe('F');
    expect(isaState(onCondition(f, false))).toBe('D');
  });

  it('ranks out of service (H) over suppression (G) over shelving (F), returning to B or A', () => {
    const b = onCondition(NORMAL, true);
    const g = ok(setSuppressed(b, true));
    expect(isaState(g)).toBe('G');
    const h = ok(setOutOfService(g, true));
    expect(isaState(h)).toBe('H');
    expect(acknowledge(h).ok).toBe(false);
    const stillG = ok(setOutOfService(h, false));
    expect(isaState(stillG)).toBe('G');
    expect(isaState(ok(setSuppressed(stillG, false)))).toBe('B');
    expect(isaState(ok(setSuppressed(ok(setSuppressed(NORMAL, true)), false)))).toBe('A');
    expect(setSuppressed(NORMAL, false).ok).toBe(false);
  });
});

describe('the whole ISA-18.2 transition table, every state against every action', () => {
  const now = 1_000_000;
  const until = now + 600_000;
  const MAX = 8 * 3_600_000;
  const B: AlarmFlags = { ...NORMAL, active: true, acked: false };
  const timed = { shelving: 'timed' as const, shelvedUntil: until };
  // Each state, and the variants that behave differently (condition underneath, ack, shelve kind).
  const states: Record<string, AlarmFlags> = {
    A: NORMAL,
    B,
    C: { ...B, acked: true },
    D: { ...NORMAL, acked: false },
    'E unacked': { ...NORMAL, acked: false, latched: true },
    'E acked': { ...NORMAL, latched: true },
    'F timed, active': { ...B, ...timed },
    'F timed, normal': { ...NORMAL, ...timed },
    'F one-shot, active': { ...B, shelving: 'one_shot' },
    'G active': { ...B, suppressed: true },
    'G normal': { ...NORMAL, suppressed: true },
    'H active': { ...B, outOfService: true },
    'H normal': { ...NORMAL, outOfService: true },
  };
  const actions: Record<string, (f: AlarmFlags) => AlarmFlags | string> = {
    'cond+': (f) => onCondition(f, true),
    'cond-': (f) => onCondition(f, false),
    'cond- latching': (f) => onCondition(f, false, true),
    ack: (f) => result(applyAction(f, { kind: 'ack' })),
    reset: (f) => result(applyAction(f, { kind: 'reset' })),
    resolve: (f) => result(applyAction(f, { kind: 'resolve' })),
    assign: (f) => result(applyAction(f, { kind: 'assign' })),
    comment: (f) => result(applyAction(f, { kind: 'comment' })),
    'shelve timed': (f) =>
      result(
        applyAction(f, {
          kind: 'shelve',
          shelving: 'timed',
          nowMs: now,
          untilMs: until,
          maxMs: MAX,
        }),
      ),
    'shelve one-shot': (f) =>
      result(
        applyAction(f, {
          kind: 'shelve',
          shelving: 'one_shot',
          nowMs: now,
          untilMs: null,
          maxMs: MAX,
        }),
      ),
    unshelve: (f) => result(applyAction(f, { kind: 'unshelve' })),
    'shelve expires': (f) => expireShelve(f, until),
    suppress: (f) => result(applyAction(f, { kind: 'suppress', on: true })),
    unsuppress: (f) => result(applyAction(f, { kind: 'suppress', on: false })),
    'out of service': (f) => result(applyAction(f, { kind: 'out_of_service', on: true })),
    'in service': (f) => result(applyAction(f, { kind: 'out_of_service', on: false })),
  };
  function result(t: Transition): AlarmFlags | string {
    return t.ok ? t.flags : t.reason;
  }
  // The letter each action leads to, × where it is refused (columns in the order of `actions`).
  //                      c+   c-   cL   ack  rst  res  asg  com  shT  sh1  uns  exp  sup  uns  oos  ins
  // prettier-ignore
  const table: Record<string, string> = {
    A:                    'B    A    A    ×    ×    ×    ×    A    F    ×    ×    A    G    ×    H    ×',
    B:                    'B    D    E    C    ×    ×    B    B    F    F    ×    B    G    ×    H    ×',
    C:                    'C    A    E    ×    ×    ×    C    C    F    F    ×    C    G    ×    H    ×',
    D:                    'B    D    D    A    ×    A    D    D    F    ×    ×    D    G    ×    H    ×',
    'E unacked':          'B    E    E    E    A    A    E    E    F    ×    ×    E    G    ×    H    ×',
    'E acked':            'B    E    E    ×    A    A    E    E    F    ×    ×    E    G    ×    H    ×',
    'F timed, active':    'F    F    F    F    ×    ×    F    F    ×    ×    B    B    G    ×    H    ×',
    'F timed, normal':    'F    F    F    ×    ×    A    F    F    ×    ×    A    A    G    ×    H    ×',
    'F one-shot, active': 'F    D    E    F    ×    ×    F    F    ×    ×    B    F    G    ×    H    ×',
    'G active':           'G    G    G    G    ×    ×    G    G    ×    ×    ×    G    ×    B    H    ×',
    'G normal':           'G    G    G    ×    ×    ×    G    G    ×    ×    ×    G    ×    A    H    ×',
    'H active':           'H    H    H    ×    ×    ×    H    H    ×    ×    ×    H    H    ×    ×    B',
    'H normal':           'H    H    H    ×    ×    ×    H    H    ×    ×    ×    H    H    ×    ×    A',
  };

  it('starts each row from the state it names', () => {
    for (const [name, f] of Object.entries(states)) expect(isaState(f)).toBe(name[0]);
  });

  for (const [name, row] of Object.entries(table)) {
    it(`from ${name}: ${row.replace(/\s+/g, ' ')}`, () => {
      const expected = row.split(/\s+/);
      const got = Object.values(actions).map((act) => {
        const r = act(states[name]!);
        if (typeof r === 'string') {
          // a refusal always says why
          expect(r.length).toBeGreaterThan(10);
          return '×';
        }
        return isaState(r);
      });
      expect(Object.fromEntries(Object.keys(actions).map((k, i) => [k, got[i]]))).toEqual(
        Object.fromEntries(Object.keys(actions).map((k, i) => [k, expected[i]])),
      );
    });
  }

  it('says why resolve is refused while active and in A, and what resolve leaves behind', () => {
    expect(resolve(B)).toEqual({
      ok: false,
      reason: 'the condition is still abnormal (state B): only a normal condition can be resolved',
    });
    expect(resolve(NORMAL)).toEqual({ ok: false, reason: 'the alert is already closed (state A)' });
    const fromShelved = resolve(states['F timed, normal']!);
    expect(fromShelved).toEqual({ ok: true, flags: NORMAL });
  });

  it('counts three activations within a minute as chattering', () => {
    expect(CHATTER).toEqual({ activations: 3, windowMs: 60_000 });
    expect(isChattering([0, 20_000, 59_000], 59_000)).toBe(true);
    expect(isChattering([0, 20_000, 60_000], 60_000)).toBe(false);
    expect(isChattering([0, 20_000], 30_000)).toBe(false);
  });
});
