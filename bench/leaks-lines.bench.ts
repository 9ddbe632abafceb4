/**
 * `pnpm bench:leaks-lines [--pct 5] [--ramp 0] [--noise 1] [--seed 7]`: one leak on every line of
 * the default complex at once, and how long the detector takes to raise each. apps/simulator's
 * signal model (regular samples and edge reports) feeds the detector's line monitors directly,
 * faster than real time, like `bench:leaks-soak`: no broker, no database, so the figures are the
 * detector's own time to a finding (the live pipeline adds about 0.1 s, `pnpm eval:leaks`). The
 * lines learn for 30 simulated minutes, then every line gets a leak of `--pct` % of its flow at
 * a seeded random place; the run goes on for 15 minutes. Prints one JSON line; the lines that
 * took over 2 s, or missed, go to stderr. Composes two apps, so it lives outside apps/.
 */
import { parseArgs } from 'node:util';
import { LineLeakMonitor } from '@ct/analytics';
import { generatePlant } from '@ct/plant';
import { plantLines } from '../apps/detector/src/leak/plant-lines';
import { createSimulator } from '../apps/simulator/src/simulator';
import { replayStep, seededRandom } from './line-replay';

const { values: a } = parseArgs({
  options: {
    pct: { type: 'string', default: '5' },
    ramp: { type: 'string', default: '0' },
    noise: { type: 'string', default: '1' },
    seed: { type: 'string', default: '7' },
    'plant-seed': { type: 'string', default: '42' },
  },
});
const pct = Number(a.pct);
const rampS = Number(a.ramp);
const noise = Number(a.noise);
for (const [name, x] of [
  ['--pct', pct],
  ['--ramp', rampS],
  ['--noise', noise],
] as const) {
  if (!Number.isFinite(x) || x < 0) {
    console.error(`${name} must be a number >= 0`);
    process.exit(2);
  }
}
const plant = generatePlant({ seed: Number(a['plant-seed']), size: 'default' });
const start = Date.UTC(2026, 10, 20, 15, 0);
const leakAt = start + 30 * 60_000;
const endMs = leakAt + 15 * 60_000;
const sim = createSimulator({
  plant,
  seed: Number(a['plant-seed']),
  startMs: start,
  noiseScale: noise,
  // no machines or weather: this is about the lines (their intervals pushed past the run)
  intervals: { rotating: 10 * 86_400, weather: 10 * 86_400, rig: 10 * 86_400 },
});
const lines = plantLines(plant, null);
const monitors = new Map(lines.lines.map((pl) => [pl.line.id, new LineLeakMonitor(pl.spec)]));

const rnd = seededRandom(Number(a.seed));
for (const pl of lines.lines) {
  const seg = pl.segments[Math.floor(rnd() * pl.segments.length)]!;
  sim.addIncident(
    {
      kind: 'leak',
      segment: seg.id,
      distance_m: Math.round((0.03 + 0.94 * rnd()) * seg.lengthM * 100) / 100,
      rate_pct: pct,
      ramp_s: rampS,
      start: leakAt,
    },
    start,
  );
}

const first = new Map<string, { t: number; methods: string; position: string }>();
const early: string[] = [];
const t0 = performance.now();
for (let now = start; now <= endMs; now += 100) {
  replayStep(sim, lines, monitors, now);
  // every monitor, every 100 ms: the detector's tick gathers waves and off-delays the same way
  for (const m of monitors.values()) {
    const c = m.evaluate(now);
    if (!c || c.kind === 'clear' || first.has(m.spec.id)) continue;
    if (now < leakAt) {
      early.push(m.spec.id);
      continue;
    }
    first.set(m.spec.id, {
      t: now,
      methods: c.finding.evidence.map((e) => e.method).join('+'),
      position: c.finding.positionMethod,
    });
  }
}

const delays: number[] = [];
const byMethod: Record<string, number> = {};
for (const pl of lines.lines) {
  const f = first.get(pl.line.id);
  const d = f ? (f.t - leakAt) / 1000 : Infinity;
  delays.push(d);
  if (f) byMethod[f.methods] = (byMethod[f.methods] ?? 0) + 1;
  if (d > 2)
    console.error(
      `${pl.line.id} (${pl.substance.id}): ${f ? `${d.toFixed(1)} s by ${f.methods}` : 'missed'}`,
    );
}
for (const id of early) console.error(`${id}: raised before the leak (a false alarm)`);
delays.sort((x, y) => x - y);
const q = (p: number) => {
  const v = delays[Math.min(delays.length - 1, Math.floor(p * (delays.length - 1)))]!;
  return Number.isFinite(v) ? Math.round(v * 100) / 100 : null;
};
console.log(
  JSON.stringify({
    benchmark: 'leaks-lines',
    lines: delays.length,
    pct_of_flow: pct,
    ramp_s: rampS,
    noise,
    detected: delays.filter(Number.isFinite).length,
    p50_s: q(0.5),
    p95_s: q(0.95),
    max_s: q(1),
    over_2_s: delays.filter((x) => x > 2).length,
    raised_before_the_leak: early.length,
    first_methods: byMethod,
    wall_s: Math.round((performance.now() - t0) / 1000),
    date: new Date().toISOString(),
  }),
);
