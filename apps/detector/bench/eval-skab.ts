/**
 * `pnpm eval:skab`: the streaming detector on SKAB under the official protocol. Per file a fresh
 * detector learns from the first 400 rows, then every row is fed in order (causal); the test rows
 * are scored with the official metrics: outliers from `anomaly`, changepoints from `changepoint`.
 * Progress goes to stderr; the last line of stdout is one JSON object with the figures.
 *
 *   --detector NAME       a named detector (default: the default detector)
 *   --set k=v[,k=v]       override options, e.g. --set smoothing=0.05,offDelay=20
 *   --anomaly-free        also learn from anomaly-free.csv (the protocol allows it)
 *   --files TEXT          only files whose name contains TEXT (not comparable to the leaderboard)
 *   --sensitivity         also run each tuned parameter halved and doubled; prints a table
 *   --verbose             per-file figures on stderr
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  DEFAULT_DETECTOR,
  createDetector,
  nabScore,
  outlierMetrics,
  runProtocol,
  type DetectorOptions,
  type ProtocolResult,
  type TrainingSegment,
} from '@ct/analytics';
import { SKAB_COLUMNS, SKAB_TRAIN_ROWS, loadSkab, type SkabFile } from '../src/skab/dataset';

/**
 * The hyper-parameters chosen with SKAB in view, and the factors the sensitivity check applies:
 * halved and doubled, except the floor probability, a probability, moved a hundredfold.
 */
export const TUNED_PARAMETERS = [
  ['smoothing', [0.5, 2]],
  ['threshold', [0.5, 2]],
  ['holdout', [0.5, 2]],
  ['offDelay', [0.5, 2]],
  ['changeThreshold', [0.5, 2]],
  ['floorProbability', [0.01, 100]],
] as const;

export interface SkabFigures {
  f1: number;
  far: number;
  mar: number;
  cpd_standard: number;
  cpd_lowfp: number;
  cpd_lowfn: number;
  missed_cp: number;
  fp_cp: number;
}

/** Runs the protocol on the given files with one detector configuration. */
export function evaluateSkab(
  files: readonly SkabFile[],
  detector: string,
  options: DetectorOptions = {},
  o: { extraTraining?: TrainingSegment[]; onFile?: (line: string) => void } = {},
): ProtocolResult {
  const columns = [...SKAB_COLUMNS];
  return runProtocol(files, {
    trainRows: SKAB_TRAIN_ROWS,
    create: () => createDetector(detector, columns, options),
    extraTraining: o.extraTraining,
    onFile: (name, a, c) => {
      if (!o.onFile) return;
      const f = files.find((x) => x.name === name)!;
      const truth = f.anomaly.slice(SKAB_TRAIN_ROWS);
      const m = outlierMetrics([truth], [a]);
      const n = nabScore([
        {
          times: f.times.slice(SKAB_TRAIN_ROWS),
          truth: f.changepoint.slice(SKAB_TRAIN_ROWS),
          alarms: c,
        },
      ]);
      o.onFile(
        `${name.padEnd(14)} F1 ${m.f1.toFixed(2)}  FAR ${m.far.toFixed(1).padStart(5)}  MAR ${m.mar.toFixed(1).padStart(5)}  CPD ${n.standard.toFixed(1).padStart(6)}  missed ${n.missed}/${n.windows}  FP ${n.fp}`,
      );
    },
  });
}

export function figures(r: ProtocolResult): SkabFigures {
  const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
  return {
    f1: round(r.outlier.f1, 4),
    far: round(r.outlier.far, 2),
    mar: round(r.outlier.mar, 2),
    cpd_standard: r.changepoint.standard,
    cpd_lowfp: r.changepoint.lowFp,
    cpd_lowfn: r.changepoint.lowFn,
    missed_cp: r.changepoint.missed,
    fp_cp: r.changepoint.fp,
  };
}

function parseArgs(argv: string[]) {
  const a = {
    detector: DEFAULT_DETECTOR,
    options: {} as Record<string, number | string>,
    anomalyFree: false,
    files: '',
    sensitivity: false,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--detector') a.detector = argv[++i] ?? a.detector;
    else if (k === '--set') {
      for (const kv of (argv[++i] ?? '').split(',').filter(Boolean)) {
        const [key, v] = kv.split('=');
        if (!key || v === undefined) throw new Error(`--set expects k=v, got "${kv}"`);
        a.options[key] = Number.isNaN(Number(v)) ? v : Number(v);
      }
    } else if (k === '--anomaly-free') a.anomalyFree = true;
    else if (k === '--files') a.files = argv[++i] ?? '';
    else if (k === '--sensitivity') a.sensitivity = true;
    else if (k === '--verbose') a.verbose = true;
    else throw new Error(`unknown argument ${k}`);
  }
  return a;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (l: string) => process.stderr.write(`${l}\n`);
  const { files: all, anomalyFree } = await loadSkab();
  const files = args.files ? all.filter((f) => f.name.includes(args.files)) : all;
  const extraTraining = args.anomalyFree
    ? [{ times: anomalyFree.times, rows: anomalyFree.values }]
    : undefined;
  const options = args.options as DetectorOptions;
  log(`SKAB: ${files.length} files, detector ${args.detector} ${JSON.stringify(options)}`);

  const started = performance.now();
  const r = evaluateSkab(files, args.detector, options, {
    extraTraining,
    onFile: args.verbose ? log : (line) => log(line.slice(0, 14) + ' done'),
  });
  const seconds = (performance.now() - started) / 1000;
  const main = figures(r);

  if (args.sensitivity) {
    const { MEWMA_DEFAULTS } = await import('@ct/analytics');
    log('sensitivity: each tuned parameter moved on its own');
    const lines = ['| parameter | value | F1 | FAR % | MAR % | CPD Standard | missed | FP |'];
    lines.push('|---|---|---|---|---|---|---|---|');
    const row = (p: string, v: number | string, f: SkabFigures) =>
      `| ${p} | ${v} | ${f.f1.toFixed(3)} | ${f.far.toFixed(1)} | ${f.mar.toFixed(1)} | ${f.cpd_standard.toFixed(2)} | ${f.missed_cp} | ${f.fp_cp} |`;
    lines.push(row('(chosen)', '', main));
    for (const [p, factors] of TUNED_PARAMETERS) {
      const base = (options as Record<string, number>)[p] ?? MEWMA_DEFAULTS[p];
      for (const factor of factors) {
        let v = Number((base * factor).toPrecision(6));
        if (p === 'offDelay') v = Math.round(v);
        if (p === 'smoothing') v = Math.min(1, v);
        if (p === 'holdout') v = Math.min(0.9, v);
        const f = figures(
          evaluateSkab(files, args.detector, { ...options, [p]: v }, { extraTraining }),
        );
        lines.push(row(p, `${factor === 0.5 ? '½' : factor}× = ${v}`, f));
        log(`  ${p} = ${v}: F1 ${f.f1} FAR ${f.far} CPD ${f.cpd_standard}`);
      }
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }

  const out = {
    ...main,
    cpd_from_outliers_standard: r.changepointFromOutliers.standard,
    detector: args.detector,
    options,
    anomaly_free: args.anomalyFree,
    files: files.length,
    test_rows: r.outlier.tp + r.outlier.fp + r.outlier.tn + r.outlier.fn,
    rows: r.rows,
    seconds: Math.round(seconds * 100) / 100,
    rows_per_s: Math.round(r.rows / seconds),
    date: new Date().toISOString().slice(0, 10),
    node: process.version,
    cpu: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
