/**
 * `pnpm detector:backfill --from TIME --to TIME [--equipment ID] [--areas A,B]`: runs the
 * detectors over stored history and writes their anomaly scores, as the live detector would
 * have, with a progress bar on stderr. Alerts are not raised for the past. Each asset learns
 * from its stored baseline window, or else from the first DETECTOR_BASELINE_S of the range.
 */
import { parseArgs } from 'node:util';
import {
  connect,
  getBaseline,
  insertAnomalyScores,
  listRotatingEquipment,
  querySensorHistory,
  saveBaseline,
  type AnomalyScoreRow,
} from '@ct/db';
import { AssetMonitor } from './asset-monitor';
import { areasOf, loadConfig } from './config';
import { samplesOf } from './history';

const USAGE = `usage: pnpm detector:backfill --from TIME --to TIME [--equipment ID] [--areas A,B]
  TIME: ISO 8601 or epoch ms; needs DATABASE_URL`;

function time(s: string | undefined, name: string): number {
  if (s === undefined) throw new Error(`--${name} is required\n${USAGE}`);
  const t = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
  if (!Number.isFinite(t)) throw new Error(`--${name}: "${s}" is not a time\n${USAGE}`);
  return t;
}

function bar(done: number, total: number, label: string): void {
  const width = 30;
  const f = total === 0 ? 1 : done / total;
  const filled = Math.round(f * width);
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(f * 100).toFixed(0).padStart(3)}% ${label.padEnd(40).slice(0, 40)}`,
  );
}

async function main(): Promise<void> {
  const { values: a } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      equipment: { type: 'string' },
      areas: { type: 'string' },
    },
    strict: true,
  });
  const from = time(a.from, 'from');
  const to = time(a.to, 'to');
  if (!(from < to)) throw new Error('--from must be before --to');
  const cfg = loadConfig({ ...process.env, ...(a.areas ? { DETECTOR_AREAS: a.areas } : {}) });
  const sql = connect(cfg.DATABASE_URL, { max: 2, applicationName: 'detector-backfill' });
  try {
    const assets = (await listRotatingEquipment(sql, areasOf(cfg))).filter(
      (x) =>
        x.sensors.length > 0 && (!a.equipment || x.id === a.equipment || x.tag === a.equipment),
    );
    if (assets.length === 0) throw new Error('no pump or compressor matches');
    const chunkMs = 3_600_000;
    const steps = assets.length * Math.ceil((to - from) / chunkMs);
    let step = 0;
    let written = 0;
    for (const asset of assets) {
      const m = new AssetMonitor(asset, {
        detector: cfg.DETECTOR_NAME,
        baselineS: cfg.DETECTOR_BASELINE_S,
        minBaselineSamples: Math.min(120, Math.ceil(cfg.DETECTOR_BASELINE_S / 2)),
        alertOnDelayS: cfg.ALERT_ON_DELAY_S,
        alertOffDelayS: cfg.ALERT_OFF_DELAY_S,
      });
      const ids = asset.sensors.map((s) => s.id);
      const stored = await getBaseline(sql, asset.id, m.detectorName);
      if (stored) {
        const held = new Float64Array(ids.length).fill(NaN);
        const times: number[] = [];
        const rows: Float64Array[] = [];
        for (const s of samplesOf(await querySensorHistory(sql, ids, stored.fromMs, stored.toMs))) {
          for (const r of s.readings) held[m.sensorIndex.get(r.sensorId)!] = r.v;
          times.push(s.t);
          rows.push(Float64Array.from(held));
        }
        m.fitFrom(times, rows);
      }
      let lastWrite = 0;
      const rows: AnomalyScoreRow[] = [];
      for (let c = from; c < to; c += chunkMs) {
        for (const s of samplesOf(
          await querySensorHistory(sql, ids, c, Math.min(to, c + chunkMs)),
        )) {
          for (const r of s.readings) m.setReading(r.sensorId, s.t, r.v);
          m.score(s.t);
          if (s.t - lastWrite >= cfg.DETECTOR_WRITE_INTERVAL_S * 1000) {
            const row = m.takeRow();
            if (row) rows.push(row);
            lastWrite = s.t;
          }
        }
        if (rows.length > 0) {
          await insertAnomalyScores(sql, rows.splice(0));
        }
        bar(++step, steps, asset.tag);
      }
      const last = m.takeRow();
      if (last) await insertAnomalyScores(sql, [last]);
      if (!stored && m.baselineWindow)
        await saveBaseline(sql, asset.id, asset.companyId, m.detectorName, m.baselineWindow);
      written += 1;
    }
    process.stderr.write('\n');
    console.log(
      JSON.stringify({
        assets: written,
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
      }),
    );
  } finally {
    await sql.end();
  }
}

main().catch((err: Error) => {
  console.error(`detector:backfill: ${err.message}`);
  process.exit(1);
});
