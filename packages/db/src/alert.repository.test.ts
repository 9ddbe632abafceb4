import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlant } from '@ct/plant';
import {
  actOnAlert,
  clearAlert,
  expireShelves,
  getAlert,
  listAlertAreas,
  listAlertEvents,
  listAlerts,
  listAnnunciations,
  raiseAlert,
  type RaiseInput,
} from './alert.repository';
import { migrate } from './migrate';
import { loadPlant } from './plant.repository';
import { createTestDatabase, type TestDatabase } from './testing';

describe('alerts raised and cleared by a detector', () => {
  let db: TestDatabase;
  let base: RaiseInput;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.sql, { storage: 'postgres' });
    const plant = generatePlant({ seed: 5, size: 'small' });
    await loadPlant(db.sql, plant);
    const pump = plant.equipment.find((e) => e.kind === 'pump')!;
    base = {
      companyId: pump.companyId,
      areaId: pump.areaId,
      kind: 'equipment_anomaly',
      sourceType: 'equipment',
      sourceId: pump.id,
      severity: 'medium',
      title: `${pump.tag}: abnormal behaviour`,
      detail: { score: 0.93 },
      atMs: Date.UTC(2026, 10, 20, 12),
      actor: 'detector',
    };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('opens an unacknowledged alert (B) and records who raised it', async () => {
    const a = await raiseAlert(db.sql, base);
    expect(a).toMatchObject({ isa_state: 'B', active: true, acked: false, version: 1 });
    const again = await raiseAlert(db.sql, {
      ...base,
      atMs: base.atMs + 5000,
      detail: { score: 0.97 },
    });
    expect(again.id).toBe(a.id);
    expect(again.detail).toEqual({ score: 0.97 });
    const events = await listAlertEvents(db.sql, a.id);
    expect(events.map((e) => [e.action, e.from_state, e.to_state, e.actor])).toEqual([
      ['raise', 'A', 'B', 'detector'],
    ]);
  });

  it('goes to D when the condition clears unacknowledged, and back to B when it returns', async () => {
    const d = await clearAlert(
      db.sql,
      'equipment_anomaly',
      'equipment',
      base.sourceId,
      base.atMs + 60_000,
      'detector',
    );
    expect(d?.isa_state).toBe('D');
    const b = await raiseAlert(db.sql, { ...base, atMs: base.atMs + 90_000 });
    expect(b.isa_state).toBe('B');
    expect(b.id).toBe(d!.id);
    const events = await listAlertEvents(db.sql, b.id);
    expect(events.map((e) => e.action)).toEqual(['raise', 'clear', 'activate']);
    expect(b.version).toBeGreaterThan(d!.version);
  });

  it('keeps the audit trail append-only', async () => {
    await expect(db.sql`update alert_event set actor = 'someone else'`).rejects.toThrow(
      /append-only/,
    );
    await expect(db.sql`delete from alert_event`).rejects.toThrow(/append-only/);
  });

  it('opens a new alert once the previous one is back to normal and acknowledged', async () => {
    const [open] = await listAlerts(db.sql, { sourceId: base.sourceId, open: true, limit: 10 });
    await db.sql`update alert set acked = true, isa_state = 'C' where id = ${open!.id}`;
    const closed = await clearAlert(
      db.sql,
      'equipment_anomaly',
      'equipment',
      base.sourceId,
      base.atMs + 120_000,
      'detector',
    );
    expect(closed?.isa_state).toBe('A');
    const fresh = await raiseAlert(db.sql, { ...base, atMs: base.atMs + 180_000 });
    expect(fresh.id).not.toBe(open!.id);
    expect(await listAlerts(db.sql, { sourceId: base.sourceId, limit: 10 })).toHaveLength(2);
  });
});

describe('operator actions on alerts', () => {
  let db: TestDatabase;
  let base: RaiseInput;
  let seq = 0;
  const t0 = Date.UTC(2026, 10, 21, 8);
  /** A fresh alert on its own source, in state B. */
  const fresh = (over: Partial<RaiseInput> = {}) =>
    raiseAlert(db.sql, { ...base, sourceId: `${base.sourceId}`, kind: `test_${++seq}`, ...over });

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.sql, { storage: 'postgres' });
    const plant = generatePlant({ seed: 5, size: 'small' });
    await loadPlant(db.sql, plant);
    const seg = plant.segments[0]!;
    base = {
      companyId: seg.companyId,
      areaId: plant.companies.find((c) => c.id === seg.companyId)!.areaId,
      kind: 'leak',
      sourceType: 'segment',
      sourceId: seg.id,
      severity: 'critical',
      title: 'leak',
      detail: {},
      atMs: t0,
      actor: 'detector',
    };
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('acknowledges with the current version, refuses a stale one and changes nothing', async () => {
    const a = await fresh();
    const stale = await actOnAlert(db.sql, {
      id: a.id,
      action: 'ack',
      actor: 'ana',
      version: a.version + 1,
      atMs: t0 + 1000,
    });
    expect(stale).toMatchObject({ ok: false, reason: 'version_conflict' });
    const ok = await actOnAlert(db.sql, {
      id: a.id,
      action: 'ack',
      actor: 'ana',
      version: a.version,
      atMs: t0 + 2000,
      note: 'on it',
    });
    if (!ok.ok) throw new Error(ok.reason);
    expect(ok.alert).toMatchObject({ isa_state: 'C', acked: true, version: a.version + 1 });
    expect(ok.event).toMatchObject({ action: 'ack', actor: 'ana', from_state: 'B', to_state: 'C' });
    const events = await listAlertEvents(db.sql, a.id);
    expect(events.map((e) => [e.action, e.note])).toEqual([
      ['raise', null],
      ['ack', 'on it'],
    ]);
  });

  it('refuses an illegal transition with the reason and no event', async () => {
    const a = await fresh();
    const r = await actOnAlert(db.sql, {
      id: a.id,
      action: 'resolve',
      actor: 'ana',
      version: a.version,
      atMs: t0,
      note: 'fixed',
    });
    expect(r).toMatchObject({ ok: false, reason: 'illegal' });
    if (r.ok || r.reason !== 'illegal') throw new Error('expected a refusal');
    expect(r.message).toMatch(/still abnormal/);
    expect(await listAlertEvents(db.sql, a.id)).toHaveLength(1);
    expect((await getAlert(db.sql, a.id))!.version).toBe(a.version);
    expect(
      await actOnAlert(db.sql, { id: 987654, action: 'ack', actor: 'x', version: 1, atMs: t0 }),
    ).toEqual({ ok: false, reason: 'not_found' });
  });

  it('lets exactly one of two concurrent actions on the same version win', async () => {
    const a = await fresh();
    const act = (actor: string) =>
      actOnAlert(db.sql, { id: a.id, action: 'ack', actor, version: a.version, atMs: t0 });
    const results = await Promise.all([act('ana'), act('ben')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'version_conflict')).toHaveLength(1);
    expect((await listAlertEvents(db.sql, a.id)).map((e) => e.action)).toEqual(['raise', 'ack']);
  });

  it('records assignment (with the previous assignee) and comments without a state change', async () => {
    const a = await fresh();
    const as = await actOnAlert(db.sql, {
      id: a.id,
      action: 'assign',
      actor: 'ana',
      version: a.version,
      atMs: t0,
      assignee: 'ben',
    });
    if (!as.ok) throw new Error(as.reason);
    expect(as.alert).toMatchObject({ assignee: 'ben', isa_state: 'B', version: a.version + 1 });
    expect(as.event.detail).toEqual({ assignee: 'ben', previous: null });
    const c = await actOnAlert(db.sql, {
      id: a.id,
      action: 'comment',
      actor: 'ben',
      version: null,
      atMs: t0 + 1,
      note: 'valve V-12 closed',
    });
    if (!c.ok) throw new Error(c.reason);
    // a comment does not bump the version, so it never makes someone else's action stale
    expect(c.alert.version).toBe(as.alert.version);
    expect(c.event).toMatchObject({ action: 'comment', from_state: 'B', to_state: 'B' });
  });

  it('shelves for a time, and the sweep ends it and re-evaluates (B if still abnormal)', async () => {
    const a = await fresh();
    const sh = await actOnAlert(db.sql, {
      id: a.id,
      action: 'shelve',
      actor: 'ana',
      version: a.version,
      atMs: t0,
      note: 'known, crew on site',
      shelve: { kind: 'timed', untilMs: t0 + 600_000, maxMs: 8 * 3_600_000 },
    });
    if (!sh.ok) throw new Error(sh.reason);
    expect(sh.alert).toMatchObject({ isa_state: 'F', shelving: 'timed' });
    expect(sh.alert.shelved_until?.getTime()).toBe(t0 + 600_000);
    expect(await expireShelves(db.sql, t0 + 599_999)).toEqual([]);
    const swept = await expireShelves(db.sql, t0 + 600_000);
    expect(
      swept.map((s) => [s.alert.id, s.alert.isa_state, s.event.action, s.event.actor]),
    ).toEqual([[a.id, 'B', 'shelve_expired', 'system']]);
    expect(await expireShelves(db.sql, t0 + 700_000)).toEqual([]);
  });

  it('latches a latching alert on clearing (E) until an operator resolves it', async () => {
    const a = await fresh({ latching: true });
    const e = await clearAlert(db.sql, a.kind, 'segment', a.source_id, t0 + 10_000, 'detector');
    expect(e).toMatchObject({ isa_state: 'E', latched: true, latching: true });
    const r = await actOnAlert(db.sql, {
      id: a.id,
      action: 'resolve',
      actor: 'ana',
      version: e!.version,
      atMs: t0 + 20_000,
      note: 'clamp fitted, line re-pressurised',
    });
    if (!r.ok) throw new Error(r.reason);
    expect(r.alert.isa_state).toBe('A');
    expect(r.event).toMatchObject({
      from_state: 'E',
      to_state: 'A',
      note: 'clamp fitted, line re-pressurised',
    });
  });

  it('notes chattering on the third activation within a minute', async () => {
    const kind = `test_${++seq}`;
    await fresh({ kind });
    await clearAlert(db.sql, kind, 'segment', base.sourceId, t0 + 10_000, 'detector');
    await raiseAlert(db.sql, { ...base, kind, atMs: t0 + 20_000 });
    await clearAlert(db.sql, kind, 'segment', base.sourceId, t0 + 30_000, 'detector');
    const a = await raiseAlert(db.sql, { ...base, kind, atMs: t0 + 40_000 });
    const events = await listAlertEvents(db.sql, a.id);
    expect(events.map((e) => [e.action, e.note])).toEqual([
      ['raise', null],
      ['clear', null],
      ['activate', null],
      ['clear', null],
      ['activate', 'chattering: 3 activations within 60 s'],
    ]);
  });

  it('filters the list by state, severity, company, area and time, and lists annunciations', async () => {
    const kind = `test_${++seq}`;
    const a = await fresh({ kind, severity: 'low', atMs: t0 + 3_600_000 });
    const f = { kind, limit: 10 };
    expect((await listAlerts(db.sql, { ...f, states: ['B'] })).map((r) => r.id)).toEqual([a.id]);
    expect(await listAlerts(db.sql, { ...f, states: ['C', 'D'] })).toEqual([]);
    expect(await listAlerts(db.sql, { ...f, severities: ['high'] })).toEqual([]);
    expect(await listAlerts(db.sql, { ...f, companyId: base.companyId })).toHaveLength(1);
    expect(await listAlerts(db.sql, { ...f, companyId: 'nobody' })).toEqual([]);
    expect(await listAlerts(db.sql, { ...f, areaId: base.areaId! })).toHaveLength(1);
    expect(await listAlerts(db.sql, { ...f, fromMs: t0 + 3_600_001 })).toEqual([]);
    expect(await listAlerts(db.sql, { ...f, toMs: t0 + 3_600_001 })).toHaveLength(1);
    expect(await listAlerts(db.sql, { ...f, toMs: t0 + 3_600_000 })).toEqual([]);
    const ann = await listAnnunciations(db.sql, t0 + 3_600_000);
    expect(ann).toEqual([
      {
        area_id: base.areaId,
        time: new Date(t0 + 3_600_000),
        company_id: base.companyId,
        incident: expect.any(Boolean),
      },
    ]);
    expect((await listAlertAreas(db.sql)).length).toBeGreaterThan(0);
  });
});
