import net from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  url: string;
  stop(): Promise<void>;
}

/**
 * The embedded broker: aedes, in this process, MQTT 3.1.1, messages in memory. Ingest's
 * persistent session keeps unacknowledged messages here while ingest restarts.
 */
export async function startEmbeddedBroker(
  port: number,
  host = '127.0.0.1',
): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `port ${port} is in use: set CT_MQTT_PORT to another port, or MQTT_URL to use a running broker`,
            )
          : err,
      ),
    );
    server.listen(port, host, () => resolveListen());
  });
  return {
    url: `mqtt://${host}:${port}`,
    async stop() {
      // closing the broker first ends its client connections, which server.close waits for
      await new Promise<void>((r) => broker.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
