import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Queryable, Sql } from './client';
import { doing } from './errors';

export type StorageMode = 'timescaledb' | 'postgres';
export type StorageChoice = StorageMode | 'auto';

export interface MigrateOptions {
  /** 'auto' uses TimescaleDB when the server has the extension (default). */
  storage?: StorageChoice;
  /** Raw readings older than this are dropped (default 90). */
  retentionDays?: number;
  /** TimescaleDB only: chunks older than this are compressed (default 7). */
  compressAfterDays?: number;
  /**
   * A password for the api's role `ct_api` (needed where the server does not trust local
   * connections); set on every run when given.
   */
  apiPassword?: string;
}

export interface MigrateResult {
  storage: StorageMode;
  applied: string[];
}

const MIGRATIONS_DIR = join(import.meta.dirname, '..', 'migrations');
// Any fixed number works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK_KEY = 7_402_911;

interface MigrationFile {
  version: number;
  name: string;
  variant: StorageMode | null;
  file: string;
}

/** Lists migration files: `NNNN_name.sql` for both modes, `NNNN_name.<mode>.sql` for one. */
async function listMigrations(): Promise<MigrationFile[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file) => {
    const m = /^(\d{4})_([a-z0-9_]+?)(?:\.(timescaledb|postgres))?\.sql$/.exec(file);
    if (!m) throw new Error(`migration file name not understood: ${file}`);
    return {
      version: Number(m[1]),
      name: m[2]!,
      variant: (m[3] as StorageMode | undefined) ?? null,
      file,
    };
  });
}

/** Whether the server can load the TimescaleDB extension. */
export async function timescaleAvailable(sql: Queryable): Promise<boolean> {
  const rows = await sql`select 1 from pg_available_extensions where name = 'timescaledb'`;
  if (rows.length === 0) return false;
  // Available but not preloaded cannot be created: check the setting too.
  const [pre] = await sql<{ v: string }[]>`select current_setting('shared_preload_libraries') as v`;
  return (pre?.v ?? '').split(',').some((s) => s.trim() === 'timescaledb');
}

/**
 * Brings the schema up to date. Safe to call from every process at start: an advisory lock
 * serialises concurrent callers, and the storage mode chosen the first time is kept.
 */
export async function migrate(sql: Sql, options: MigrateOptions = {}): Promise<MigrateResult> {
  return doing('migrating the database', async () => {
    const files = await listMigrations();
    const applied: string[] = [];
    let storage: StorageMode = 'postgres';
    await sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`;
      await tx`create table if not exists schema_migration (
        version integer primary key,
        name text not null,
        variant text,
        applied_at timestamptz not null default now()
      )`;
      await tx`create table if not exists schema_meta (key text primary key, value text not null)`;
      const [recorded] = await tx<{ value: string }[]>`
        select value from schema_meta where key = 'storage'`;
      if (recorded) {
        storage = recorded.value as StorageMode;
      } else {
        const choice = options.storage ?? 'auto';
        storage =
          choice === 'auto'
            ? (await timescaleAvailable(tx))
              ? 'timescaledb'
              : 'postgres'
            : choice;
        if (storage === 'timescaledb') await tx`create extension if not exists timescaledb`;
        await tx`insert into schema_meta (key, value) values ('storage', ${storage})`;
      }
      const done = new Set(
        (await tx<{ version: number }[]>`select version from schema_migration`).map(
          (r) => r.version,
        ),
      );
      for (const m of files) {
        if (done.has(m.version)) continue;
        if (m.variant !== null && m.variant !== storage) continue;
        const text = await readFile(join(MIGRATIONS_DIR, m.file), 'utf8');
        await doing(`applying migration ${m.file}`, () => tx.unsafe(text).simple());
        await tx`insert into schema_migration (version, name, variant)
          values (${m.version}, ${m.name}, ${m.variant})`;
        applied.push(m.file);
      }
      // A table added by a migration, or one rebuilt, gets its class's row security and grants.
      await tx`select ct_apply_tenancy(false)`;
      if (options.apiPassword) {
        await tx.unsafe(`alter role ct_api password ${quoteLiteral(options.apiPassword)}`);
      }
      const retentionDays = options.retentionDays ?? 90;
      await tx`insert into schema_meta (key, value) values ('retention_days', ${String(retentionDays)})
        on conflict (key) do update set value = excluded.value`;
      if (storage === 'timescaledb') {
        const compressAfter = options.compressAfterDays ?? 7;
        await tx`select remove_compression_policy('readings', if_exists => true)`;
        await tx`select add_compression_policy('readings', ${`${compressAfter} days`}::interval)`;
        for (const table of ['readings', 'anomaly_score']) {
          await tx`select remove_retention_policy(${table}, if_exists => true)`;
          await tx`select add_retention_policy(${table}, ${`${retentionDays} days`}::interval)`;
        }
      }
    });
    return { storage, applied };
  });
}

/** A SQL string literal (for the one statement that cannot take a parameter). */
function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The storage mode recorded by `migrate`, or null before the first migration. */
export async function storageMode(sql: Sql): Promise<StorageMode | null> {
  const rows = await sql<{ value: string }[]>`
    select value from schema_meta where key = 'storage'`.catch(() => []);
  return (rows[0]?.value as StorageMode | undefined) ?? null;
}
