import type postgres from 'postgres';
import type { Role } from '@ct/contracts';
import type { Queryable, Sql } from './client';

/**
 * Who a unit of database work is done for. The policies of migration 0011 read it from the
 * transaction-local settings `ct.role`, `ct.company_id` and `ct.user_id`.
 */
export interface Scope {
  /**
   * An application role, `system` for the api's own work (sign-in, background jobs), or `none`
   * (no one: sees no company data).
   */
  role: Role | 'system' | 'none';
  /** The company of a company role (plant engineer, company admin); null otherwise. */
  companyId: string | null;
  userId: number | null;
}

/** The api's own work: sign-in lookups, sweeps, caches that are filtered per request later. */
export const SYSTEM_SCOPE: Scope = Object.freeze({ role: 'system', companyId: null, userId: null });

/**
 * Runs `fn` in a transaction whose policies see what `scope` may see. The context is
 * transaction-local: it ends with the transaction, so a pooled connection never carries one
 * request's context into another, and a query outside `withScope` sees no company data.
 */
export async function withScope<T>(
  sql: Sql,
  scope: Scope,
  fn: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return (await sql.begin(async (tx) => {
    await tx`select set_config('ct.role', ${scope.role}, true),
      set_config('ct.company_id', ${scope.companyId ?? ''}, true),
      set_config('ct.user_id', ${scope.userId === null ? '' : String(scope.userId)}, true)`;
    return fn(tx);
  })) as T;
}

/** Runs `fn` in a transaction: its own on a pool, a savepoint inside a caller's transaction. */
export async function inTransaction<T>(
  q: Queryable,
  fn: (tx: postgres.TransactionSql) => Promise<T>,
): Promise<T> {
  return ('savepoint' in q ? await q.savepoint(fn) : await q.begin(fn)) as T;
}
