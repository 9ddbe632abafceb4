import { randomBytes } from 'node:crypto';
import { connect, type Sql } from './client';

/** Where tests find a PostgreSQL server they may create databases on. */
export const TEST_SERVER_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  sql: Sql;
  /** The database's URL for another role (the api's: `ct_api`, after `migrate`). */
  urlAs: (role: string) => string;
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>;
}

/** Creates an empty, uniquely named database on the test server (a real one, never a mock). */
export async function createTestDatabase(prefix = 'ct_test'): Promise<TestDatabase> {
  const admin = connect(TEST_SERVER_URL, { max: 1 });
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_SERVER_URL);
  url.pathname = `/${name}`;
  const sql = connect(url.toString(), { max: 4 });
  return {
    url: url.toString(),
    name,
    sql,
    urlAs: (role: string) => {
      const u = new URL(url.toString());
      u.username = role;
      u.password = '';
      return u.toString();
    },
    drop: async () => {
      await sql.end({ timeout: 5 });
      const a = connect(TEST_SERVER_URL, { max: 1 });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
