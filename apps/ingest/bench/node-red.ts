/**
 * The Node-RED peer of the ingest benchmark: a flow `mqtt in -> function (pg unnest insert)`
 * on the same broker, database and messages. Node-RED 4.1.8 and pg 8 are installed from npm
 * into .data/bench/node-red on first use (STACK.md: Node-RED 5 needs Node 22, and
 * node-red-contrib-postgresql is not in the registry, hence a function node with pg).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestDatabase } from '@ct/db';
import { freePort, type MosquittoHandle } from '@ct/testkit';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const INSTALL_DIR = join(ROOT, '.data', 'bench', 'node-red');

async function run(cmd: string, args: string[], cwd: string): Promise<void> {
  await new Promise<void>((ok, fail) => {
    const c = spawn(cmd, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    c.once('error', fail);
    c.once('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(' ')}: ${err.slice(-500)}`)),
    );
  });
}

async function ensureInstalled(log: (...a: unknown[]) => void): Promise<string> {
  const red = join(INSTALL_DIR, 'node_modules', 'node-red', 'red.js');
  if (existsSync(red) && existsSync(join(INSTALL_DIR, 'node_modules', 'pg'))) return red;
  log('installing node-red@4.1.8 and pg@8 from npm into .data/bench/node-red ...');
  await mkdir(INSTALL_DIR, { recursive: true });
  await writeFile(join(INSTALL_DIR, 'package.json'), '{"private":true}\n');
  await run('npm', ['install', '--no-audit', '--no-fund', 'node-red@4.1.8', 'pg@8'], INSTALL_DIR);
  return red;
}

export interface NodeRedRun {
  db: TestDatabase;
  broker: MosquittoHandle;
  messages: number;
  perMessage: number;
  sensors: number;
  t0: number;
  publish: (url: string, messages: number, perMessage: number, t0: number) => Promise<number>;
  log: (...a: unknown[]) => void;
}

/** Readings per second stored by the Node-RED flow. */
export async function runNodeRed(o: NodeRedRun): Promise<number> {
  const red = await ensureInstalled(o.log);
  await o.db.sql`truncate readings`;
  const userDir = await mkdtemp(join(tmpdir(), 'ct-nodered-'));
  const port = await freePort();
  const brokerPort = o.broker.port;
  const flow = [
    {
      id: 'broker1',
      type: 'mqtt-broker',
      name: 'bench',
      broker: '127.0.0.1',
      port: String(brokerPort),
      clientid: `nodered-${process.pid}`,
      autoConnect: true,
      usetls: false,
      protocolVersion: '4',
      keepalive: '60',
      cleansession: true,
    },
    { id: 'tab1', type: 'tab', label: 'ingest' },
    {
      id: 'in1',
      type: 'mqtt in',
      z: 'tab1',
      name: '',
      topic: 'twin/v1/bench/+/telemetry',
      qos: '1',
      datatype: 'utf8',
      broker: 'broker1',
      nl: false,
      rap: true,
      inputs: 0,
      wires: [['fn1']],
    },
    {
      id: 'fn1',
      type: 'function',
      z: 'tab1',
      name: 'insert',
      func: [
        "const pool = global.get('pool');",
        "const ids = global.get('ids');",
        'const m = JSON.parse(msg.payload);',
        'const t = [], s = [], v = [];',
        'for (const r of m.readings) { const id = ids[r.sensor]; if (id === undefined) continue; t.push(r.t); s.push(id); v.push(r.v); }',
        "await pool.query('insert into readings (time, sensor_id, value, quality) select to_timestamp(t / 1000.0), s, v, 0 from unnest($1::float8[], $2::int[], $3::float8[]) as x(t, s, v) on conflict do nothing', [t, s, v]);",
        'return null;',
      ].join('\n'),
      outputs: 1,
      wires: [[]],
    },
  ];
  await writeFile(join(userDir, 'flows.json'), JSON.stringify(flow));
  const ids: Record<string, number> = {};
  for (const r of await o.db.sql<
    { tag: string; id: number }[]
  >`select tag, id from sensor where company_id = 'bench'`) {
    ids[r.tag] = r.id;
  }
  await writeFile(join(userDir, 'ids.json'), JSON.stringify(ids));
  await writeFile(
    join(userDir, 'settings.js'),
    [
      `const pg = require(${JSON.stringify(join(INSTALL_DIR, 'node_modules', 'pg'))});`,
      'module.exports = {',
      `  uiPort: ${port}, uiHost: '127.0.0.1', httpAdminRoot: false, httpNodeRoot: false,`,
      "  flowFile: 'flows.json', credentialSecret: false,",
      "  logging: { console: { level: 'info' } },",
      `  functionGlobalContext: { pool: new pg.Pool({ connectionString: ${JSON.stringify(o.db.url)}, max: 4 }), ids: require('./ids.json') },`,
      '};',
    ].join('\n'),
  );
  const proc = spawn(
    process.execPath,
    [red, '--userDir', userDir, '--settings', join(userDir, 'settings.js')],
    {
      cwd: userDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  try {
    // the flow is connected once Node-RED logs its start; give the subscription a moment
    await new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => fail(new Error('node-red did not start in 60 s')), 60_000);
      const onData = (d: Buffer) => {
        if (d.toString().includes('Started flows')) {
          clearTimeout(timer);
          ok();
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => fail(new Error(`node-red exited (${code})`)));
    });
    await new Promise((r) => setTimeout(r, 2000));
    const expected = o.messages * o.perMessage;
    const started = Date.now();
    await o.publish(o.broker.url, o.messages, o.perMessage, o.t0);
    let stored = 0;
    let lastChange = Date.now();
    for (;;) {
      const [c] = await o.db.sql<{ n: number }[]>`select count(*)::int as n from readings`;
      if (c!.n !== stored) lastChange = Date.now();
      stored = c!.n;
      if (stored >= expected) break;
      if (Date.now() - lastChange > 20_000)
        throw new Error(`node-red stalled at ${stored} of ${expected} readings`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return Math.round(expected / ((Date.now() - started) / 1000));
  } finally {
    proc.kill('SIGTERM');
    await rm(userDir, { recursive: true, force: true });
  }
}
