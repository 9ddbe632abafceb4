import type { EquipmentDetail, SegmentDetail } from '@ct/contracts';
import { apiFetch } from '../session/session';

export type Detail =
  { kind: 'segment'; body: SegmentDetail } | { kind: 'equipment'; body: EquipmentDetail };

/** GET /api/segments/:id or /api/equipment/:id. */
export async function fetchDetail(
  kind: 'segment' | 'equipment',
  id: string,
  signal: AbortSignal,
): Promise<Detail> {
  const url = `/api/${kind === 'segment' ? 'segments' : 'equipment'}/${encodeURIComponent(id)}`;
  const res = await apiFetch(url, { signal });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      message = ((await res.json()) as { message?: string }).message ?? message;
    } catch {
      // not JSON
    }
    throw new Error(`${kind} ${id}: ${message}`);
  }
  return kind === 'segment'
    ? { kind, body: (await res.json()) as SegmentDetail }
    : { kind, body: (await res.json()) as EquipmentDetail };
}
