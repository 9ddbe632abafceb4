import type { InjectCommand } from './inject-args';

/** Sends one command to the running simulator's control API; returns the exit code. */
export async function runInject(
  command: InjectCommand,
  print: (text: string) => void,
): Promise<number> {
  const base = command.url.replace(/\/+$/, '');
  let res: Response;
  try {
    if (command.kind === 'create') {
      res = await fetch(`${base}/incidents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(command.request),
      });
    } else if (command.kind === 'list') {
      res = await fetch(`${base}/incidents`);
    } else {
      res = await fetch(`${base}/incidents/${encodeURIComponent(command.id)}`, {
        method: 'DELETE',
      });
    }
  } catch (err) {
    print(
      `cannot reach the simulator at ${base}: ${(err as Error).cause ?? (err as Error).message}`,
    );
    return 3;
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: print as it came
  }
  print(typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  return res.ok ? 0 : 1;
}
