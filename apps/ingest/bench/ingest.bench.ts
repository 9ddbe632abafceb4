/**
 * `pnpm bench:ingest`: readings per second through a real Mosquitto into the real database at
 * QoS 1, against a raw COPY of the same rows into the same table measured in the same run, and
 * (1 reading per message) against what the broker alone passes to a plain subscriber. Prints
 * progress to stderr and one JSON object as the last line of stdout.
 *
 * Options (env): BENCH_READINGS (default 3,000,000), BENCH_PER_MESSAGE (50), BENCH_SENSORS
 * (10,000), BENCH_PUBLISHERS (2), BENCH_SINGLE_MESSAGES (300,000: the 1-reading-per-message
 * runs), BENCH_NODE_RED (1: also measure Node-RED when it can be installed), BENCH_STORAGE
 * (`postgres`, or `timescaledb` where the server has the extension), TEST_DATABASE_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';
import { createTestDatabase, migrate, type TestDatabase } from '@ct/db';
import { startMosquitto, type MosquittoHandle } from '@ct/testkit';
import { runNodeRed } from './node-red';
import { copyLimit } from './raw-copy';

const READINGS = Number(process.env.BENCH_READINGS ?? 3_000_000);
const PER_MESSAGE = Number(process.env.BENCH_PER_MESSAGE ?? 50);
const SENSORS = Number(process.env.BENCH_SENSORS ?? 10_000);
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 2);
const SINGLE_MESSAGES = Number(process.env.BENCH_SINGLE_MESSAGES ?? 300_000);
const NODE_RED = process.env.BENCH_NODE_RED !== '0';
const STORAGE = (process.env.BENCH_STORAGE ?? 'postgres') as 'postgres' | 'timescaledb';
const HERE = import.meta.dirname;

const log = (...a: unknown[]) => console.error('[bench]', ...a);

function child(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  flags: string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...flags, '--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
}

async function firstJson<T>(c: ChildProcess, pred: (x: T) => boolean = () => true): Promise<T> {
  for await (const line of createInterface({ input: c.stdout! })) {
    if (!line.startsWith('{')) continue;
    const j = JSON.parse(line) as T;
    if (pred(j)) return j;
  }
  throw new Error('child ended without the expected line');
}

async function seedSensors(db: TestDatabase): Promise<void> {
  await db.sql`insert into area (id, name) values ('bench', 'Bench')`;
  await db.sql`insert into company (id, name, short_name, area_id, plot_m)
    values ('bench', 'Bench', 'BNCH', 'bench', '{0,0,1,0,1,1}')`;
  await db.sql`insert into device (company_id, id, kind, name, area_id)
    values ('bench', 'rtu-1', 'rtu', 'Bench RTU', 'bench')`;
  await db.sql`insert into sensor (company_id, device_id, tag, quantity, unit)
    select 'bench', 'rtu-1', 'PT-' || g, 'pressure', 'kPa' from generate_series(1, ${SENSORS}) g`;
}

/** Publishes `messages` x `perMessage` readings from PUBLISHERS processes; resolves when acked. */
async function publishAll(
  url: string,
  messages: number,
  perMessage: number,
  t0: number,
): Promise<number> {
  const per = Math.ceil(messages / PUBLISHERS);
  const started = Date.now();
  const pubs = Array.from({ length: PUBLISHERS }, (_, i) => {
    const n = Math.min(per, messages - i * per);
    return child(join(HERE, 'publisher.ts'), [
      url,
      String(i),
      String(n),
      String(perMessage),
      String(SENSORS),
      String(i * per * perMessage),
      String(t0),
    ]);
  });
  await Promise.all(pubs.map((p) => firstJson(p)));
  return (Date.now() - started) / 1000;
}

interface IngestRun {
  readings_per_s: number;
  seconds: number;
  publish_seconds: number;
  stored: number;
  distinct: number;
  redelivered_skipped: number;
}

/** Starts ingest as its own process, publishes, and times until every reading is stored. */
async function ingestRun(
  broker: MosquittoHandle,
  db: TestDatabase,
  messages: number,
  perMessage: number,
  t0: number,
): Promise<IngestRun> {
  await db.sql`truncate readings`;
  const instance = `bench-ingest-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  const ingest = child(
    join(HERE, '..', 'src', 'main.ts'),
    [],
    {
      DATABASE_URL: db.url,
      MQTT_URL: broker.url,
      INGEST_INSTANCE: instance,
      INGEST_SHARE_GROUP: instance,
      STORAGE: STORAGE,
      LOG_LEVEL: 'warn',
      INGEST_METRICS_INTERVAL_MS: process.env.BENCH_METRICS_MS ?? '250',
    },
    process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [],
  );
  const expected = messages * perMessage;
  const watcher = await mqtt.connectAsync(broker.url, { clientId: `${instance}-watch` });
  await watcher.subscribeAsync(`twin/sys/ingest/${instance}/+`);
  let resolveOnline!: () => void;
  const online = new Promise<void>((r) => (resolveOnline = r));
  let resolveDone!: (t: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  const lastMetrics = { stored_readings_total: 0, duplicate_readings_total: 0 };
  watcher.on('message', (topic, payload) => {
    const j = JSON.parse(payload.toString());
    if (topic.endsWith('/heartbeat') && j.state === 'online') resolveOnline();
    if (topic.endsWith('/metrics')) {
      Object.assign(lastMetrics, j);
      if (j.stored_readings_total + j.duplicate_readings_total >= expected) resolveDone(Date.now());
    }
  });
  await online;
  const started = Date.now();
  const publishSeconds = await publishAll(broker.url, messages, perMessage, t0);
  const finished = await done;
  ingest.kill('SIGTERM');
  await once(ingest, 'exit');
  await watcher.endAsync();
  const [c] = await db.sql<{ n: number; d: number }[]>`
    select count(*)::int as n, count(distinct (sensor_id, time))::int as d from readings`;
  const seconds = (finished - started) / 1000;
  return {
    readings_per_s: Math.round(expected / seconds),
    seconds,
    publish_seconds: publishSeconds,
    stored: c!.n,
    distinct: c!.d,
    redelivered_skipped: lastMetrics.duplicate_readings_total,
  };
}

/** What the broker alone passes: the same publishers into a subscriber that only counts. */
async function brokerAlone(
  broker: MosquittoHandle,
  messages: number,
  perMessage: number,
  t0: number,
): Promise<number> {
  const counter = child(join(HERE, 'counter-subscriber.ts'), [broker.url, String(messages)]);
  await firstJson<{ subscribed?: boolean }>(counter, (j) => j.subscribed === true);
  const started = Date.now();
  const result = firstJson<{ messages: number; last: number }>(
    counter,
    (j) => j.messages !== undefined,
  );
  await publishAll(broker.url, messages, perMessage, t0);
  const r = await result;
  return Math.round((messages * perMessage) / ((r.last - started) / 1000));
}

async function main(): Promise<void> {
  const db = await createTestDatabase('ct_bench');
  const broker = await startMosquitto();
  try {
    await migrate(db.sql, { storage: STORAGE });
    await seedSensors(db);
    const t0 = Date.now() - 3_600_000;

    log(`raw COPY of ${READINGS} rows into readings (same table, same rows) ...`);
    const copy = await copyLimit(db, READINGS, SENSORS, t0, STORAGE);
    log('copy', copy);

    const messages = Math.ceil(READINGS / PER_MESSAGE);
    log(`ingest: ${messages} messages x ${PER_MESSAGE} readings through Mosquitto, QoS 1 ...`);
    const batched = await ingestRun(broker, db, messages, PER_MESSAGE, t0);
    log('ingest batched', batched);

    log(`broker alone: ${SINGLE_MESSAGES} messages x 1 reading, QoS 1 ...`);
    const brokerSingle = await brokerAlone(broker, SINGLE_MESSAGES, 1, t0);
    log('broker alone', brokerSingle);
    log(`ingest: ${SINGLE_MESSAGES} messages x 1 reading ...`);
    const single = await ingestRun(broker, db, SINGLE_MESSAGES, 1, t0);
    log('ingest single', single);

    let nodeRed: number | null = null;
    let nodeRedNote: string | null = null;
    if (NODE_RED) {
      try {
        nodeRed = await runNodeRed({
          db,
          broker,
          messages,
          perMessage: PER_MESSAGE,
          sensors: SENSORS,
          t0,
          publish: publishAll,
          log,
        });
      } catch (err) {
        nodeRedNote = (err as Error).message.slice(0, 300);
        log('node-red not measured:', nodeRedNote);
      }
    }

    const expected = messages * PER_MESSAGE;
    const result = {
      benchmark: 'ingest',
      date: new Date().toISOString(),
      readings: expected,
      readings_per_msg: PER_MESSAGE,
      qos: 1,
      broker: 'mosquitto 2.0 (infra queue settings)',
      storage: STORAGE,
      readings_per_s: batched.readings_per_s,
      copy_limit_per_s: copy.single_stream_per_s,
      copy_limit_parallel_per_s: copy.parallel_per_s,
      ratio: Math.round((batched.readings_per_s / copy.single_stream_per_s) * 1000) / 1000,
      // ingest commits on two connections at once: the stricter yardstick is two COPY streams
      ratio_to_parallel_copy:
        Math.round((batched.readings_per_s / copy.parallel_per_s) * 1000) / 1000,
      lost: expected - batched.distinct,
      duplicated: batched.stored - batched.distinct,
      redelivered_skipped: batched.redelivered_skipped,
      single_reading_per_s: single.readings_per_s,
      broker_alone_single_per_s: brokerSingle,
      single_ratio_to_broker: Math.round((single.readings_per_s / brokerSingle) * 1000) / 1000,
      single_lost: SINGLE_MESSAGES - single.distinct,
      node_red_per_s: nodeRed,
      ...(nodeRedNote ? { node_red_note: nodeRedNote } : {}),
    };
    console.log(JSON.stringify(result));
  } finally {
    await broker.stop();
    await db.drop();
  }
}

await main();
process.exit(0);
