import pino from 'pino';
import { loadConfig } from './config';
import { SimulatorError } from './errors';
import { startSimulatorService } from './service';

let cfg;
try {
  cfg = loadConfig();
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exit(2);
}
const log = pino({ name: 'simulator', level: cfg.LOG_LEVEL });
let service;
try {
  service = await startSimulatorService(cfg, log);
} catch (err) {
  const code = err instanceof SimulatorError ? err.code : undefined;
  log.fatal({ code, err: (err as Error).message }, 'simulator could not start');
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: devices marked offline, disconnecting');
  const hard = setTimeout(() => process.exit(1), 5000);
  hard.unref();
  await service!.stop(signal === 'parent exited' ? 'launcher exited' : 'stopped');
  log.info({ ...service!.counters }, 'stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// Started by the launcher over IPC: stop when it goes away, even if it was killed.
process.on('disconnect', () => void shutdown('parent exited'));
