/**
 * Benchmark publisher (child process): publishes `messages` telemetry messages at QoS 1, each
 * with `perMessage` readings, cycling through sensors PT-1..PT-<sensors> of company `bench`,
 * every (sensor, t) pair unique. Prints one JSON line when the broker has acknowledged all.
 */
import mqtt from 'mqtt';

const [url, id, messagesS, perMessageS, sensorsS, offsetS, t0S] = process.argv.slice(2);
const messages = Number(messagesS);
const perMessage = Number(perMessageS);
const sensors = Number(sensorsS);
const offset = Number(offsetS);
const t0 = Number(t0S);

const client = await mqtt.connectAsync(url!, {
  clientId: `bench-pub-${id}`,
  protocolVersion: 5,
  clean: true,
  // keep many publishes in flight; the broker's receive maximum still applies
  properties: { receiveMaximum: 65535 },
});
const topic = 'twin/v1/bench/rtu-1/telemetry';
const started = Date.now();
let acked = 0;
let inflight = 0;
const MAX_INFLIGHT = 2000;
await new Promise<void>((resolve, reject) => {
  let m = 0;
  const pump = () => {
    while (m < messages && inflight < MAX_INFLIGHT) {
      let body = `{"seq":${m},"readings":[`;
      for (let i = 0; i < perMessage; i++) {
        const k = offset + m * perMessage + i;
        const s = (k % sensors) + 1;
        const t = t0 + Math.floor(k / sensors);
        body += `${i ? ',' : ''}{"sensor":"PT-${s}","t":${t},"v":${(k % 1000) / 10}}`;
      }
      body += ']}';
      inflight++;
      m++;
      client.publish(topic, body, { qos: 1 }, (err) => {
        if (err) return reject(err);
        inflight--;
        acked++;
        if (acked === messages) resolve();
        else if (inflight < MAX_INFLIGHT / 2) setImmediate(pump);
      });
    }
  };
  pump();
});
const seconds = (Date.now() - started) / 1000;
process.stdout.write(JSON.stringify({ id, messages, seconds }) + '\n');
await client.endAsync();
