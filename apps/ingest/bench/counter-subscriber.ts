/**
 * Benchmark subscriber (child process) for the broker-alone baseline: subscribes at QoS 1 with
 * mqtt.js (which acknowledges at once), counts messages, and prints one JSON line when it has
 * `expected` of them: first and last arrival times.
 */
import mqtt from 'mqtt';

const [url, expectedS] = process.argv.slice(2);
const expected = Number(expectedS);
const client = await mqtt.connectAsync(url!, {
  clientId: `bench-count-${process.pid}`,
  protocolVersion: 5,
  clean: true,
  properties: { receiveMaximum: 65535 },
});
await client.subscribeAsync('twin/v1/bench/+/telemetry', { qos: 1 });
process.stdout.write(JSON.stringify({ subscribed: true }) + '\n');
let n = 0;
let first = 0;
client.on('message', () => {
  if (n === 0) first = Date.now();
  n++;
  if (n === expected) {
    process.stdout.write(JSON.stringify({ messages: n, first, last: Date.now() }) + '\n');
    void client.endAsync().then(() => process.exit(0));
  }
});
