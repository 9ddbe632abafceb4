import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTEGRITY_TABLES_V1, assessSegmentCondition } from '@ct/analytics';
import {
  generateInspectionHistory,
  generatePlant,
  substanceById,
  type PlantModel,
} from '@ct/plant';
import {
  getConditionDetail,
  loadInspectionHistory,
  pipeConditionState,
  recomputeConditions,
  searchConditions,
} from './integrity.repository';
import { migrate } from './migrate';
import { loadPlant } from './plant.repository';
import { createTestDatabase, type TestDatabase } from './testing';

const AS_OF = Date.UTC(2026, 5, 1);
const TODAY = '2026-06-01';

describe('stored pipe conditions', () => {
  let db: TestDatabase;
  let plant: PlantModel;

  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 4, size: 'small' });
    await loadPlant(db.sql, plant);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('loads the generated history and assesses every segment', async () => {
    const history = generateInspectionHistory(plant, { seed: 4 });
    const loaded = await loadInspectionHistory(db.sql, history);
    expect(loaded.readings).toBe(history.readings.date.length);
    expect(await recomputeConditions(db.sql, { asOfMs: AS_OF })).toEqual({
      segments: plant.segments.length,
    });
    expect(await pipeConditionState(db.sql)).toEqual({
      segments: plant.segments.length,
      cmls: history.cmls.cml.length,
      readings: history.readings.date.length,
      conditions: plant.segments.length,
      staleConditions: 0,
    });
  });

  it('stores what the analytics compute from the same readings', async () => {
    const seg = plant.segments.find((s) => s.lengthM > 90)!;
    const d = (await getConditionDetail(db.sql, seg.id, TODAY, { nowMs: AS_OF }))!;
    const sub = substanceById(seg.substanceId);
    const expected = assessSegmentCondition(
      {
        segmentId: seg.id,
        design: {
          outsideDiameterMm: seg.diameterMm,
          designPressureKpa: seg.designPressureKpa,
          designTempC: seg.designTempC,
          material: seg.material,
          corrosionAllowanceMm: seg.corrosionAllowanceMm,
          wallMm: seg.wallMm,
          lengthM: seg.lengthM,
          installYear: seg.installYear,
          pipingClass: seg.pipingClass,
        },
        fluid: {
          name: sub.name,
          toxic: sub.toxic || sub.toxicComponent !== null,
          flammable: sub.flammable,
          densityKgM3: sub.densityKgM3,
        },
        cmls: d.cmls.map((c) => ({
          cml: c.cml,
          readings: c.readings.map((r) => ({
            timeMs: Date.parse(r.date),
            thickness: r.thickness_mm,
          })),
        })),
        nearbyCompanies: d.computed.consequence.nearbyCompanies,
      },
      AS_OF,
      INTEGRITY_TABLES_V1,
    );
    const s = d.stored!;
    expect(s.t_required_mm).toBeCloseTo(expected.required.retirementMm, 12);
    expect(s.remaining_life_y).toBeCloseTo(expected.remainingLifeY, 9);
    expect(s.next_inspection).toBe(new Date(expected.nextInspectionMs).toISOString().slice(0, 10));
    expect(`${s.probability_category}${s.consequence_category}`).toBe(expected.risk.cell);
    expect(s.flags).toEqual(expected.flags);
    expect(d.computed.probability.drivers).toEqual(expected.probability.drivers);
    expect(d.computed.risk).toEqual(expected.risk);
  });

  it('recomputes only the segments it is given', async () => {
    const ids = plant.segments.slice(0, 3).map((s) => s.id);
    const later = AS_OF + 86_400_000;
    expect(await recomputeConditions(db.sql, { segmentIds: ids, asOfMs: later })).toEqual({
      segments: 3,
    });
    const rows = await db.sql<{ segment_id: string }[]>`
      select segment_id from segment_condition where assessed_at = ${new Date(later)} order by segment_id`;
    expect(rows.map((r) => r.segment_id)).toEqual([...ids].sort());
  });

  it('filters risk levels and cells through the risk rank exactly as through the columns', async () => {
    const filter = {
      today: TODAY,
      riskLevel: ['medium', 'medium_high'],
      consequence: ['A', 'B', 'C'],
    };
    const got = await searchConditions(db.sql, {
      filter,
      sort: 'id',
      order: 'asc',
      limit: 1000,
      offset: 0,
    });
    const want = await db.sql<{ segment_id: string }[]>`
      select segment_id from segment_condition
      where risk_level in ('medium', 'medium_high') and consequence_category in ('A', 'B', 'C')
      order by segment_id`;
    expect(got.items.map((i) => i.segment_id)).toEqual(want.map((r) => r.segment_id));
    expect(got.total).toBe(want.length);
    expect(want.length).toBeGreaterThan(0);
  });

  it('rebuilds the table for a large rewrite with the same indexes, and searches keep working', async () => {
    const indexes = async () =>
      (
        await db.sql<{ indexname: string; indexdef: string }[]>`
          select indexname, indexdef from pg_indexes where tablename = 'segment_condition'
          order by indexname`
      ).map((r) => `${r.indexname}: ${r.indexdef}`);
    const before = await indexes();
    const search = () =>
      searchConditions(db.sql, {
        filter: { today: TODAY, remainingLifeMax: 30 },
        sort: 'remaining_life',
        order: 'asc',
        limit: 20,
        offset: 0,
      });
    const first = await search();
    const timings: Record<string, number> = {};
    await db.sql.begin((tx) => recomputeConditions(tx, { asOfMs: AS_OF, timings }));
    expect(timings.recompute_index).toBeGreaterThan(0);
    expect(await indexes()).toEqual(before);
    expect(before.length).toBeGreaterThanOrEqual(10);
    expect((await search()).items.map((i) => i.segment_id)).toEqual(
      first.items.map((i) => i.segment_id),
    );
    expect((await pipeConditionState(db.sql)).conditions).toBe(plant.segments.length);
  });
});
