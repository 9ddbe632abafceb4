/**
 * `pnpm bench:leaks-soak [--hours 24] [--operations 40] [--faults 60] [--seed 7]`: false alarms of
 * the leak detector over many simulated hours of the whole complex without a leak, faster than
 * real time: apps/simulator's pure signal model (regular samples and edge reports, announced
 * operations, sensor faults) feeds the detector's line monitors (apps/detector's plant lines,
 * @ct/analytics) directly, no broker, no database. `pnpm eval:leaks` runs the real pipeline but
 * can only afford an hour or so of leak-free line; this gives the long exposure a false-alarm
 * rate needs. Prints one JSON line. Composes two apps, so it lives outside apps/.
 */
import { parseArgs } from 'node:util';
import { LineLeakMonitor } from '@ct/analytics';
import { generatePlant } from '@ct/plant';
import { plantLines } from '../apps/detector/src/leak/plant-lines';
import { createSimulator } from '../apps/simulator/src/simulator';
import { replayStep, seededRandom } from './line-replay';

const { values: a } = parseArgs({
  options: {
    hours: { type: 'string', default: '24' },
    operations: { type: 'string', default: '40' },
    faults: { type: 'string', default: '60' },
    seed: { type: 'string', default: '7' },
    'plant-seed': { type: 'string', default: '42' },
    noise: { type: 'string', default: '1' },
    /** Only these lines (comma-separated ids), to look into one alarm quickly: the signals are
     * the same as in the whole run (each sensor's noise comes from its own hash). */
    lines: { type: 'string' },
  },
});
const hours = Number(a.hours);
const plant = generatePlant({ seed: Number(a['plant-seed']), size: 'default' });
const start = Date.UTC(2026, 10, 20, 15, 0);
// no machines or weather: this is about the lines (their intervals pushed past the run)
const only = a.lines ? new Set(a.lines.split(',').map((x) => x.trim())) : null;
const unknown = [...(only ?? [])].filter((id) => !plant.lines.some((l) => l.id === id));
if (unknown.length > 0) {
  console.error(`--lines: no such line in the complex: ${unknown.join(', ')}`);
  process.exit(2);
}
const linesPlant = only ? subPlant(only) : plant;
const selectedSensors = new Set(linesPlant.sensors);
// the simulator keeps one sensor of every other device, so each device keeps its place in the
// sampling phases and the selected lines see exactly the signals of the whole run
const firstOfDevice = new Set<string>();
const simPlant = only
  ? {
      ...plant,
      sensors: plant.sensors.filter((x) => {
        if (selectedSensors.has(x)) return true;
        const dev = `${x.companyId}/${x.deviceId}`;
        if (firstOfDevice.has(dev)) return false;
        firstOfDevice.add(dev);
        return true;
      }),
    }
  : plant;
const sim = createSimulator({
  plant: simPlant,
  seed: Number(a['plant-seed']),
  startMs: start,
  noiseScale: Number(a.noise),
  intervals: { rotating: 10 * 86_400, weather: 10 * 86_400, rig: 10 * 86_400 },
});
const lines = plantLines(linesPlant, null);

/** The plant cut down to some lines, with their segments, sensors and devices. */
function subPlant(ids: Set<string>): typeof plant {
  const segments = plant.segments.filter((x) => ids.has(x.lineId));
  const segIds = new Set(segments.map((x) => x.id));
  const sensors = plant.sensors.filter((x) => x.segmentId !== null && segIds.has(x.segmentId));
  return { ...plant, lines: plant.lines.filter((x) => ids.has(x.id)), segments, sensors };
}
const monitors = new Map(lines.lines.map((pl) => [pl.line.id, new LineLeakMonitor(pl.spec)]));

const rnd = seededRandom(Number(a.seed));
// operations and sensor faults spread over the run, after an hour to learn
const endMs = start + hours * 3_600_000;
const spanMs = endMs - start - 3_600_000;
const actions = ['pump_stop', 'pump_start', 'valve_move'] as const;
const modes = ['stuck', 'spike', 'drift', 'dropout'] as const;
const lineSensors = plant.sensors.filter(
  (x) => x.segmentId !== null && (x.quantity === 'flow' || x.quantity === 'pressure'),
);
for (let i = 0; i < Number(a.operations); i++) {
  const line = plant.lines[Math.floor(rnd() * plant.lines.length)]!;
  const action = actions[Math.floor(rnd() * 3)]!;
  const at = start + 3_600_000 + rnd() * spanMs;
  const duration = 300 + Math.floor(rnd() * 1800);
  if (only && !only.has(line.id)) continue;
  sim.addIncident(
    {
      kind: 'operation',
      action,
      line: line.id,
      start: at,
      duration_s: duration,
    },
    start,
  );
}
for (let i = 0; i < Number(a.faults); i++) {
  const sensor = lineSensors[Math.floor(rnd() * lineSensors.length)]!;
  const mode = modes[Math.floor(rnd() * 4)]!;
  const at = start + 3_600_000 + rnd() * spanMs;
  const duration = 600 + Math.floor(rnd() * 3000);
  if (only && !selectedSensors.has(sensor)) continue;
  sim.addIncident(
    {
      kind: 'sensor_fault',
      sensor: sensor.tag,
      mode,
      start: at,
      duration_s: duration,
    },
    start,
  );
}

const alarms: {
  line: string;
  t: number;
  methods: string;
  context: string;
  evidence: string;
}[] = [];
const t0 = performance.now();
let readings = 0;
for (let now = start; now <= endMs; now += 100) {
  const step = replayStep(sim, lines, monitors, now);
  readings += step.readings;
  for (const m of step.touched) {
    const c = m.evaluate(now);
    if (c?.kind === 'raise') {
      const inc = sim
        .incidents(now)
        .filter(
          (x) =>
            (x.kind === 'operation' && x.target === m.spec.id) ||
            (x.kind === 'sensor_fault' && m.spec.sensors.some((y) => y.tag === x.target)),
        )
        .map((x) => `${x.kind}:${String(x.params['action'] ?? x.params['mode'])}@${x.target}`);
      alarms.push({
        line: m.spec.id,
        t: now,
        methods: c.finding.evidence.map((e) => e.method).join('+'),
        context: inc.join(', ') || 'nothing injected on the line',
        evidence: c.finding.evidence.map((e) => e.summary).join(' | '),
      });
    }
  }
  if ((now - start) % 3_600_000 === 0 && now > start)
    console.error(
      `${((now - start) / 3_600_000).toFixed(0)} h simulated, ${alarms.length} alarms, ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
}
for (const x of alarms)
  console.error(
    `alarm on ${x.line} at ${new Date(x.t).toISOString()} (${x.methods}): ${x.context}; ${x.evidence}`,
  );
const km = lines.lines.reduce((sum, pl) => sum + pl.lengthM, 0) / 1000;
// the first hour learns; exposure counts the rest
const kmH = km * (hours - 1);
console.log(
  JSON.stringify({
    benchmark: 'leaks-soak',
    hours,
    lines: lines.lines.length,
    km: Math.round(km * 10) / 10,
    leak_free_km_h: Math.round(kmH),
    operations: Number(a.operations),
    sensor_faults: Number(a.faults),
    false_alarms: alarms.length,
    false_alarms_per_100km_month: Math.round((alarms.length / kmH) * 100 * 730 * 100) / 100,
    readings,
    wall_s: Math.round((performance.now() - t0) / 1000),
    noise: Number(a.noise),
    date: new Date().toISOString(),
  }),
);
