/**
 * `pnpm eval:leaks`: the leak detector judged through the real pipeline. Each round starts the
 * embedded default (`pnpm start`'s launcher: PostgreSQL, aedes, ingest, api, detector,
 * simulator) in a fresh data folder, lets the detector warm up, then injects seeded random leaks
 * on some lines (0.5-20 % of line flow, abrupt or gradual, anywhere along a segment) and
 * announced operations and sensor faults on others, listens to the api's WebSocket, and scores
 * every alert against the simulator's ground truth. Rounds differ in measurement noise.
 * Prints one JSON line last. Nothing here is tuned per scenario: it only reads what the running
 * system produced.
 *
 *   pnpm eval:leaks [--seed 1] [--noise 1,2] [--leaks 40] [--round-min 20] [--warmup-s 900]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { connect, listAlerts } from '@ct/db';
import { generatePlant, type Line, type PlantModel, type Segment } from '@ct/plant';
import { signedInCookie } from '@ct/testkit';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

const { values: argv } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    noise: { type: 'string', default: '1,2' },
    leaks: { type: 'string', default: '40' },
    operations: { type: 'string', default: '15' },
    faults: { type: 'string', default: '15' },
    'round-min': { type: 'string', default: '20' },
    'warmup-s': { type: 'string', default: '900' },
    'plant-seed': { type: 'string', default: '42' },
  },
});

const log = (...a: unknown[]) => console.error(new Date().toISOString().slice(11, 19), ...a);

/** Seeded uniform numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Injected {
  kind: 'leak' | 'operation' | 'sensor_fault';
  line: Line;
  id: string;
  start: number;
  request: Record<string, unknown>;
  params: Record<string, unknown>;
  segment?: Segment;
}

interface AlertSeen {
  id: number;
  line: string;
  raisedAt: number;
  /** Wall time the raise reached the test's WebSocket. */
  wsAt: number | null;
}

interface LeakResult {
  round: number;
  noise: number;
  line: string;
  substance: string;
  phase: string;
  ratePct: number;
  abrupt: boolean;
  rampS: number;
  detected: boolean;
  ttdS: number | null;
  latencyS: number | null;
  locErrM: number | null;
  spacingM: number;
  npwCapable: boolean;
  method: string | null;
}

async function post(url: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const j = (await r.json()) as Record<string, unknown>;
  if (!r.ok) throw new Error(`${url}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

async function runRound(
  round: number,
  noise: number,
  plant: PlantModel,
  seed: number,
): Promise<{ leaks: LeakResult[]; falseAlarms: number; exposureKmH: number; notes: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'ct-eval-leaks-'));
  // as root, the embedded PostgreSQL runs as the postgres user, who must reach the folder
  await chmod(dir, 0o755);
  const ports = {
    api: await freePort(),
    pg: await freePort(),
    mqtt: await freePort(),
    sim: await freePort(),
  };
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'apps', 'launcher', 'src', 'main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        CT_DATA_DIR: dir,
        CT_API_PORT: String(ports.api),
        CT_PG_PORT: String(ports.pg),
        CT_MQTT_PORT: String(ports.mqtt),
        CT_SIM_PORT: String(ports.sim),
        PLANT_SEED: String(plant.meta.seed ?? 42),
        PLANT_SIZE: 'default',
        SIM_NOISE_SCALE: String(noise),
        CT_VERBOSE: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  const api = `http://127.0.0.1:${ports.api}`;
  const sim = `http://127.0.0.1:${ports.sim}`;
  try {
    for (let i = 0; !output.includes('ComplexTwin is running'); i++) {
      if (i > 600 || child.exitCode !== null)
        throw new Error(`the stack did not start:\n${output}`);
      await sleep(500);
    }
    log(`round ${round} (noise x${noise}): stack up; warming up ${argv['warmup-s']} s`);
    const seen = new Map<number, AlertSeen>();
    // the embedded database, as its owner: accounts for the listeners, and every alert at the end
    const sql = connect(`postgres://postgres@127.0.0.1:${ports.pg}/complextwin`, { max: 2 });
    // each company's plant engineer sees that company's alerts live (incidents of other
    // companies too would need a safety officer; the union of the companies' feeds is all)
    const sockets: WebSocket[] = [];
    for (const c of plant.companies) {
      const cookie = await signedInCookie(sql, api, {
        username: `eval-${c.id}`,
        role: 'plant_engineer',
        companyId: c.id,
      });
      const ws = new WebSocket(`ws://127.0.0.1:${ports.api}/api/live`, { headers: { cookie } });
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as {
          type: string;
          action?: string;
          alert?: { id: number; kind: string; source_id: string; raised_at: number };
        };
        if (m.type !== 'alert' || !m.alert || m.alert.kind !== 'leak') return;
        const prev = seen.get(m.alert.id);
        const wsAt = m.action === 'raise' ? Date.now() : null;
        if (!prev)
          seen.set(m.alert.id, {
            id: m.alert.id,
            line: m.alert.source_id,
            raisedAt: m.alert.raised_at,
            wsAt,
          });
        else if (prev.wsAt === null && wsAt !== null) prev.wsAt = wsAt;
      });
      sockets.push(ws);
    }
    await sleep(Number(argv['warmup-s']) * 1000);

    // the scenario: which lines get a leak, an operation, a sensor fault; when, where, how big
    const r = rng(seed * 1000 + round);
    const lines = [...plant.lines].sort((a, b) => a.id.localeCompare(b.id));
    for (let i = lines.length - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    const nLeaks = Number(argv.leaks);
    const nOps = Number(argv.operations);
    const nFaults = Number(argv.faults);
    const segsOf = (l: Line) =>
      plant.segments.filter((s) => s.lineId === l.id).sort((a, b) => a.order - b.order);
    const roundStart = Date.now() + 5000;
    const roundMs = Number(argv['round-min']) * 60_000;
    const injected: Injected[] = [];
    for (const [i, line] of lines.entries()) {
      const start = Math.round(roundStart + r() * 300_000);
      let request: Record<string, unknown>;
      let segment: Segment | undefined;
      let kind: Injected['kind'];
      if (i < nLeaks) {
        const segs = segsOf(line);
        segment = segs[Math.floor(r() * segs.length)]!;
        const ratePct = Math.exp(Math.log(0.5) + r() * (Math.log(20) - Math.log(0.5)));
        const abrupt = r() < 0.6;
        kind = 'leak';
        request = {
          kind,
          segment: segment.id,
          distance_m: Math.round((0.03 + 0.94 * r()) * segment.lengthM * 100) / 100,
          rate_pct: Math.round(ratePct * 1000) / 1000,
          ramp_s: abrupt ? 0 : Math.round(60 + r() * 540),
          start,
        };
      } else if (i < nLeaks + nOps) {
        const actions = ['pump_stop', 'pump_start', 'valve_move'] as const;
        kind = 'operation';
        request = {
          kind,
          action: actions[Math.floor(r() * 3)],
          line: line.id,
          start,
          duration_s: 300,
        };
      } else if (i < nLeaks + nOps + nFaults) {
        const sensors = plant.sensors.filter(
          (s) =>
            s.segmentId !== null &&
            segsOf(line).some((g) => g.id === s.segmentId) &&
            (s.quantity === 'flow' || s.quantity === 'pressure'),
        );
        const sensor = sensors[Math.floor(r() * sensors.length)]!;
        const modes = ['stuck', 'spike', 'drift', 'dropout'] as const;
        kind = 'sensor_fault';
        request = {
          kind,
          sensor: sensor.tag,
          mode: modes[Math.floor(r() * 4)],
          start,
          duration_s: 600,
        };
      } else continue;
      const view = await post(`${sim}/incidents`, request);
      injected.push({
        kind,
        line,
        id: String(view['id']),
        start,
        request,
        params: view['params'] as Record<string, unknown>,
        ...(segment ? { segment } : {}),
      });
    }
    log(
      `round ${round}: ${injected.filter((x) => x.kind === 'leak').length} leaks, ${injected.filter((x) => x.kind === 'operation').length} operations, ${injected.filter((x) => x.kind === 'sensor_fault').length} sensor faults scheduled; running ${argv['round-min']} min`,
    );
    await sleep(roundStart + roundMs - Date.now());
    const end = Date.now();

    // every leak alert with its final detail, read from the database
    const list = {
      items: (await listAlerts(sql, { kind: 'leak', limit: 1000 })).map((a) => ({
        id: a.id,
        source_id: a.source_id,
        raised_at: a.raised_at.getTime(),
        detail: a.detail as Record<string, unknown>,
      })),
    };
    for (const ws of sockets) ws.close();
    await sql.end();
    const alerts = list.items;
    // what each alert said, for reading the run afterwards
    const outDir = join(ROOT, '.data', 'eval-leaks');
    await mkdir(outDir, { recursive: true });
    await writeFile(join(outDir, `round-${round}-launcher.log`), output);
    await writeFile(
      join(outDir, `round-${round}-alerts.json`),
      JSON.stringify(
        { injected: injected.map((x) => ({ ...x, line: x.line.id })), alerts },
        null,
        1,
      ),
    );
    const leaks: LeakResult[] = [];
    const matched = new Set<number>();
    const leakByLine = new Map(
      injected.filter((x) => x.kind === 'leak').map((x) => [x.line.id, x]),
    );
    for (const inj of injected.filter((x) => x.kind === 'leak')) {
      const sub = plant.substances.find((s) => s.id === inj.line.substanceId)!;
      const hit = alerts
        .filter((a) => a.source_id === inj.line.id && a.raised_at >= inj.start - 2000)
        .sort((a, b) => a.raised_at - b.raised_at)[0];
      if (hit) matched.add(hit.id);
      const rampS = Number(inj.request['ramp_s']);
      const ratePct = Number(inj.request['rate_pct']);
      const detail = hit?.detail as
        { position: { line_position_m: number; method: string }; detected_t: number } | undefined;
      const truthPos = Number(inj.params['line_position_m']);
      const sigmaP = 0.0015 * inj.line.inletPressureKpa * noise;
      const step = Number(inj.params['joukowsky_dp_kpa']);
      const ws2 = hit ? seen.get(hit.id) : undefined;
      leaks.push({
        round,
        noise,
        line: inj.line.id,
        substance: sub.id,
        phase: sub.phase,
        ratePct,
        abrupt: rampS === 0,
        rampS,
        detected: Boolean(hit),
        ttdS: detail ? (detail.detected_t - inj.start) / 1000 : null,
        latencyS: ws2?.wsAt ? (ws2.wsAt - inj.start) / 1000 : null,
        locErrM: detail ? Math.abs(detail.position.line_position_m - truthPos) : null,
        spacingM: inj.segment!.lengthM,
        npwCapable: rampS === 0 && step >= 4 * sigmaP,
        method: detail?.position.method ?? null,
      });
    }
    // false alarms: leak alerts not matched to a leak (on leak-free lines, or before onset)
    const notes: string[] = [];
    let falseAlarms = 0;
    for (const a of alerts) {
      if (matched.has(a.id)) continue;
      falseAlarms++;
      const inj = injected.find((x) => x.line.id === a.source_id);
      notes.push(
        `round ${round}: false alarm on ${a.source_id}${inj ? ` (${inj.kind} ${JSON.stringify(inj.request)})` : ''}`,
      );
    }
    // leak-free exposure: each line's km times the hours it ran without a leak in the round
    let exposureKmH = 0;
    for (const line of plant.lines) {
      const km = segsOf(line).reduce((s, g) => s + g.lengthM, 0) / 1000;
      const leak = leakByLine.get(line.id);
      const freeMs = leak ? leak.start - roundStart : end - roundStart;
      exposureKmH += (km * Math.max(0, freeMs)) / 3_600_000;
    }
    return { leaks, falseAlarms, exposureKmH, notes };
  } finally {
    child.kill('SIGINT');
    await new Promise((r) => {
      if (child.exitCode !== null) r(null);
      child.once('exit', r);
      setTimeout(() => {
        child.kill('SIGKILL');
        r(null);
      }, 30_000);
    });
    await rm(dir, { recursive: true, force: true });
  }
}

function quantile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}
const r2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

async function main(): Promise<void> {
  const seed = Number(argv.seed);
  const noises = argv.noise.split(',').map(Number);
  const plant = generatePlant({ seed: Number(argv['plant-seed']), size: 'default' });
  const all: LeakResult[] = [];
  let falseAlarms = 0;
  let exposure = 0;
  const notes: string[] = [];
  for (const [i, noise] of noises.entries()) {
    const r = await runRound(i + 1, noise, plant, seed);
    all.push(...r.leaks);
    falseAlarms += r.falseAlarms;
    exposure += r.exposureKmH;
    notes.push(...r.notes);
    for (const l of r.leaks)
      log(
        `  ${l.line} ${l.substance} ${l.ratePct.toFixed(2)} % ${l.abrupt ? 'abrupt' : `ramp ${l.rampS} s`}: ` +
          (l.detected
            ? `detected after ${l.ttdS?.toFixed(1)} s, ws ${l.latencyS?.toFixed(2) ?? '-'} s, ${l.method} error ${l.locErrM?.toFixed(2)} m of ${l.spacingM.toFixed(0)} m`
            : 'missed'),
      );
  }
  for (const n of notes) log(n);
  const onePlus = all.filter((l) => l.ratePct >= 1);
  const detected1 = onePlus.filter((l) => l.detected);
  const ttd = detected1.map((l) => l.ttdS!);
  const big = all.filter((l) => l.abrupt && l.ratePct >= 5);
  // an undetected big leak counts as never seen
  const lat = big.map((l) => l.latencyS ?? Infinity);
  const npw = all.filter((l) => l.npwCapable && l.detected && l.locErrM !== null);
  const locPct = npw.map((l) => (100 * l.locErrM!) / l.spacingM);
  const locAll = all.filter((l) => l.detected && l.locErrM !== null);
  const monthKmH = 100 * 730;
  console.log(
    JSON.stringify({
      leaks: all.length,
      detected: all.filter((l) => l.detected).length,
      detection_rate_1pct_plus: r2(onePlus.length ? detected1.length / onePlus.length : null),
      median_time_to_detect_s: r2(quantile(ttd, 0.5)),
      p95_time_to_detect_s: r2(quantile(ttd, 0.95)),
      median_location_error_m: r2(
        quantile(
          npw.map((l) => l.locErrM!),
          0.5,
        ),
      ),
      location_error_pct_of_spacing: r2(quantile(locPct, 0.5)),
      false_alarms_per_100km_month: r2(exposure > 0 ? (falseAlarms / exposure) * monthKmH : null),
      p95_alert_latency_s: r2(quantile(lat, 0.95)),
      false_alarms: falseAlarms,
      leak_free_km_h: r2(exposure),
      npw_capable_located: npw.length,
      median_location_error_all_m: r2(
        quantile(
          locAll.map((l) => l.locErrM!),
          0.5,
        ),
      ),
      abrupt_5pct_plus: big.length,
      noise_scales: noises,
      seed,
      date: new Date().toISOString(),
    }),
  );
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
