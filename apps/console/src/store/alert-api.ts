import type { Alert, AlertWithEvents } from '@ct/contracts';
import { apiFetch } from '../session/session';

export class ActionError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
  }
}

async function errorOf(res: Response, what: string): Promise<ActionError> {
  let message = `${what}: ${res.status} ${res.statusText}`;
  let code = '';
  try {
    const b = (await res.json()) as { message?: string; code?: string };
    message = b.message ?? message;
    code = b.code ?? '';
  } catch {
    // not JSON
  }
  return new ActionError(message, res.status, code);
}

/** GET /api/alerts/:id: the alert with its audit trail. */
export async function fetchAlert(id: number, signal?: AbortSignal): Promise<AlertWithEvents> {
  const res = await apiFetch(`/api/alerts/${id}`, { signal });
  if (!res.ok) throw await errorOf(res, `alert ${id}`);
  return (await res.json()) as AlertWithEvents;
}

export type AlertAction = 'ack' | 'assign' | 'comment' | 'shelve' | 'unshelve' | 'resolve';

/** POST /api/alerts/:id/<action>; the api answers the alert as it now is, or 409 with why not. */
export async function postAlertAction(
  id: number,
  action: AlertAction,
  body: Record<string, unknown>,
): Promise<Alert> {
  const res = await apiFetch(`/api/alerts/${id}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await errorOf(res, `${action} alert ${id}`);
  return (await res.json()) as Alert;
}
