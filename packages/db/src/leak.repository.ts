import type { LineOperation } from '@ct/contracts';
import type { Queryable } from './client';
import { doing } from './errors';

export interface LineOperationRow {
  id: number;
  company_id: string;
  line_id: string;
  time: Date;
  kind: LineOperation['kind'];
  equipment: string | null;
  settle_s: number | null;
  source: string;
  note: string | null;
  recorded_at: Date;
}

/** Keeps an announced operation; null when the line is unknown. */
export async function recordLineOperation(
  sql: Queryable,
  op: LineOperation,
  source: string,
): Promise<LineOperationRow | null> {
  return doing(`recording a ${op.kind} on line ${op.line}`, async () => {
    const [row] = await sql<LineOperationRow[]>`
      insert into line_operation (company_id, line_id, time, kind, equipment, settle_s, source, note)
      select l.company_id, l.id, ${new Date(op.t)}, ${op.kind}, ${op.equipment ?? null},
        ${op.settle_s ?? null}, ${op.source ?? source}, ${op.note ?? null}
      from line l where l.id = ${op.line} or l.tag = ${op.line}
      limit 1
      returning *`;
    return row ?? null;
  });
}

/** The latest operations announced on a line, newest first. */
export async function listLineOperations(
  sql: Queryable,
  lineId: string,
  limit = 50,
): Promise<LineOperationRow[]> {
  return doing(
    `listing the operations of line ${lineId}`,
    () =>
      sql<LineOperationRow[]>`
      select * from line_operation where line_id = ${lineId} order by time desc limit ${limit}`,
  );
}

export interface LineRow {
  id: string;
  company_id: string;
  tag: string;
  name: string;
  area_id: string;
  substance_id: string;
}

/** One line by id or tag, or null. */
export async function getLine(sql: Queryable, idOrTag: string): Promise<LineRow | null> {
  return doing(`reading line ${idOrTag}`, async () => {
    const [row] = await sql<LineRow[]>`
      select id, company_id, tag, name, area_id, substance_id from line
      where id = ${idOrTag} or tag = ${idOrTag} order by (id = ${idOrTag}) desc limit 1`;
    return row ?? null;
  });
}
