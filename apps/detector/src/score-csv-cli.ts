/** The `pnpm score-csv` command line (see score-csv.ts). */
import { parseArgs } from 'node:util';
import { USAGE, scoreCsv } from './score-csv';

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        in: { type: 'string' },
        out: { type: 'string' },
        detector: { type: 'string' },
        train: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (args.help || !args.in || !args.out) {
    console.error(USAGE);
    process.exit(args.help ? 0 : 2);
  }
  const train = args.train === undefined ? undefined : Number(args.train);
  if (train !== undefined && (!Number.isInteger(train) || train < 2)) {
    console.error(`--train must be a whole number of rows >= 2\n${USAGE}`);
    process.exit(2);
  }
  try {
    const r = await scoreCsv({ input: args.in, output: args.out, detector: args.detector, train });
    console.error(
      `scored ${r.rows} rows (${r.skipped} skipped) in ${r.seconds.toFixed(1)} s ` +
        `(${Math.round(r.rows / r.seconds)} rows/s): ${r.anomalies} anomalous, ${r.changepoints} changepoints -> ${args.out}`,
    );
  } catch (err) {
    console.error(`score-csv: ${(err as Error).message}`);
    process.exit(1);
  }
}

await main();
