import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '@ct/contracts';
import { alertStore } from '../store/alert-store';
import type { NetworkData } from '../store/network-store';
import { sceneStore } from '../store/scene-store';
import { onFlyRequest, onOverviewRequest, type FlyRequest } from '../store/view-store';
import { WallDirector } from './director';

// two pumps, at site (100, 200, 0) and (900, 50, 0)
const data = {
  meta: { equipment: { id: ['p1', 'p2'], tag: ['P-1', 'P-2'] }, segments: { id: [] } },
  geometry: { equipment: new Float32Array([100, 200, 0, 900, 50, 0]) },
} as unknown as NetworkData;

let version = 1;
function alert(id: number, source: string, patch: Partial<Alert> = {}): Alert {
  return {
    id,
    company_id: 'c1',
    area_id: 'area-1',
    kind: 'equipment_anomaly',
    source_type: 'equipment',
    source_id: source,
    incident: false,
    severity: 'high',
    title: `${source} abnormal`,
    detail: {},
    isa_state: 'B',
    active: true,
    acked: false,
    shelving: 'unshelved',
    shelved_until: null,
    suppressed: false,
    out_of_service: false,
    assignee: null,
    raised_at: 1000 + id,
    cleared_at: null,
    updated_at: 1000 + id,
    version: version++,
    latched: false,
    latching: false,
    ...patch,
  };
}
const change = (action: string, a: Alert) =>
  alertStore.apply({ t: Date.now(), action, actor: 'test', note: null, alert: a });

describe('the wall director', () => {
  let flights: (FlyRequest | 'overview')[];
  let stops: (() => void)[];
  let director: WallDirector;

  beforeEach(() => {
    vi.useFakeTimers();
    alertStore.replaceOpen([]);
    flights = [];
    stops = [
      onFlyRequest((r) => flights.push(r)),
      onOverviewRequest(() => flights.push('overview')),
    ];
    director = new WallDirector(data, { holdNewMs: 1000, stepMs: 500 });
    director.start();
  });

  afterEach(() => {
    director.stop();
    stops.forEach((f) => f());
    vi.useRealTimers();
  });

  it('stays on the overview while all is normal', () => {
    expect(director.shown).toBeNull();
    vi.advanceTimersByTime(2000);
    expect(director.shown).toBeNull();
    expect(flights.every((f) => f === 'overview')).toBe(true);
  });

  it('flies to a new alert at once, holds it, then tours the overview and each incident', () => {
    const a1 = alert(1, 'p1');
    change('raise', a1);
    expect(director.shown).toBe(1);
    expect(sceneStore.getState().focusAlertId).toBe(1);
    // site (100, 200, 0) -> three (100, 0, -200)
    expect(flights.at(-1)).toMatchObject({ x: 100, y: 0, z: -200 });

    vi.advanceTimersByTime(999);
    expect(director.shown).toBe(1);
    const a2 = alert(2, 'p2', { severity: 'critical' });
    change('raise', a2);
    expect(director.shown).toBe(2);
    expect(flights.at(-1)).toMatchObject({ x: 900, z: -50 });

    // after the hold: the tour goes on from the new alert (critical first, then high), then wraps
    vi.advanceTimersByTime(1000);
    expect(director.shown).toBe(1);
    vi.advanceTimersByTime(500);
    expect(director.shown).toBeNull();
    expect(flights.at(-1)).toBe('overview');
    vi.advanceTimersByTime(500);
    expect(director.shown).toBe(2);
  });

  it('keeps an acknowledged incident in the tour and drops a shelved or closed one at once', () => {
    change('raise', alert(1, 'p1'));
    change('ack', alert(1, 'p1', { isa_state: 'C', acked: true }));
    expect(director.shown).toBe(1);
    change('shelve', alert(1, 'p1', { isa_state: 'F', acked: true, shelving: 'timed' }));
    expect(director.shown).toBeNull();
    change('raise', alert(3, 'p2'));
    expect(director.shown).toBe(3);
    change('resolve', alert(3, 'p2', { isa_state: 'A', active: false, acked: true }));
    expect(director.shown).toBeNull();
    expect(sceneStore.getState().focusAlertId).toBeNull();
  });

  it('during an area’s flood lets its low and medium alerts join the tour without taking the wall', () => {
    alertStore.setFloods([{ area_id: 'area-1', in_flood: true, window_count: 12, flood: null }]);
    change('raise', alert(4, 'p1', { severity: 'low' }));
    expect(director.shown).toBeNull();
    change('raise', alert(5, 'p2', { severity: 'critical' }));
    expect(director.shown).toBe(5);
    alertStore.setFloods([]);
  });

  it('a role without the live feed (polled alerts): a new alert read by the poll takes the wall too', () => {
    const a6 = alert(6, 'p1', { isa_state: 'C', acked: true });
    alertStore.replaceOpen([a6]);
    expect(director.shown).toBeNull();
    const seen: string[] = [];
    const stop = alertStore.onChange((c) => seen.push(`${c.action} ${c.alert.id}`));
    const a7 = alert(7, 'p2', { severity: 'critical' });
    alertStore.sync([a6, a7]);
    expect(director.shown).toBe(7);
    // a later read: 7 acknowledged (a higher version), 6 closed
    alertStore.sync([{ ...a7, isa_state: 'C', acked: true, version: a7.version + 1 }]);
    stop();
    expect(seen).toEqual(['raise 7', 'update 7']);
    expect([...alertStore.getState().open.keys()]).toEqual([7]);
  });
});
