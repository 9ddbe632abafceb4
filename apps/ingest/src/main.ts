import pino from 'pino';
import { loadConfig } from './config';
import { startIngest } from './ingest';

const cfg = loadConfig();
const log = pino({ name: 'ingest', level: cfg.LOG_LEVEL });
const service = await startIngest(cfg, log);
void service.connected.then(() =>
  log.info(
    { instance: cfg.INGEST_INSTANCE, storage: service.storage, ready: true },
    `ingest ready (${service.storage === 'timescaledb' ? 'TimescaleDB' : 'plain PostgreSQL'})`,
  ),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: committing and acknowledging what is held');
  await service.stop();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
// Started by the launcher over IPC: stop when it goes away, even if it was killed.
process.on('disconnect', () => void shutdown('parent exited'));
