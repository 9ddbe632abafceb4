import pino from 'pino';
import { loadConfig } from './config';
import { startDetector } from './detector-service';

const cfg = loadConfig();
const log = pino({ name: 'detector', level: cfg.LOG_LEVEL });
const service = await startDetector(cfg, log);
void service.connected.then(() =>
  log.info(
    {
      instance: cfg.DETECTOR_INSTANCE,
      areas: cfg.DETECTOR_AREAS,
      assets: service.monitors.length,
      learning: service.monitors.filter((m) => m.state === 'learning').length,
      ready: true,
    },
    'detector ready',
  ),
);

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await service.stop();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('disconnect', () => void shutdown('parent exited'));
