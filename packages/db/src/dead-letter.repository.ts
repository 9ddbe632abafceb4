import type { Queryable } from './client';
import { doing } from './errors';

export interface DeadLetterInput {
  topic: string;
  companyId: string | null;
  deviceId: string | null;
  /** A short machine-readable reason, e.g. `bad_json`, `schema`, `unknown_sensor`. */
  reason: string;
  /** What exactly was wrong, for a person. */
  detail: string | null;
  payload: Buffer;
  /** Size of the payload as received (may exceed payload.length when it was truncated). */
  payloadBytes: number;
}

/** Stores dead letters; runs inside the caller's transaction when given one. */
export async function insertDeadLetters(sql: Queryable, items: DeadLetterInput[]): Promise<void> {
  if (items.length === 0) return;
  await doing('storing dead letters', async () => {
    for (let i = 0; i < items.length; i += 500) {
      const rows = items.slice(i, i + 500).map((d) => ({
        topic: d.topic,
        company_id: d.companyId,
        device_id: d.deviceId,
        reason: d.reason,
        detail: d.detail,
        payload: d.payload,
        payload_bytes: d.payloadBytes,
      }));
      await sql`insert into dead_letter ${sql(rows)}`;
    }
  });
}

export interface DeadLetterRow {
  id: number;
  received_at: Date;
  topic: string;
  company_id: string | null;
  device_id: string | null;
  reason: string;
  detail: string | null;
  payload: Buffer;
  payload_bytes: number;
}

/** The newest dead letters first. */
export async function listDeadLetters(
  sql: Queryable,
  limit: number,
  reason?: string,
): Promise<DeadLetterRow[]> {
  return doing(
    'listing dead letters',
    () => sql<DeadLetterRow[]>`
      select id, received_at, topic, company_id, device_id, reason, detail, payload, payload_bytes
      from dead_letter
      where (${reason ?? null}::text is null or reason = ${reason ?? null})
      order by id desc limit ${limit}`,
  );
}

/** Dead letters per reason, and in all. */
export async function countDeadLetters(
  sql: Queryable,
): Promise<{ total: number; byReason: Record<string, number> }> {
  return doing('counting dead letters', async () => {
    const rows = await sql<{ reason: string; n: number }[]>`
      select reason, count(*)::int as n from dead_letter group by reason`;
    const byReason: Record<string, number> = {};
    let total = 0;
    for (const r of rows) {
      byReason[r.reason] = r.n;
      total += r.n;
    }
    return { total, byReason };
  });
}
