/**
 * `pnpm bench:equipment-live [--detector NAME] [--baseline S] [--hours H] [--assets N]`: the live
 * equipment monitor (apps/detector) on the simulator's pumps and compressors (apps/simulator's
 * pure signal model, no broker): false alerts over hours of normal running with the process
 * load moving, and how long after onset a bearing wear (2 h to failure) on the first machine is
 * alerted. Prints one JSON line. Composes two apps, so it lives outside apps/.
 */
import { parseArgs } from 'node:util';
import { generatePlant } from '@ct/plant';
import { AssetMonitor, DEFAULT_MONITOR_OPTIONS } from '../apps/detector/src/asset-monitor';
import { createSimulator } from '../apps/simulator/src/simulator';

const { values: a } = parseArgs({
  options: {
    detector: { type: 'string', default: 'mewma-adaptive' },
    baseline: { type: 'string', default: '3600' },
    hours: { type: 'string', default: '6' },
    assets: { type: 'string', default: '40' },
    seed: { type: 'string', default: '42' },
  },
});
const detector = a.detector!;
const baselineS = Number(a.baseline);
const hours = Number(a.hours);
const seed = Number(a.seed);
const plant = generatePlant({ seed, size: 'default' });
// the morning ramp of the daily load swing (08:33 site time) is the hardest stretch
const start = Date.UTC(2026, 10, 20, 23, 33);
const sim = createSimulator({ plant, seed, startMs: start });
const machines = plant.equipment
  .filter((e) => e.kind === 'pump' || e.kind === 'compressor')
  .slice(0, Number(a.assets));
const wear = machines[0]!;
const wearOnset = start + (baselineS + 1800) * 1000;
sim.addIncident(
  { kind: 'bearing_wear', equipment: wear.id, hours_to_failure: 2 },
  start,
  wearOnset,
);

const started = Date.now();
let falseAlerts = 0;
let machinesAlerting = 0;
let wearAlertAt: number | null = null;
for (const e of machines) {
  const defs = plant.sensors.filter((s) => s.equipmentId === e.id);
  const m = new AssetMonitor(
    {
      id: e.id,
      companyId: e.companyId,
      areaId: e.areaId,
      kind: e.kind as 'pump' | 'compressor',
      tag: e.tag,
      name: e.name,
      ratedKw: e.ratedKw ?? null,
      speedRpm: e.speedRpm ?? null,
      machineGroup: e.machineGroup ?? null,
      foundation: e.foundation ?? null,
      sensors: defs.map((s, k) => ({
        id: k + 1,
        tag: s.tag,
        quantity: s.quantity,
        unit: s.unit,
        deviceId: s.deviceId,
      })),
    },
    { ...DEFAULT_MONITOR_OPTIONS, detector, baselineS, minBaselineSamples: 60 },
  );
  const sensors = defs.map((d) => sim.sim.sensorByTag.get(d.tag)!);
  let alerted = false;
  for (let t = start; t < start + hours * 3_600_000; t += 1000) {
    sensors.forEach((s, k) => {
      const v = sim.model.reading(s, t, sim.book);
      if (v !== null) m.setReading(k + 1, t, v);
    });
    m.score(t);
    if (m.alertChange()?.kind === 'raise') {
      if (e.id === wear.id) wearAlertAt ??= t;
      else {
        falseAlerts++;
        alerted = true;
      }
    }
  }
  if (alerted) machinesAlerting++;
}
const machineHours = (machines.length - 1) * (hours - baselineS / 3600);
console.log(
  JSON.stringify({
    benchmark: 'equipment-live',
    date: new Date().toISOString().slice(0, 10),
    detector,
    baseline_s: baselineS,
    machines: machines.length,
    hours,
    false_alerts: falseAlerts,
    machines_alerting: machinesAlerting,
    false_alerts_per_1000_machine_hours:
      Math.round(((1000 * falseAlerts) / machineHours) * 10) / 10,
    wear_alert_minutes_after_onset:
      wearAlertAt === null ? null : Math.round((wearAlertAt - wearOnset) / 6000) / 10,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  }),
);
