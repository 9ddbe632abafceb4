import type { Sql } from '@ct/db';
import pino from 'pino';
import { loadConfig, type IngestConfig } from './config';

/** A company `acme` with one device and `n` pressure sensors `PT-1` .. `PT-n` (ids 1..n). */
export async function seedMiniPlant(sql: Sql, n: number, company = 'acme'): Promise<void> {
  await sql`insert into area (id, name) values ('a1', 'Area 1') on conflict do nothing`;
  await sql`insert into company (id, name, short_name, area_id, plot_m)
    values (${company}, ${company}, ${company.toUpperCase()}, 'a1', '{0,0,1,0,1,1}')`;
  await sql`insert into device (company_id, id, kind, name, area_id)
    values (${company}, 'rtu-1', 'rtu', 'RTU 1', 'a1')`;
  const tags = Array.from({ length: n }, (_, i) => `PT-${i + 1}`);
  await sql`insert into sensor (company_id, device_id, tag, quantity, unit)
    select ${company}, 'rtu-1', tag, 'pressure', 'kPa' from unnest(${tags}::text[]) as tag`;
}

/** Ingest configuration for a test: a unique instance and share group, quiet logs. */
export function testConfig(
  databaseUrl: string,
  mqttUrl: string,
  extra: Partial<Record<string, string>> = {},
): IngestConfig {
  const id = `ingest-test-${process.pid}-${Math.floor(Math.random() * 1e9)}`;
  return loadConfig({
    DATABASE_URL: databaseUrl,
    MQTT_URL: mqttUrl,
    INGEST_INSTANCE: id,
    INGEST_SHARE_GROUP: id,
    STORAGE: 'postgres',
    INGEST_METRICS_INTERVAL_MS: '500',
    ...extra,
  });
}

export const quietLog = pino({ level: 'silent' });
