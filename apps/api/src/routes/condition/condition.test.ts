import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type {
  ConditionDetail,
  ConditionListItem,
  ConditionSearchResponse,
  ConditionSummaryResponse,
  InspectionImportReport,
} from '@ct/contracts';
import {
  SensorDirectory,
  createTestDatabase,
  loadInspectionHistory,
  loadPlant,
  migrate,
  recomputeConditions,
  type TestDatabase,
} from '@ct/db';
import { generateInspectionHistory, generatePlant, type PlantModel } from '@ct/plant';
import { buildApp } from '../../app';
import { signIn, type SignedIn } from '../../test-support';
import { LiveHub } from '../../live/live-hub';

const SEARCH = '/api/condition/segments';

describe('pipe condition through the api on a small generated complex', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  /** A plant engineer (the test pool is the owner: every company's pipes are searched). */
  let api: SignedIn;
  let plant: PlantModel;
  /** Every segment's condition, read once through the api. */
  let all: ConditionListItem[];

  const search = async (qs: string) => {
    const res = await api.inject(`${SEARCH}?${qs}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<ConditionSearchResponse>();
  };
  const ids = (items: ConditionListItem[]) => items.map((i) => i.segment_id);
  const post = (csv: string, qs = '') =>
    api.inject({
      method: 'POST',
      url: `/api/condition/inspections${qs ? `?${qs}` : ''}`,
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
  const count = async () =>
    Number((await db.sql<{ n: number }[]>`select count(*)::int as n from inspection`)[0]!.n);

  beforeAll(async () => {
    db = await createTestDatabase();
    const { storage } = await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 11, size: 'small' });
    await loadPlant(db.sql, plant);
    await loadInspectionHistory(db.sql, generateInspectionHistory(plant, { seed: 11 }));
    await recomputeConditions(db.sql, { asOfMs: Date.now() });
    const live = new LiveHub({
      mqttUrl: 'mqtt://127.0.0.1:1',
      clientId: 'condition-test',
      sensors: new SensorDirectory(db.sql),
    });
    app = await buildApp({ sql: db.sql, live, storage, brokerUrl: 'mqtt://127.0.0.1:1' });
    api = await signIn(app, db.sql, {
      username: 'engineer',
      role: 'plant_engineer',
      companyId: plant.companies[0]!.id,
    });
    all = (await search('limit=1000')).items;
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('assesses every segment of the plant, riskiest first by default', async () => {
    const page = await search('limit=20');
    expect(page.total).toBe(plant.segments.length);
    expect(all).toHaveLength(plant.segments.length);
    const ranks = page.items.map((i) =>
      ['low', 'medium', 'medium_high', 'high'].indexOf(i.risk_level),
    );
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(page.items[0]!.risk_cell).toBe(
      `${page.items[0]!.probability_category}${page.items[0]!.consequence_category}`,
    );
  });

  it('filters by owner, line (id or tag), material and install years', async () => {
    const seg = plant.segments[40]!;
    const line = plant.lines.find((l) => l.id === seg.lineId)!;
    const byCompany = await search(`company=${seg.companyId}&limit=1000`);
    expect(ids(byCompany.items).sort()).toEqual(
      plant.segments
        .filter((s) => s.companyId === seg.companyId)
        .map((s) => s.id)
        .sort(),
    );
    const byTag = await search(`line=${encodeURIComponent(line.tag)}&sort=line&order=asc`);
    expect(ids(byTag.items)).toEqual(
      plant.segments
        .filter((s) => s.lineId === line.id)
        .sort((a, b) => a.order - b.order)
        .map((s) => s.id),
    );
    expect(ids((await search(`line=${line.id}&sort=line&order=asc`)).items)).toEqual(
      ids(byTag.items),
    );
    const cs = await search(
      'material=carbon_steel&install_year_min=1990&install_year_max=2005&limit=1000',
    );
    const expected = plant.segments.filter(
      (s) => s.material === 'carbon_steel' && s.installYear >= 1990 && s.installYear <= 2005,
    );
    expect(cs.total).toBe(expected.length);
    expect(cs.total).toBeGreaterThan(0);
    const class1 = await search(`piping_class=1&substance=${seg.substanceId},water&limit=1000`);
    expect(class1.total).toBe(
      plant.segments.filter(
        (s) =>
          s.pipingClass === 1 && (s.substanceId === seg.substanceId || s.substanceId === 'water'),
      ).length,
    );
  });

  it('filters by wall loss, corrosion rate, remaining life, next inspection and overdue', async () => {
    const loss = await search('wall_loss_min=10&limit=1000');
    expect(loss.total).toBe(all.filter((i) => (i.wall_loss_pct ?? -1) >= 10).length);
    expect(loss.items.every((i) => i.wall_loss_pct! >= 10)).toBe(true);
    const rate = await search('corrosion_rate_min=0.03&corrosion_rate_max=0.06&limit=1000');
    expect(rate.total).toBe(
      all.filter((i) => i.corrosion_rate_mm_y >= 0.03 && i.corrosion_rate_mm_y <= 0.06).length,
    );
    const short = await search('remaining_life_max=15&limit=1000');
    expect(short.total).toBe(
      all.filter((i) => i.remaining_life_y !== null && i.remaining_life_y <= 15).length,
    );
    const long = await search('remaining_life_min=40&limit=1000');
    // infinite remaining life (no measurable corrosion) counts as longer than any number
    expect(long.total).toBe(
      all.filter((i) => (i.remaining_life_y === null ? !i.ffs_required : i.remaining_life_y >= 40))
        .length,
    );
    const next = await search(
      'next_inspection_from=2027-01-01&next_inspection_to=2029-12-31&limit=1000',
    );
    expect(
      next.items.every(
        (i) => i.next_inspection >= '2027-01-01' && i.next_inspection <= '2029-12-31',
      ),
    ).toBe(true);
    expect(next.total).toBe(
      all.filter((i) => i.next_inspection >= '2027-01-01' && i.next_inspection <= '2029-12-31')
        .length,
    );
    const today = new Date().toISOString().slice(0, 10);
    const overdue = await search('overdue=true&limit=1000');
    expect(overdue.total).toBe(all.filter((i) => i.next_inspection < today).length);
    expect(overdue.total).toBeGreaterThan(0);
  });

  it('filters by risk level, cell and the fitness-for-service flag', async () => {
    const high = await search('risk=high,medium_high&limit=1000');
    expect(high.total).toBe(
      all.filter((i) => i.risk_level === 'high' || i.risk_level === 'medium_high').length,
    );
    const cell = await search('probability=4,5&consequence=C,D,E&limit=1000');
    expect(cell.total).toBe(
      all.filter(
        (i) => i.probability_category >= 4 && ['C', 'D', 'E'].includes(i.consequence_category),
      ).length,
    );
    const ffs = await search('ffs=true&limit=1000');
    expect(ffs.items.every((i) => i.ffs_required && i.t_actual_mm! < i.t_required_mm)).toBe(true);
    expect(ffs.total).toBe(all.filter((i) => i.ffs_required).length);
    const never = await search('flag=never_inspected&limit=1000');
    expect(never.items.every((i) => i.reading_count === 0 && i.last_inspection === null)).toBe(
      true,
    );
  });

  it('sorts by each key in both directions and pages without overlap', async () => {
    const key: Record<string, (i: ConditionListItem) => number | string> = {
      install_year: (i) => i.install_year,
      corrosion_rate: (i) => i.corrosion_rate_mm_y,
      remaining_life: (i) => i.remaining_life_y ?? Infinity,
      next_inspection: (i) => i.next_inspection,
      id: (i) => i.segment_id,
    };
    for (const [sort, f] of Object.entries(key)) {
      for (const order of ['asc', 'desc'] as const) {
        const got = (await search(`sort=${sort}&order=${order}&limit=1000`)).items.map(f);
        const want = [...got].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (order === 'desc') want.reverse();
        expect(got, `${sort} ${order}`).toEqual(want);
      }
    }
    const loss = (await search('sort=wall_loss&order=asc&limit=1000')).items;
    const known = loss.filter((i) => i.wall_loss_pct !== null).map((i) => i.wall_loss_pct!);
    expect(known).toEqual([...known].sort((a, b) => a - b));
    expect(loss.at(-1)!.wall_loss_pct).toBeNull();
    const p1 = await search('sort=remaining_life&order=asc&limit=30&offset=0');
    const p2 = await search('sort=remaining_life&order=asc&limit=30&offset=30');
    const whole = await search('sort=remaining_life&order=asc&limit=60');
    expect([...ids(p1.items), ...ids(p2.items)]).toEqual(ids(whole.items));
  });

  it('refuses unknown filters and bad values with a 400', async () => {
    expect((await api.inject(`${SEARCH}?colour=red`)).statusCode).toBe(400);
    expect((await api.inject(`${SEARCH}?risk=extreme`)).statusCode).toBe(400);
    expect((await api.inject(`${SEARCH}?next_inspection_from=2027-13-01`)).statusCode).toBe(400);
    expect((await api.inject(`${SEARCH}?sort=colour`)).json().code).toBe('CT_ERR_API_BAD_REQUEST');
  });

  it('opens one segment with every reading per CML and the figures they give', async () => {
    const item = all.find((i) => i.reading_count >= 4 && i.rate_basis === 'measured')!;
    const res = await api.inject(`${SEARCH}/${item.segment_id}`);
    expect(res.statusCode).toBe(200);
    const d = res.json<ConditionDetail>();
    expect(d.segment.id).toBe(item.segment_id);
    expect(d.required_thickness.retirement_mm).toBeCloseTo(item.t_required_mm, 9);
    expect(d.required_thickness.retirement_mm).toBe(
      Math.max(d.required_thickness.pressure_design_mm, d.required_thickness.structural_minimum_mm),
    );
    expect(d.cmls.reduce((n, c) => n + c.readings.length, 0)).toBe(item.reading_count);
    const gov = d.cmls.find((c) => c.cml === item.governing_cml)!;
    expect(gov.cr_lt_mm_y).toBeCloseTo(item.cr_lt_mm_y!, 9);
    const first = gov.readings[0]!;
    const last = gov.readings.at(-1)!;
    const years = (Date.parse(last.date) - Date.parse(first.date)) / (365.25 * 86_400_000);
    expect(gov.cr_lt_mm_y).toBeCloseTo((first.thickness_mm - last.thickness_mm) / years, 9);
    expect(d.condition!.next_inspection).toBe(item.next_inspection);
    expect(d.risk!.cell).toBe(item.risk_cell);
    expect(d.risk!.probability.drivers.length).toBeGreaterThan(0);
    expect(d.risk!.consequence.drivers.join(' ')).toMatch(/inventory/);
    expect((await api.inject(`${SEARCH}/no-such-segment`)).statusCode).toBe(404);
  });

  it('summarises per company: risk cells, levels and overdue counts add up to the search', async () => {
    const res = await api.inject('/api/condition/summary?by=company&limit=100');
    expect(res.statusCode).toBe(200);
    const s = res.json<ConditionSummaryResponse>();
    expect(s.total).toBe(new Set(plant.segments.map((x) => x.companyId)).size);
    const one = s.items[0]!;
    const mine = all.filter((i) => i.company_id === one.key);
    expect(one.segments).toBe(mine.length);
    expect(Object.values(one.cells).reduce((a, b) => a + b, 0)).toBe(mine.length);
    expect(Object.keys(one.cells)).toHaveLength(25);
    expect(one.cells['5E']).toBe(mine.filter((i) => i.risk_cell === '5E').length);
    expect(one.levels.high).toBe(mine.filter((i) => i.risk_level === 'high').length);
    expect(one.overdue).toBe(mine.filter((i) => i.overdue).length);
    expect(one.name).toBe(plant.companies.find((c) => c.id === one.key)!.name);
    const byArea = (
      await api.inject('/api/condition/summary?by=area&overdue=true')
    ).json<ConditionSummaryResponse>();
    expect(byArea.items.reduce((n, i) => n + i.segments, 0)).toBe(
      all.filter((i) => i.overdue).length,
    );
  });

  it('exports the filtered, sorted list as CSV', async () => {
    const res = await api.inject(
      `${SEARCH}.csv?material=carbon_steel&sort=remaining_life&order=asc`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.trim().split('\n');
    expect(lines[0]).toMatch(/^segment_id,line_tag,company_id/);
    const cs = await search('material=carbon_steel&sort=remaining_life&order=asc&limit=1000');
    expect(lines.length - 1).toBe(cs.total);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(ids(cs.items));
  });

  it('serves the versioned tables the conditions were computed with', async () => {
    const res = await api.inject('/api/condition/tables');
    expect(res.statusCode).toBe(200);
    const t = res.json();
    expect(t.version).toBe('ct-integrity-v1');
    expect(t.stale_segments).toBe(0);
    expect(t.risk.probabilityByPof).toEqual([3.06e-5, 3.06e-4, 3.06e-3, 3.06e-2]);
  });

  describe('inspection campaign import', () => {
    const target = () =>
      all.find((i) => i.reading_count >= 2 && !i.ffs_required && i.cml_count >= 2)!;

    it('reports every kind of bad input with its line and stores nothing', async () => {
      const t = target();
      const d = (await api.inject(`${SEARCH}/${t.segment_id}`)).json<ConditionDetail>();
      const [c1, c2] = d.cmls;
      const lastDate = c1!.readings.at(-1)!.date;
      const before = await count();
      const csv = [
        'segment_id,cml,date,thickness_mm,method,inspector',
        `${t.segment_id},${c1!.cml},2026-01-10,5.9,UT,A`,
        `${t.segment_id},${c1!.cml},2026-01-11,-3,UT,A`,
        `${t.segment_id},${c1!.cml},2099-01-01,5.9,UT,A`,
        `no-such-segment,CML-01,2026-01-10,5.9,UT,A`,
        `${t.segment_id},CML-99,2026-01-10,5.9,UT,A`,
        `${t.segment_id},${c2!.cml},2026-01-10,5.9,UT,A`,
        `${t.segment_id},${c2!.cml},2026-01-10,5.8,UT,A`,
        `${t.segment_id},${c1!.cml},2026-01-12,0.22,UT,A`,
        `${t.segment_id},${c1!.cml},2026-01-13,${(t.wall_mm * 3).toFixed(2)},UT,A`,
        `${t.segment_id},${c1!.cml},${lastDate},5.9,UT,A`,
      ].join('\n');
      const res = await post(csv);
      expect(res.statusCode).toBe(422);
      const body = res.json<{ code: string; report: InspectionImportReport }>();
      expect(body.code).toBe('CT_ERR_API_IMPORT_REJECTED');
      expect(body.report.errors.map((e) => [e.line, e.code])).toEqual([
        [3, 'thickness_not_positive'],
        [4, 'date_in_future'],
        [5, 'unknown_segment'],
        [6, 'unknown_cml'],
        [8, 'duplicate_row'],
        [9, 'unit_mismatch'],
        [10, 'thickness_impossible'],
        [11, 'already_imported'],
      ]);
      expect(body.report.stored).toBe(0);
      expect(await count()).toBe(before);
    });

    it('imports only the clean lines when asked to, and says which were left out', async () => {
      const t = target();
      const d = (await api.inject(`${SEARCH}/${t.segment_id}`)).json<ConditionDetail>();
      const before = await count();
      const csv = [
        'segment_id,cml,date,thickness_mm',
        `${t.segment_id},${d.cmls[0]!.cml},2026-02-01,${(d.cmls[0]!.t_actual_mm! - 0.05).toFixed(2)}`,
        `${t.segment_id},${d.cmls[0]!.cml},2026-02-02,abc`,
      ].join('\n');
      const dry = await post(csv, 'mode=clean_lines&dry_run=true');
      expect(dry.json<InspectionImportReport>()).toMatchObject({
        status: 'validated',
        stored: 0,
        rejected_lines: 1,
      });
      expect(await count()).toBe(before);
      const res = await post(csv, 'mode=clean_lines&campaign=test%20campaign');
      expect(res.statusCode).toBe(200);
      const report = res.json<InspectionImportReport>();
      expect(report).toMatchObject({
        status: 'imported',
        stored: 1,
        rejected_lines: 1,
        recomputed_segments: 1,
      });
      expect(report.errors).toEqual([expect.objectContaining({ line: 3, code: 'bad_number' })]);
      expect(await count()).toBe(before + 1);
    });

    it('recomputes the condition of a segment when new readings arrive', async () => {
      const t = target();
      const d = (await api.inject(`${SEARCH}/${t.segment_id}`)).json<ConditionDetail>();
      const before = (await search(`ffs=true&limit=1000`)).total;
      const cml = d.cmls.find((c) => c.readings.length > 0)!;
      const below = (d.required_thickness.retirement_mm * 0.9).toFixed(2);
      const res = await post(
        `segment_id,cml,date,thickness_mm\n${t.segment_id},${cml.cml},2026-03-01,${below}\n`,
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<InspectionImportReport>().recomputed_segments).toBe(1);
      const after = (await api.inject(`${SEARCH}/${t.segment_id}`)).json<ConditionDetail>();
      expect(after.condition!.ffs_required).toBe(true);
      expect(after.condition!.flags).toContain('ffs_required');
      expect(after.condition!.last_inspection).toBe('2026-03-01');
      expect(after.condition!.t_actual_mm).toBeCloseTo(Number(below), 9);
      expect(after.condition!.interval_basis).toBe('below_required');
      expect(after.risk!.probability.category).toBe(5);
      const ffs = await search('ffs=true&limit=1000');
      expect(ffs.total).toBe(before + 1);
      expect(ids(ffs.items)).toContain(t.segment_id);
    });

    it('registers new CMLs only when asked to', async () => {
      const t = target();
      const csv = `segment_id,cml,date,thickness_mm\n${t.segment_id},CML-NEW,2026-04-01,${t.wall_mm}\n`;
      expect((await post(csv)).statusCode).toBe(422);
      const res = await post(csv, 'allow_new_cmls=true');
      expect(res.json<InspectionImportReport>()).toMatchObject({
        status: 'imported',
        cmls_created: 1,
      });
      const d = (await api.inject(`${SEARCH}/${t.segment_id}`)).json<ConditionDetail>();
      expect(d.cmls.map((c) => c.cml)).toContain('CML-NEW');
    });

    it('refuses a file without the expected header on line 1', async () => {
      const res = await post('seg,cml,when,mm\nx,y,2024-01-01,5\n', 'mode=clean_lines');
      expect(res.statusCode).toBe(422);
      expect(res.json().report.errors[0]).toMatchObject({ line: 1, code: 'bad_header' });
    });
  });
});
