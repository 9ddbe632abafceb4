/**
 * `pnpm mqtt:config [--out <folder>]`: writes Mosquitto's password file and ACL from the
 * mqtt_account table (default into infra/mosquitto/). With INGEST_MQTT_PASSWORD,
 * API_MQTT_PASSWORD, DETECTOR_MQTT_PASSWORD and SIM_MQTT_PASSWORD set, the services' accounts
 * are created or re-keyed first (the compose `setup` job does). Then `kill -HUP` Mosquitto.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { connect, listMqttAccounts, migrate, upsertMqttService } from '@ct/db';
import { hashMqttPassword, renderMosquittoAcl, renderMosquittoPasswd } from '@ct/mqtt-auth';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const i = process.argv.indexOf('--out');
const out = resolve(
  i > 0 && process.argv[i + 1]
    ? process.argv[i + 1]!
    : join(import.meta.dirname, '..', '..', '..', 'infra', 'mosquitto'),
);
const sql = connect(url, { max: 1, applicationName: 'mqtt-config' });
try {
  await migrate(sql);
  const env = {
    ingest: process.env.INGEST_MQTT_PASSWORD,
    api: process.env.API_MQTT_PASSWORD,
    detector: process.env.DETECTOR_MQTT_PASSWORD,
    simulator: process.env.SIM_MQTT_PASSWORD,
  } as const;
  for (const [service, password] of Object.entries(env) as [
    keyof typeof env,
    string | undefined,
  ][]) {
    if (password)
      await upsertMqttService(sql, {
        username: service,
        service,
        passwordHash: await hashMqttPassword(password),
      });
  }
  const accounts = await listMqttAccounts(sql);
  await mkdir(out, { recursive: true });
  // the password file holds hashes only, but still: readable by its owner alone, unless the
  // broker runs as another user (MQTT_CONFIG_MODE=644 in docker-compose)
  const mode = parseInt(process.env.MQTT_CONFIG_MODE ?? '600', 8);
  await writeFile(join(out, 'passwd'), renderMosquittoPasswd(accounts), { mode });
  await writeFile(join(out, 'acl'), renderMosquittoAcl(accounts), { mode: 0o644 });
  const devices = accounts.filter((a) => a.kind === 'device' && !a.disabled).length;
  console.log(
    `wrote ${join(out, 'passwd')} and ${join(out, 'acl')}: ${accounts.length - devices} services, ${devices} devices`,
  );
} finally {
  await sql.end();
}
