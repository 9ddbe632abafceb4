import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePlant } from '@ct/plant';
import { connect, type Sql } from './client';
import { migrate } from './migrate';
import { loadPlant } from './plant.repository';
import { withScope, type Scope } from './scope';
import { fixtureCompanies, seedCompanyData, type CompanyFixture } from './tenancy-fixture';
import { createTestDatabase, type TestDatabase } from './testing';

/** Tables of the public schema with a column of that name (partitions follow their parent). */
async function tablesWith(sql: Sql, column: string): Promise<string[]> {
  const rows = await sql<{ t: string }[]>`
    select c.relname as t from pg_class c join pg_attribute a on a.attrelid = c.oid
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      and not c.relispartition and a.attname = ${column} and not a.attisdropped
      and c.relname not like '%\\_next'
    order by 1`;
  return rows.map((r) => r.t);
}

describe('tenancy in PostgreSQL: the api role under row-level security', () => {
  let db: TestDatabase;
  /** Connected as ct_api, as the api is. */
  let api: Sql;
  let a: CompanyFixture;
  let b: CompanyFixture;
  const engineerOf = (c: CompanyFixture): Scope => ({
    role: 'plant_engineer',
    companyId: c.companyId,
    userId: null,
  });

  beforeAll(async () => {
    db = await createTestDatabase('ct_tenancy');
    await migrate(db.sql, { storage: 'postgres' });
    const plant = generatePlant({ seed: 5, size: 'small' });
    await loadPlant(db.sql, plant);
    const fixture = await seedCompanyData(db.sql, plant, fixtureCompanies(plant));
    a = fixture[0]!;
    b = fixture[1]!;
    api = connect(db.urlAs('ct_api'), { max: 2 });
  }, 120_000);

  afterAll(async () => {
    await api?.end();
    await db?.drop();
  });

  it('connects the api as a role that is no superuser, cannot bypass row security and owns nothing', async () => {
    const [r] = await api<{ user: string; sup: boolean; bypass: boolean; owns: number }[]>`
      select current_user as user, rolsuper as sup, rolbypassrls as bypass,
        (select count(*)::int from pg_class where relowner = r.oid) as owns
      from pg_roles r where rolname = current_user`;
    expect(r).toEqual({ user: 'ct_api', sup: false, bypass: false, owns: 0 });
  });

  it('has row security and a policy on every table that holds company data', async () => {
    const company = await tablesWith(db.sql, 'company_id');
    const sensor = await tablesWith(db.sql, 'sensor_id');
    // what the issue and the other migrations hold today; a new one is caught by the loop below
    expect(company).toEqual(
      expect.arrayContaining(['alert', 'segment', 'segment_condition', 'audit_log']),
    );
    expect(sensor).toEqual(expect.arrayContaining(['readings', 'readings_1m', 'readings_1h']));
    const unprotected: string[] = [];
    for (const t of [...company, ...sensor]) {
      const [r] = await db.sql<{ rls: boolean; policies: number }[]>`
        select c.relrowsecurity as rls,
          (select count(*)::int from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname) as policies
        from pg_class c where c.oid = ${`public.${t}`}::regclass`;
      if (!r?.rls || r.policies === 0) unprotected.push(t);
    }
    expect(unprotected).toEqual([]);
  });

  it('protects a company table added later without a policy of its own', async () => {
    await db.sql`create table later_company_data (id serial primary key, company_id text not null, secret text)`;
    await db.sql`insert into later_company_data (company_id, secret)
      values (${a.companyId}, 'a'), (${b.companyId}, 'b')`;
    await migrate(db.sql, { storage: 'postgres' });
    const seen = await withScope(
      api,
      engineerOf(a),
      (tx) => tx<{ secret: string }[]>`select secret from later_company_data`,
    );
    expect(seen.map((r) => r.secret)).toEqual(['a']);
  });

  it('returns 0 rows of another company from any table, for a plant engineer and with no context', async () => {
    const company = await tablesWith(db.sql, 'company_id');
    const leaks: string[] = [];
    let checked = 0;
    for (const t of company) {
      // the fixture wrote rows of both companies; the owner sees the other company's
      const [{ n: exists } = { n: 0 }] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from ${db.sql(t)} where company_id = ${b.companyId}`;
      for (const scope of [
        engineerOf(a),
        { role: 'none', companyId: null, userId: null } as Scope,
      ]) {
        const n = await withScope(api, scope, (tx) =>
          tx<{ n: number }[]>`select count(*)::int as n from ${tx(t)}
            where company_id is distinct from ${scope.companyId}`.then(
            (r) => r[0]!.n,
            // no privilege at all: nothing returned either
            (err: { code?: string }) => (err.code === '42501' ? 0 : Promise.reject(err)),
          ),
        );
        checked++;
        if (n > 0) leaks.push(`${t} (${scope.role}): ${n} of ${exists}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(leaks).toEqual([]);
    // the check could fail: the other company's rows are there for the owner
    const [x] = await db.sql<{ n: number }[]>`
      select count(*)::int as n from alert where company_id = ${b.companyId}`;
    expect(x!.n).toBeGreaterThan(0);
  });

  it('returns no readings of another company, neither from the tables nor through the functions', async () => {
    const out = await withScope(api, engineerOf(a), async (tx) => {
      // in a savepoint: the refusal must not end the transaction
      const denied = await tx
        .savepoint((sp) => sp`select count(*) from readings`)
        .then(
          () => 'read',
          (err: { code?: string }) => err.code,
        );
      const fn = async (sensor: number) => ({
        raw: (
          await tx`select * from ct_readings(${sensor}, now() - interval '2 hours', now(), 1000)`
        ).length,
        latest: (await tx`select * from ct_latest_reading(${sensor})`).length,
        rollup: (
          await tx`select * from ct_rollup('1m', ${sensor}, now() - interval '1 day', now() + interval '1 hour', 100)`
        ).length,
        values: (
          await tx<
            { sensor_id: number }[]
          >`select sensor_id from ct_latest_values(now() - interval '1 day')`
        ).filter((r) => r.sensor_id === sensor).length,
      });
      return { denied, own: await fn(a.sensorId), other: await fn(b.sensorId) };
    });
    expect(out.denied).toBe('42501');
    expect(out.other).toEqual({ raw: 0, latest: 0, rollup: 0, values: 0 });
    expect(out.own).toEqual({ raw: 60, latest: 1, rollup: 1, values: 1 });
  });

  it('shows the control room every company’s map and incidents, but no process data', async () => {
    const op: Scope = { role: 'operator', companyId: null, userId: null };
    const seen = await withScope(api, op, async (tx) => ({
      segments: (await tx<{ c: string }[]>`select distinct company_id as c from segment`).length,
      alerts: await tx<{ id: number }[]>`select id from alert order by id`,
      scores: (await tx`select 1 from anomaly_score`).length,
      conditions: (await tx`select 1 from segment_condition`).length,
    }));
    expect(seen.segments).toBeGreaterThan(2);
    expect(seen.alerts.map((r) => r.id).sort()).toEqual(
      [a.incidentAlertId, b.incidentAlertId].sort(),
    );
    expect(seen.scores).toBe(0);
    expect(seen.conditions).toBe(0);
  });

  it('refuses writes into another company’s rows', async () => {
    const engineer = engineerOf(a);
    const insert = await withScope(
      api,
      engineer,
      (tx) =>
        tx`insert into inspection_campaign (name, source, readings, company_id)
        values ('forged', 'csv', 0, ${b.companyId})`,
    ).then(
      () => 'inserted',
      (err: { code?: string; cause?: { code?: string } }) => err.code ?? err.cause?.code,
    );
    expect(insert).toBe('42501');
    const updated = await withScope(
      api,
      engineer,
      (tx) => tx`update alert set assignee = 'mallory' where id = ${b.incidentAlertId}`,
    );
    expect(updated.count).toBe(0);
  });

  it('keeps the audit log append-only for every role, the owner included', async () => {
    const asApi = await withScope(
      api,
      { role: 'complex_admin', companyId: null, userId: null },
      (tx) => tx`update audit_log set actor = 'someone else'`,
    ).then(
      () => 'updated',
      (err: { code?: string }) => err.code,
    );
    expect(asApi).toBe('42501');
    for (const statement of [
      'update audit_log set actor = $1',
      'delete from audit_log where actor <> $1',
    ]) {
      await expect(db.sql.unsafe(statement, ['x'])).rejects.toThrow(/append-only/);
    }
    await expect(db.sql`truncate audit_log`).rejects.toThrow(/append-only/);
  });
});
