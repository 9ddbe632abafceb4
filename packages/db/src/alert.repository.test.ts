import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlant } from '@ct/plant';
import {
  clearAlert,
  listAlertEvents,
  listAlerts,
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
