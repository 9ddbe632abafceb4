import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { recoverable, type DisclosureCell } from '@ct/analytics';
import type { StatsResponse } from '@ct/contracts';
import {
  SensorDirectory,
  connect,
  createTestDatabase,
  loadInspectionHistory,
  loadPlant,
  migrate,
  queryStatsCells,
  recomputeConditions,
  type Sql,
  type TestDatabase,
} from '@ct/db';
import { generateInspectionHistory, generatePlant, type PlantModel } from '@ct/plant';
import { buildApp } from '../../app';
import { LiveHub } from '../../live/live-hub';
import { signIn } from '../../test-support';

const key = (c: { level: string; d1: string | null; d2: string | null }) =>
  `${c.level}|${c.d1 ?? ''}|${c.d2 ?? ''}`;

describe('anonymized complex-wide statistics', () => {
  let db: TestDatabase;
  let apiSql: Sql;
  let app: FastifyInstance;
  let plant: PlantModel;
  let n = 0;
  const user = async () =>
    signIn(app, db.sql, {
      username: `analyst-${++n}`,
      role: 'plant_engineer',
      companyId: plant.companies[n % plant.companies.length]!.id,
    });

  beforeAll(async () => {
    db = await createTestDatabase('ct_stats');
    const { storage } = await migrate(db.sql, { storage: 'postgres' });
    plant = generatePlant({ seed: 9, size: 'default' });
    await loadPlant(db.sql, plant);
    await loadInspectionHistory(db.sql, generateInspectionHistory(plant, { seed: 9 }));
    await recomputeConditions(db.sql, { asOfMs: Date.now() });
    apiSql = connect(db.urlAs('ct_api'), { max: 4 });
    const live = new LiveHub({
      mqttUrl: 'mqtt://127.0.0.1:1',
      clientId: 'stats-test',
      sensors: new SensorDirectory(db.sql),
    });
    app = await buildApp({ sql: apiSql, live, storage, brokerUrl: 'mqtt://127.0.0.1:1' });
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await apiSql?.end();
    await db?.drop();
  });

  it('publishes only cells of at least five companies, and none that the others give away', async () => {
    const res = await (await user()).inject('/api/stats/corrosion');
    expect(res.statusCode).toBe(200);
    const s = res.json<StatsResponse>();
    const published = s.cells.filter((c) => !c.suppressed);
    expect(published.length).toBeGreaterThan(3);
    expect(s.cells.some((c) => c.suppressed && c.reason === 'min_companies')).toBe(true);
    for (const c of published) expect(c.companies).toBeGreaterThanOrEqual(5);
    for (const c of s.cells.filter((x) => x.suppressed))
      expect([c.companies, c.weight, c.value]).toEqual([null, null, null]);
    // no suppressed cell can be solved for from the published cells and margins
    const cells: DisclosureCell[] = s.cells.map((c) => ({
      level: c.level,
      d1: c.d1,
      d2: c.d2,
      companies: c.companies,
      weight: c.weight,
      total: c.value,
      topWeightShare: null,
      topValueShare: null,
      contributors: null,
    }));
    const hidden = new Set(s.cells.flatMap((c, i) => (c.suppressed ? [i] : [])));
    expect(recoverable(cells, hidden)).toEqual([]);
    // the database holds back what the rules hold back: no figures for a one-company cell
    const raw = await queryStatsCells(db.sql, {
      dataset: 'corrosion',
      areas: null,
      yearMin: null,
      yearMax: null,
      fromMs: 0,
      toMs: Date.now(),
      minCompanies: 1,
      maxShare: 1,
    });
    for (const c of raw.filter((r) => r.sensitive)) expect(c.total).toBeNull();
    expect(raw.some((r) => r.sensitive)).toBe(true);
  });

  it('refuses to give one company away by differencing two overlapping queries', async () => {
    // As the owner: a filter (leave one area out) after which some cell, published both ways,
    // holds one to four companies fewer. The difference of the two would describe them.
    const all = await queryStatsCells(db.sql, {
      dataset: 'corrosion',
      areas: null,
      yearMin: null,
      yearMax: null,
      fromMs: 0,
      toMs: Date.now(),
      minCompanies: 5,
      maxShare: 0.6,
    });
    let attack: { areas: string[]; cell: string } | null = null;
    for (const left of plant.areas) {
      const areas = plant.areas.filter((a) => a.id !== left.id).map((a) => a.id);
      const part = await queryStatsCells(db.sql, {
        dataset: 'corrosion',
        areas,
        yearMin: null,
        yearMax: null,
        fromMs: 0,
        toMs: Date.now(),
        minCompanies: 5,
        maxShare: 0.6,
      });
      for (const c of part.filter((x) => !x.sensitive && x.grp === 0)) {
        const whole = all.find((w) => w.grp === 0 && w.d1 === c.d1 && w.d2 === c.d2);
        const diff = (whole?.companies ?? 0) - (c.companies ?? 0);
        if (whole && !whole.sensitive && diff >= 1 && diff <= 4) {
          attack = { areas, cell: key({ level: 'cell', d1: c.d1, d2: c.d2 }) };
          break;
        }
      }
      if (attack) break;
    }
    expect(attack, 'the generated complex offers a differencing attack').not.toBeNull();
    const { areas, cell } = attack!;

    // an honest user asking once gets the cell
    const honest = (await (await user()).inject('/api/stats/corrosion')).json<StatsResponse>();
    expect(honest.cells.find((c) => key(c) === cell)?.suppressed).toBe(false);

    // the attacker: first all areas but one, then all; the second answer hides the cell
    const attacker = await user();
    const first = (
      await attacker.inject(`/api/stats/corrosion?area=${areas.join(',')}`)
    ).json<StatsResponse>();
    const firstCell = first.cells.find((c) => key(c) === cell)!;
    expect(firstCell.suppressed).toBe(false);
    const second = (await attacker.inject('/api/stats/corrosion')).json<StatsResponse>();
    const secondCell = second.cells.find((c) => key(c) === cell)!;
    expect(secondCell).toMatchObject({ suppressed: true, reason: 'differencing', value: null });
    // nor is it recoverable from the second answer's margins
    const hidden = new Set(second.cells.flatMap((c, i) => (c.suppressed ? [i] : [])));
    const cells = second.cells.map((c) => ({
      level: c.level,
      d1: c.d1,
      d2: c.d2,
      companies: null,
      weight: null,
      total: null,
      topWeightShare: null,
      topValueShare: null,
      contributors: null,
    }));
    expect(recoverable(cells, hidden)).toEqual([]);

    // a colleague of the same company asking for the whole complex: the company's history
    const colleague = await signIn(app, db.sql, {
      username: `colleague-${n}`,
      role: 'plant_engineer',
      companyId: plant.companies[n % plant.companies.length]!.id,
    });
    const viaColleague = (await colleague.inject('/api/stats/corrosion')).json<StatsResponse>();
    expect(viaColleague.cells.find((c) => key(c) === cell)).toMatchObject({
      suppressed: true,
      reason: 'differencing',
    });

    // the other way round: the whole complex first, then all areas but one
    const other = await user();
    const whole = (await other.inject('/api/stats/corrosion')).json<StatsResponse>();
    expect(whole.cells.find((c) => key(c) === cell)?.suppressed).toBe(false);
    const part = (
      await other.inject(`/api/stats/corrosion?area=${areas.join(',')}`)
    ).json<StatsResponse>();
    expect(part.cells.find((c) => key(c) === cell)).toMatchObject({
      suppressed: true,
      reason: 'differencing',
    });
  });

  it('exports the same statistics as CSV, suppressed cells empty with their reason', async () => {
    const res = await (await user()).inject('/api/stats/corrosion.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.body.trim().split('\n');
    expect(lines[1]).toBe('level,material,fluid,companies,weight,value,suppressed,reason');
    expect(lines.some((l) => /,,,true,min_companies$/.test(l))).toBe(true);
    expect(lines.some((l) => /^cell,[^,]+,[^,]+,\d+,[\d.]+,[\d.]+,false,$/.test(l))).toBe(true);
  });
});
