import { describe, expect, it } from 'vitest';
import {
  NORMAL,
  acknowledge,
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
