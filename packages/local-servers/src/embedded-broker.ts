import net from 'node:net';
import { Aedes, type AedesOptions, type Client } from 'aedes';
import { mayPublish, maySubscribe, verifyMqttPassword, type MqttPrincipal } from '@ct/mqtt-auth';

export interface EmbeddedBroker {
  url: string;
  stop(): Promise<void>;
}

/** A refused connect, publish or subscribe (the broker logs each one through `onDenied`). */
export interface BrokerDenial {
  what: 'connect' | 'publish' | 'subscribe';
  clientId: string;
  username: string | null;
  topic?: string;
  reason: string;
}

/**
 * Authentication and authorization of the embedded broker: the same rules as the Mosquitto
 * files written from the database (packages/mqtt-auth).
 */
export interface BrokerAuth {
  /** The account and its password hash (`$7$...`) for a user name, or null when unknown. */
  account(username: string): Promise<{ principal: MqttPrincipal; passwordHash: string } | null>;
  onDenied?(d: BrokerDenial): void;
}

const principals = new WeakMap<Client, MqttPrincipal>();

/** The aedes hooks that enforce `auth`: no anonymous clients, topic rights per account. */
export function brokerAuthHooks(
  auth: BrokerAuth,
): Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'> {
  const deny = (d: BrokerDenial) => auth.onDenied?.(d);
  return {
    authenticate(client, username, password, done) {
      const refuse = (reason: string, returnCode: number) => {
        deny({ what: 'connect', clientId: client.id, username: username ?? null, reason });
        const err = Object.assign(new Error(reason), { returnCode });
        done(err as Error & { returnCode: number }, false);
      };
      // MQTT 3.1.1 CONNACK 4: bad user name or password
      if (!username || !password) return refuse('no user name or password', 4);
      auth
        .account(username)
        .then(async (a) => {
          if (!a || !(await verifyMqttPassword(password.toString('utf8'), a.passwordHash)))
            return refuse('unknown user name or wrong password', 4);
          principals.set(client, a.principal);
          done(null, true);
        })
        .catch(() => refuse('account lookup failed', 3));
    },
    authorizePublish(client, packet, done) {
      // the broker's own messages (no client) are not checked
      if (!client) return done(null);
      const p = principals.get(client);
      if (p && mayPublish(p, packet.topic)) return done(null);
      deny({
        what: 'publish',
        clientId: client.id,
        username: p?.username ?? null,
        topic: packet.topic,
        reason: p?.kind === 'device' ? `outside twin/v1/${p.companyId}/` : 'not allowed',
      });
      // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection of a refused publish
      done(new Error(`not authorized to publish to ${packet.topic}`));
    },
    authorizeSubscribe(client, sub, done) {
      const p = principals.get(client);
      if (p && maySubscribe(p, sub.topic)) return done(null, sub);
      deny({
        what: 'subscribe',
        clientId: client.id,
        username: p?.username ?? null,
        topic: sub.topic,
        reason: 'not allowed',
      });
      // a null subscription is refused in the SUBACK (0x80), the connection stays
      done(null, null);
    },
  };
}

/**
 * The embedded broker: aedes, in this process, MQTT 3.1.1, messages in memory. Ingest's
 * persistent session keeps unacknowledged messages here while ingest restarts. With `auth`
 * every client signs in and may use only its topics.
 */
export async function startEmbeddedBroker(
  port: number,
  host = '127.0.0.1',
  auth?: BrokerAuth,
): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker(auth ? brokerAuthHooks(auth) : {});
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
