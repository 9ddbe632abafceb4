import { parseArgs } from 'node:util';
import { IncidentRequestSchema, type IncidentRequestInput } from '@ct/contracts';

export const DEFAULT_CONTROL_URL = 'http://127.0.0.1:8090';

export const INJECT_USAGE = `usage: pnpm --filter @ct/simulator inject <command> [options]

commands:
  leak          --segment ID --distance M (--rate-pct P | --rate M3H) [--ramp S] [--duration S] [--start TIME]
  bearing-wear  --equipment ID|TAG [--hours H] [--duration S] [--start TIME]
  sensor-fault  --sensor TAG --mode stuck|spike|drift|dropout [--duration S] [--magnitude K] [--start TIME]
  operation     --line ID|TAG --action pump_start|pump_stop|valve_move [--equipment VALVE] [--factor F]
                [--duration S] [--silent] [--start TIME]   (--silent: not announced)
  list          show the simulator's incidents
  end ID        end an incident now

common options:
  --url URL     the running simulator's control API (default $SIM_URL, else port $CT_SIM_PORT of 127.0.0.1,
                else ${DEFAULT_CONTROL_URL})
  TIME          epoch milliseconds or an ISO 8601 time with offset; default now

example:
  pnpm --filter @ct/simulator inject leak --segment srk-l0001-s02 --distance 40 --rate-pct 5 --ramp 60`;

export type InjectCommand =
  | { kind: 'create'; url: string; request: IncidentRequestInput }
  | { kind: 'list'; url: string }
  | { kind: 'end'; url: string; id: string };

export type InjectParse = { ok: true; command: InjectCommand } | { ok: false; message: string };

const OPTIONS = {
  url: { type: 'string' },
  segment: { type: 'string' },
  distance: { type: 'string' },
  'rate-pct': { type: 'string' },
  rate: { type: 'string' },
  ramp: { type: 'string' },
  duration: { type: 'string' },
  start: { type: 'string' },
  equipment: { type: 'string' },
  hours: { type: 'string' },
  sensor: { type: 'string' },
  mode: { type: 'string' },
  magnitude: { type: 'string' },
  line: { type: 'string' },
  action: { type: 'string' },
  factor: { type: 'string' },
  silent: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  leak: ['segment', 'distance', 'rate-pct', 'rate', 'ramp', 'duration', 'start'],
  'bearing-wear': ['equipment', 'hours', 'duration', 'start'],
  'sensor-fault': ['sensor', 'mode', 'duration', 'magnitude', 'start'],
  operation: ['line', 'action', 'equipment', 'factor', 'duration', 'silent', 'start'],
  list: [],
  end: [],
};

class UsageError extends Error {}

/** Parses the inject CLI's arguments (without `node` and the script); never throws. */
export function parseInjectArgs(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): InjectParse {
  try {
    return { ok: true, command: parse(argv, env) };
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      return { ok: false, message: `${(err as Error).message}\n\n${INJECT_USAGE}` };
    }
    throw err;
  }
}

function parse(argv: readonly string[], env: NodeJS.ProcessEnv): InjectCommand {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  if (values.help) throw new UsageError('help');
  const [command, ...rest] = positionals;
  if (!command) throw new UsageError('missing command');
  const allowed = ALLOWED[command];
  if (!allowed) throw new UsageError(`unknown command "${command}"`);
  for (const key of Object.keys(values)) {
    if (key !== 'url' && !allowed.includes(key))
      throw new UsageError(`--${key} does not apply to ${command}`);
  }
  const port = env.CT_SIM_PORT;
  if (!values.url && !env.SIM_URL && port !== undefined && port !== '') {
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > 65_535)
      throw new UsageError(`CT_SIM_PORT must be a port number (1-65535), got "${port}"`);
  }
  const url =
    values.url ?? env.SIM_URL ?? (port ? `http://127.0.0.1:${port}` : DEFAULT_CONTROL_URL);
  if (!/^https?:\/\/.+/.test(url))
    throw new UsageError(`--url must be an http(s) URL, got "${url}"`);
  const num = (name: keyof typeof values): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n)) {
      throw new UsageError(`--${name} must be a number, got "${String(raw)}"`);
    }
    return n;
  };
  const required = <T>(name: string, v: T | undefined): T => {
    if (v === undefined) throw new UsageError(`${command} needs --${name}`);
    return v;
  };
  const start =
    values.start === undefined
      ? undefined
      : /^\d+(\.\d+)?$/.test(values.start)
        ? Number(values.start)
        : values.start;

  if (command === 'list') {
    if (rest.length > 0) throw new UsageError('list takes no arguments');
    return { kind: 'list', url };
  }
  if (command === 'end') {
    if (rest.length !== 1) throw new UsageError('end needs exactly one incident id');
    return { kind: 'end', url, id: rest[0]! };
  }
  if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);

  let request: IncidentRequestInput;
  if (command === 'leak') {
    const ratePct = num('rate-pct');
    const rate = num('rate');
    if ((ratePct === undefined) === (rate === undefined))
      throw new UsageError('leak needs exactly one of --rate-pct or --rate');
    request = {
      kind: 'leak',
      segment: required('segment', values.segment),
      distance_m: required('distance', num('distance')),
      ...(rate !== undefined ? { rate_m3h: rate } : { rate_pct: ratePct }),
      ...(values.ramp !== undefined ? { ramp_s: num('ramp') } : {}),
      ...(values.duration !== undefined ? { duration_s: num('duration') } : {}),
      ...(start !== undefined ? { start } : {}),
    };
  } else if (command === 'bearing-wear') {
    request = {
      kind: 'bearing_wear',
      equipment: required('equipment', values.equipment),
      ...(values.hours !== undefined ? { hours_to_failure: num('hours') } : {}),
      ...(values.duration !== undefined ? { duration_s: num('duration') } : {}),
      ...(start !== undefined ? { start } : {}),
    };
  } else if (command === 'operation') {
    request = {
      kind: 'operation',
      line: required('line', values.line),
      action: required('action', values.action) as 'pump_stop',
      ...(values.equipment !== undefined ? { equipment: values.equipment } : {}),
      ...(values.factor !== undefined ? { flow_factor: num('factor') } : {}),
      ...(values.duration !== undefined ? { duration_s: num('duration') } : {}),
      ...(values.silent ? { announce: false } : {}),
      ...(start !== undefined ? { start } : {}),
    };
  } else {
    const mode = required('mode', values.mode);
    request = {
      kind: 'sensor_fault',
      sensor: required('sensor', values.sensor),
      mode: mode as 'stuck',
      ...(values.duration !== undefined ? { duration_s: num('duration') } : {}),
      ...(values.magnitude !== undefined ? { magnitude: num('magnitude') } : {}),
      ...(start !== undefined ? { start } : {}),
    };
  }
  const check = IncidentRequestSchema.safeParse(request);
  if (!check.success) {
    const lines = check.error.issues.map(
      (i) => `  ${i.path.join('.') || '(request)'}: ${i.message}`,
    );
    throw new UsageError(`invalid ${command}:\n${lines.join('\n')}`);
  }
  return { kind: 'create', url, request };
}
