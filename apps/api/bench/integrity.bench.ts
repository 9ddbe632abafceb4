/**
 * `pnpm bench:integrity`: pipe condition at the scale of the `large` complex (about 98,000
 * segments). A child process loads the plant and its generated inspection history into a fresh
 * database, assesses every segment and writes an inspection campaign of 100,000 readings to a
 * file (so the api's heap holds no generated plant, as in service). Then, through the api
 * (Fastify `inject`, no socket): a mix of searches with every filter and sort, one-segment detail
 * views, summaries, a CSV export, and the import of the campaign (checked line by line, stored,
 * conditions recomputed, in one transaction). Progress goes to stderr; the last stdout line is
 * one JSON object.
 *
 * Since issue 6 every request is signed in and runs in a transaction scoped to its role and
 * company. The run is made twice: as before, through the schema owner (row security does not
 * bind it: every segment is searched, the figures compare with earlier runs), and as the api
 * runs, through its role `ct_api` under row-level security, as plant engineers of the ten
 * largest companies in turn (each sees its own company's segments), importing one company's
 * part of the campaign.
 *
 * Options (env): BENCH_SIZE (`large`), BENCH_SEED (1), BENCH_SEARCHES (1,000), BENCH_DETAILS
 * (300), BENCH_IMPORT_ROWS (100,000), BENCH_STORAGE (`postgres` or `timescaledb`),
 * TEST_DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import type { ConditionSearchResponse, InspectionImportReport } from '@ct/contracts';
import {
  SensorDirectory,
  connect,
  createUser,
  createTestDatabase,
  loadInspectionHistory,
  loadPlant,
  migrate,
  recomputeConditions,
} from '@ct/db';
import { generateInspectionHistory, generatePlant, type PlantSize } from '@ct/plant';
import { buildApp } from '../src/app';
import { hashPassword } from '../src/auth/passwords';
import { LiveHub } from '../src/live/live-hub';

const SIZE = (process.env.BENCH_SIZE ?? 'large') as PlantSize;
const SEED = Number(process.env.BENCH_SEED ?? 1);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 1000);
const DETAILS = Number(process.env.BENCH_DETAILS ?? 300);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const STORAGE = (process.env.BENCH_STORAGE ?? 'postgres') as 'postgres' | 'timescaledb';

const log = (...a: unknown[]) => console.error('[bench:integrity]', ...a);

/** A small seeded generator, so every run asks the same questions. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** What the setup child hands over. */
interface Setup {
  segments: number;
  cmls: number;
  history_readings: number;
  load_plant_s: number;
  load_history_s: number;
  assess_all_s: number;
  companies: string[];
  areas: string[];
  lines: { id: string; tag: string }[];
  segment_ids: string[];
  /** The company of each segment of `segment_ids`. */
  segment_company: string[];
  campaign_file: string;
  campaign_readings: number;
}

/** One campaign: the next reading at the first IMPORT_ROWS CMLs, a week ago. */
function campaignCsv(
  plant: ReturnType<typeof generatePlant>,
  history: ReturnType<typeof generateInspectionHistory>,
  nowMs: number,
  rnd: () => number,
): { body: string; n: number } {
  const day = new Date(nowMs - 7 * 86_400_000).toISOString().slice(0, 10);
  const last = new Map<string, number>();
  const r = history.readings;
  for (let i = 0; i < r.date.length; i++)
    last.set(`${r.segmentId[i]}|${r.cml[i]}`, r.thicknessMm[i]!);
  const wall = new Map(plant.segments.map((s) => [s.id, s.wallMm]));
  const rows = ['segment_id,cml,date,thickness_mm,method,inspector'];
  const n = Math.min(IMPORT_ROWS, history.cmls.cml.length);
  for (let i = 0; i < n; i++) {
    const seg = history.cmls.segmentId[i]!;
    const cml = history.cmls.cml[i]!;
    const nominal = wall.get(seg)!;
    const prev = last.get(`${seg}|${cml}`) ?? nominal;
    // above 6 % of the nominal wall: thinner would be read as inches by the import rules
    const t = Math.max(0.4 * nominal, prev - 0.05 - rnd() * 0.1);
    rows.push(`${seg},${cml},${day},${t.toFixed(2)},UT,Bench NDT`);
  }
  return { body: `${rows.join('\n')}\n`, n };
}

/** The child: loads and assesses the complex, writes the campaign, prints a Setup line. */
async function setup(url: string, dir: string): Promise<void> {
  const sql = connect(url, { max: 4, applicationName: 'bench-setup' });
  try {
    let t = performance.now();
    const plant = generatePlant({ seed: SEED, size: SIZE });
    await loadPlant(sql, plant);
    const loadPlantS = (performance.now() - t) / 1000;
    log(`plant: ${plant.segments.length} segments loaded in ${round(loadPlantS)} s`);
    t = performance.now();
    const history = generateInspectionHistory(plant, { seed: SEED });
    await loadInspectionHistory(sql, history);
    const historyS = (performance.now() - t) / 1000;
    log(
      `history: ${history.cmls.cml.length} CMLs, ${history.readings.date.length} readings in ${round(historyS)} s`,
    );
    t = performance.now();
    const nowMs = Date.now();
    await sql.begin((tx) => recomputeConditions(tx, { asOfMs: nowMs }));
    const assessS = (performance.now() - t) / 1000;
    log(`assessed ${plant.segments.length} segments in ${round(assessS)} s`);
    // A database in service has been vacuumed since its bulk load; measure that state.
    await sql`vacuum analyze`;
    await sql`checkpoint`;
    const { body, n } = campaignCsv(plant, history, nowMs, lcg(SEED * 104729));
    const file = join(dir, 'campaign.csv');
    await writeFile(file, body);
    const out: Setup = {
      segments: plant.segments.length,
      cmls: history.cmls.cml.length,
      history_readings: history.readings.date.length,
      load_plant_s: round(loadPlantS),
      load_history_s: round(historyS),
      assess_all_s: round(assessS),
      companies: plant.companies.map((c) => c.id),
      areas: plant.areas.map((a) => a.id),
      lines: plant.lines.map((l) => ({ id: l.id, tag: l.tag })),
      segment_ids: plant.segments.map((s) => s.id),
      segment_company: plant.segments.map((s) => s.companyId),
      campaign_file: file,
      campaign_readings: n,
    };
    console.log(JSON.stringify(out));
  } finally {
    await sql.end();
  }
}

async function runSetup(url: string, dir: string): Promise<Setup> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', import.meta.filename, 'setup', url, dir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let last = '';
  for await (const line of createInterface({ input: child.stdout }))
    if (line.startsWith('{')) last = line;
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0 || !last) throw new Error(`setup failed (exit ${code})`);
  return JSON.parse(last) as Setup;
}

/** Bearer headers by company: a plant engineer of each, signed in once. */
type Tokens = Map<string, { authorization: string }>;

async function timed(app: FastifyInstance, url: string, headers: object): Promise<number> {
  const t0 = performance.now();
  const res = await app.inject({ url, headers: headers as Record<string, string> });
  const ms = performance.now() - t0;
  if (res.statusCode !== 200)
    throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 300)}`);
  return ms;
}

const BENCH_PASSWORD = 'bench integrity password';

/** Creates a plant engineer of each company (as the owner) and signs each in through `app`. */
async function engineers(
  app: FastifyInstance,
  sql: Parameters<typeof createUser>[0],
  companies: readonly string[],
  prefix: string,
): Promise<Tokens> {
  const hash = await hashPassword(BENCH_PASSWORD, { ln: 10, r: 8, p: 1 });
  const out: Tokens = new Map();
  for (const c of companies) {
    const username = `${prefix}-${c}`.toLowerCase();
    await createUser(sql, {
      username,
      displayName: username,
      role: 'plant_engineer',
      companyId: c,
      passwordHash: hash,
      createdBy: null,
    });
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/token',
      payload: { username, password: BENCH_PASSWORD },
    });
    out.set(c, { authorization: `Bearer ${res.json<{ access_token: string }>().access_token}` });
  }
  return out;
}

async function main(): Promise<void> {
  const db = await createTestDatabase('ct_bench_integrity');
  const dir = await mkdtemp(join(tmpdir(), 'ct-bench-integrity-'));
  try {
    const { storage } = await migrate(db.sql, { storage: STORAGE });
    const s = await runSetup(db.url, dir);
    const live = new LiveHub({
      mqttUrl: 'mqtt://127.0.0.1:1',
      clientId: 'bench-integrity',
      sensors: new SensorDirectory(db.sql),
    });
    // the ten companies with the most segments: each searches its own under row security
    const bySize = new Map<string, number>();
    for (const c of s.segment_company) bySize.set(c, (bySize.get(c) ?? 0) + 1);
    const biggest = [...bySize].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    const tenants = biggest.slice(0, 10);
    const body = await readFile(s.campaign_file, 'utf8');
    const owner = await run('owner', db.sql, [biggest[0]!], body);
    const apiSql = connect(db.urlAs('ct_api'), { max: 10, applicationName: 'bench-api' });
    try {
      // one company's part of the campaign, as its engineer imports it
      const own = new Set(s.segment_ids.filter((_, i) => s.segment_company[i] === tenants[0]));
      const lines = body.split('\n');
      // a day later than the owner run's campaign (the same day would be duplicates)
      const later = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);
      const part = [
        lines[0]!,
        ...lines
          .slice(1)
          .filter((l) => own.has(l.split(',')[0]!))
          .map((l) => l.replace(/,\d{4}-\d\d-\d\d,/, `,${later},`)),
      ].join('\n');
      const rls = await run('ct_api', apiSql, tenants, `${part}\n`);
      console.log(
        JSON.stringify({
          segments: owner.total,
          search_p50_ms: owner.searchP50,
          search_p99_ms: owner.searchP99,
          detail_p99_ms: owner.detailP99,
          import_rows_per_s: owner.importRowsPerS,
          import_s: owner.importS,
          import_readings: owner.importReadings,
          recomputed_segments: owner.recomputed,
          summary_max_ms: owner.summaryMax,
          export_s: owner.exportS,
          rls: {
            tenants: tenants.length,
            segments_per_tenant: Math.round(
              tenants.reduce((n, c) => n + bySize.get(c)!, 0) / tenants.length,
            ),
            search_p50_ms: rls.searchP50,
            search_p99_ms: rls.searchP99,
            detail_p99_ms: rls.detailP99,
            summary_max_ms: rls.summaryMax,
            export_s: rls.exportS,
            import_readings: rls.importReadings,
            import_s: rls.importS,
            import_rows_per_s: rls.importRowsPerS,
          },
          history_readings: s.history_readings,
          assess_all_s: s.assess_all_s,
          searches: SEARCHES,
          storage,
          date: new Date().toISOString(),
        }),
      );
    } finally {
      await apiSql.end();
    }

    /** The search, detail, summary, export and import runs through one pool. */
    async function run(name: string, pool: typeof db.sql, companies: string[], campaign: string) {
      const app = await buildApp({
        sql: pool,
        live,
        storage,
        brokerUrl: 'mqtt://127.0.0.1:1',
        security: { apiPerMinute: 1e9, apiBurst: 1e9 },
      });
      const tokens = await engineers(app, db.sql, companies, `bench-${name}`);
      const rnd = lcg(SEED * 7919);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
      const who = () => tokens.get(pick(companies))!;
      const filters: (() => string)[] = [
        () => '',
        () => `company=${pick(s.companies)}`,
        () => `area=${pick(s.areas)}`,
        () =>
          `material=${pick(['carbon_steel', 'stainless_316', 'low_alloy_steel', 'stainless_304'])}`,
        () => `line=${pick(s.lines).id}`,
        () => `line=${encodeURIComponent(pick(s.lines).tag)}`,
        () => {
          const y = 1970 + Math.floor(rnd() * 50);
          return `install_year_min=${y}&install_year_max=${y + 10}`;
        },
        () => `wall_loss_min=${round(5 + rnd() * 35)}`,
        () => `corrosion_rate_min=${round(0.02 + rnd() * 0.2, 3)}`,
        () => `remaining_life_max=${round(2 + rnd() * 28)}`,
        () => `next_inspection_to=${2024 + Math.floor(rnd() * 7)}-06-30`,
        () => 'overdue=true',
        () => `risk=${pick(['high', 'high,medium_high', 'low', 'medium'])}`,
        () => 'probability=4,5&consequence=D,E',
        () => 'ffs=true',
        () => `company=${pick(s.companies)}&risk=high,medium_high`,
        () => `area=${pick(s.areas)}&overdue=true`,
        () => `material=carbon_steel&remaining_life_max=${round(5 + rnd() * 20)}`,
        () => `install_year_min=1975&install_year_max=1995&wall_loss_min=${round(10 + rnd() * 20)}`,
        () => 'flag=never_inspected',
      ];
      const sorts = [
        'risk',
        'id',
        'line',
        'install_year',
        'wall_loss',
        'corrosion_rate',
        'remaining_life',
        'next_inspection',
      ];
      const searchUrl = () => {
        const f = pick(filters)();
        const q = `sort=${pick(sorts)}&order=${pick(['asc', 'desc'])}&limit=50&offset=${pick([0, 0, 0, 50, 200, 1000])}`;
        return `/api/condition/segments?${f ? `${f}&` : ''}${q}`;
      };

      for (let i = 0; i < 50; i++) await timed(app, searchUrl(), who());
      const search: number[] = [];
      const slowest: [number, string][] = [];
      for (let i = 0; i < SEARCHES; i++) {
        const url = searchUrl();
        const ms = await timed(app, url, who());
        search.push(ms);
        slowest.push([ms, url]);
      }
      search.sort((a, b) => a - b);
      slowest.sort((a, b) => b[0] - a[0]);
      for (const [ms, url] of slowest.slice(0, 5)) log(`  ${name} slow: ${round(ms)} ms ${url}`);
      log(
        `${name} searches: p50 ${round(quantile(search, 0.5))} ms, p99 ${round(quantile(search, 0.99))} ms, max ${round(search.at(-1)!)} ms`,
      );

      const detail: number[] = [];
      const mine = new Map<string, string[]>();
      s.segment_ids.forEach((id, i) => {
        const c = s.segment_company[i]!;
        if (companies.includes(c)) mine.set(c, [...(mine.get(c) ?? []), id]);
      });
      for (let i = 0; i < DETAILS; i++) {
        const c = pick(companies);
        // the owner's pool sees every segment (as the earlier runs measured)
        const id = name === 'owner' ? pick(s.segment_ids) : pick(mine.get(c)!);
        detail.push(await timed(app, `/api/condition/segments/${id}`, tokens.get(c)!));
      }
      detail.sort((a, b) => a - b);
      const summary: number[] = [];
      for (const by of ['line', 'company', 'area', 'company', 'area']) {
        summary.push(await timed(app, `/api/condition/summary?by=${by}&limit=200`, who()));
      }
      summary.sort((a, b) => a - b);
      const me = tokens.get(companies[0]!)!;
      let t = performance.now();
      const csv = await app.inject({
        url: '/api/condition/segments.csv?sort=remaining_life&order=asc',
        headers: me,
      });
      const exportS = (performance.now() - t) / 1000;
      const first = (
        await app.inject({ url: '/api/condition/segments?limit=1', headers: me })
      ).json<ConditionSearchResponse>();
      log(
        `${name} detail p99 ${round(quantile(detail, 0.99))} ms; summary max ${round(summary.at(-1)!)} ms; export of ${csv.body.split('\n').length - 2} rows in ${round(exportS, 2)} s`,
      );

      const n = campaign.trim().split('\n').length - 1;
      t = performance.now();
      const res = await app.inject({
        method: 'POST',
        url: `/api/condition/inspections?campaign=bench-${name}`,
        headers: { ...me, 'content-type': 'text/csv' },
        payload: campaign,
      });
      const importS = (performance.now() - t) / 1000;
      if (res.statusCode !== 200)
        throw new Error(`import: ${res.statusCode} ${res.body.slice(0, 500)}`);
      const report = res.json<InspectionImportReport>();
      if (report.stored !== n) throw new Error(`import stored ${report.stored} of ${n}`);
      log(
        `${name} import: ${n} readings (${round(campaign.length / 1e6)} MB), ${report.recomputed_segments} segments recomputed, in ${round(importS, 2)} s (handler ${report.duration_ms} ms)`,
      );
      log(`${name} import phases (ms): ${JSON.stringify(report.timings_ms)}`);
      await app.close();
      return {
        total: first.total,
        searchP50: round(quantile(search, 0.5)),
        searchP99: round(quantile(search, 0.99)),
        detailP99: round(quantile(detail, 0.99)),
        summaryMax: round(summary.at(-1)!),
        exportS: round(exportS, 2),
        importS: round(importS, 2),
        importReadings: n,
        importRowsPerS: Math.round(n / importS),
        recomputed: report.recomputed_segments,
      };
    }
  } finally {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'setup') await setup(process.argv[3]!, process.argv[4]!);
else await main();
