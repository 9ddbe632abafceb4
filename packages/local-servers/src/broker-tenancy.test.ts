import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import {
  createMqttDevice,
  createTestDatabase,
  getMqttAccount,
  listMqttAccounts,
  loadPlant,
  migrate,
  upsertMqttService,
  type TestDatabase,
} from '@ct/db';
import {
  hashMqttPassword,
  renderMosquittoAcl,
  renderMosquittoPasswd,
  type MqttPrincipal,
} from '@ct/mqtt-auth';
import { generatePlant } from '@ct/plant';
import {
  MOSQUITTO_AVAILABLE,
  freePort,
  startMosquitto,
  waitFor,
  type MosquittoHandle,
} from '@ct/testkit';
import { startEmbeddedBroker, type BrokerDenial, type EmbeddedBroker } from './embedded-broker';

const PASSWORD = 'device-secret-0123';

/** A broker under test: its URL and how it reports refused publishes. */
interface BrokerUnderTest {
  url: string;
  denials(): Promise<string>;
  protocols: (4 | 5)[];
}

/**
 * What both brokers must do: a company's device publishes under its own company and nowhere
 * else; the platform's ingest sees only what was allowed; strangers cannot connect.
 */
function tenancySuite(name: string, start: () => Promise<BrokerUnderTest>) {
  describe(name, () => {
    let b: BrokerUnderTest;
    let ingest: mqtt.MqttClient;
    const received: string[] = [];

    beforeAll(async () => {
      b = await start();
      ingest = await mqtt.connectAsync(b.url, {
        clientId: `tenancy-ingest-${process.pid}`,
        username: 'ingest',
        password: PASSWORD,
        protocolVersion: 4,
      });
      ingest.on('message', (topic) => received.push(topic));
      await ingest.subscribeAsync('twin/v1/+/+/telemetry', { qos: 1 });
    });
    afterAll(async () => {
      await ingest?.endAsync(true);
    });

    it('accepts 0 cross-company publishes and delivers the device own company ones', async () => {
      received.length = 0;
      let cross = 0;
      let own = 0;
      for (const protocolVersion of b.protocols) {
        // a refused publish may cost the connection (aedes, MQTT 3.1.1): one client per attempt
        for (let i = 0; i < 5; i++) {
          const dev = await mqtt.connectAsync(b.url, {
            clientId: `tenancy-dev-a-${protocolVersion}-${i}-${process.pid}`,
            username: 'dev-a',
            password: PASSWORD,
            protocolVersion,
            reconnectPeriod: 0,
          });
          dev.on('error', () => {});
          await dev.publishAsync(`twin/v1/${companyA}/gw-1/telemetry`, `own-${i}`, { qos: 1 });
          own++;
          // aedes closes the connection instead of acknowledging: the callback may never come
          const closed = new Promise<number>((r) => dev.once('close', () => r(-1)));
          const attempt = await Promise.race([
            dev.publishAsync(`twin/v1/${companyB}/gw-1/telemetry`, `cross-${i}`, { qos: 1 }).then(
              (p) => (p && 'reasonCode' in p ? (p.reasonCode ?? 0) : 0),
              (e: { code?: number }) => e.code ?? -1,
            ),
            closed,
          ]);
          cross++;
          // MQTT 5 says so in the PUBACK (0x87 not authorized); 3.1.1 cannot, the broker drops it
          if (protocolVersion === 5) expect(attempt).toBe(0x87);
          await dev.endAsync(true).catch(() => {});
        }
      }
      await waitFor(
        () => received.filter((t) => t.includes(`/${companyA}/`)).length === own,
        5000,
        'own-company publishes delivered',
      );
      // give a cross-company message every chance to arrive before counting
      await new Promise((r) => setTimeout(r, 300));
      expect(cross).toBeGreaterThan(0);
      expect(received.filter((t) => t.includes(`/${companyB}/`))).toEqual([]);
    });

    it('logs the device that tried to publish under another company', async () => {
      await waitFor(
        async () => (await b.denials()).includes(`twin/v1/${companyB}/gw-1/telemetry`),
        5000,
        'the refused publish in the broker log',
      );
      expect(await b.denials()).toContain('dev-a');
    });

    it('refuses clients without credentials or with a wrong password', async () => {
      for (const opts of [{}, { username: 'dev-a', password: 'wrong-password-xx' }]) {
        const err = await mqtt
          .connectAsync(b.url, {
            clientId: `tenancy-anon-${process.pid}`,
            reconnectPeriod: 0,
            protocolVersion: 4,
            ...opts,
          })
          .then(
            async (c) => (await c.endAsync(true), null),
            (e: Error) => e,
          );
        expect(err).not.toBeNull();
      }
    });

    it('gives a device nothing of another company, even subscribed to every company', async () => {
      const spy = await mqtt.connectAsync(b.url, {
        clientId: `tenancy-spy-${process.pid}`,
        username: 'dev-a',
        password: PASSWORD,
        protocolVersion: 4,
      });
      const seen: string[] = [];
      spy.on('message', (t) => seen.push(t));
      const other = await mqtt.connectAsync(b.url, {
        clientId: `tenancy-dev-b-${process.pid}`,
        username: 'dev-b',
        password: PASSWORD,
        protocolVersion: 4,
      });
      try {
        // aedes refuses it in the SUBACK (0x80, an error for mqtt.js); Mosquitto grants it and
        // delivers only what the account may read, which for a device is nothing
        await spy.subscribeAsync('twin/v1/#', { qos: 1 }).catch(() => null);
        await other.publishAsync(`twin/v1/${companyB}/gw-9/telemetry`, 'secret', { qos: 1 });
        await waitFor(
          () => received.some((t) => t === `twin/v1/${companyB}/gw-9/telemetry`),
          5000,
          'company B own publish reaching ingest',
        );
        await new Promise((r) => setTimeout(r, 200));
        expect(seen).toEqual([]);
      } finally {
        await spy.endAsync(true);
        await other.endAsync(true);
      }
    });
  });
}

let db: TestDatabase;
let companyA = '';
let companyB = '';

beforeAll(async () => {
  db = await createTestDatabase('ct_broker');
  await migrate(db.sql, { storage: 'postgres' });
  const plant = generatePlant({ seed: 3, size: 'small' });
  await loadPlant(db.sql, plant);
  companyA = plant.companies[0]!.id;
  companyB = plant.companies[1]!.id;
  const hash = await hashMqttPassword(PASSWORD);
  await createMqttDevice(db.sql, {
    username: 'dev-a',
    companyId: companyA,
    passwordHash: hash,
    description: 'gateway of company A',
    createdBy: null,
  });
  await createMqttDevice(db.sql, {
    username: 'dev-b',
    companyId: companyB,
    passwordHash: hash,
    description: 'gateway of company B',
    createdBy: null,
  });
  await upsertMqttService(db.sql, { username: 'ingest', service: 'ingest', passwordHash: hash });
});
afterAll(async () => {
  await db?.drop();
});

describe.runIf(MOSQUITTO_AVAILABLE)(
  'MQTT tenancy on Mosquitto with files written from the database',
  () => {
    let mosquitto: MosquittoHandle;
    let dir: string;
    afterAll(async () => {
      await mosquitto?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });
    tenancySuite('Mosquitto 2', async () => {
      dir = await mkdtemp(join(tmpdir(), 'ct-mosq-auth-'));
      // started as root, Mosquitto drops to its own user, which must read the files and log here
      await chmod(dir, 0o777);
      const accounts = await listMqttAccounts(db.sql);
      await writeFile(join(dir, 'passwd'), renderMosquittoPasswd(accounts), { mode: 0o644 });
      await writeFile(join(dir, 'acl'), renderMosquittoAcl(accounts), { mode: 0o644 });
      mosquitto = await startMosquitto(
        [
          `password_file ${join(dir, 'passwd')}`,
          `acl_file ${join(dir, 'acl')}`,
          'log_dest stderr',
          'log_type all',
        ].join('\n'),
        { allowAnonymous: false },
      );
      const port = mosquitto;
      return {
        url: port.url,
        protocols: [4, 5],
        // "Denied PUBLISH from <client id> (..., '<topic>', ...)"; client ids here name the device
        denials: async () =>
          port
            .log()
            .split('\n')
            .filter((l) => l.includes('Denied PUBLISH'))
            .join('\n'),
      };
    });
  },
);

describe('MQTT tenancy on the embedded broker (aedes hooks)', () => {
  let broker: EmbeddedBroker;
  const denials: BrokerDenial[] = [];
  afterAll(async () => {
    await broker?.stop();
  });
  tenancySuite('aedes', async () => {
    broker = await startEmbeddedBroker(await freePort(), '127.0.0.1', {
      async account(username) {
        const a = await getMqttAccount(db.sql, username);
        if (!a || a.disabled) return null;
        const principal: MqttPrincipal =
          a.kind === 'device'
            ? { kind: 'device', username: a.username, companyId: a.company_id! }
            : { kind: 'service', username: a.username, service: a.service! };
        return { principal, passwordHash: a.password_hash };
      },
      onDenied: (d) => denials.push(d),
    });
    return {
      url: broker.url,
      protocols: [4],
      denials: async () =>
        denials
          .filter((d) => d.what === 'publish')
          .map((d) => `${d.username} ${d.topic}`)
          .join('\n'),
    };
  });
});
