import net from 'node:net';
import { Aedes } from 'aedes';
import { freePort } from './ports';

export interface AedesHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts the embedded broker (MQTT 3.1.1, in memory) on a free port. */
export async function startAedes(): Promise<AedesHandle> {
  const port = await freePort();
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      await new Promise<void>((r) => broker.close(() => r()));
    },
  };
}
