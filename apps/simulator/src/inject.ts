import { INJECT_USAGE, parseInjectArgs } from './inject-args';
import { runInject } from './inject-client';

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  process.stdout.write(`${INJECT_USAGE}\n`);
  process.exit(0);
}
const parsed = parseInjectArgs(argv);
if (!parsed.ok) {
  process.stderr.write(`${parsed.message}\n`);
  process.exit(2);
}
process.exit(await runInject(parsed.command, (t) => process.stdout.write(`${t}\n`)));
