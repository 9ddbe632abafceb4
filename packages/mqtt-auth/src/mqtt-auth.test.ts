import { describe, expect, it } from 'vitest';
import {
  filterCovers,
  hashMqttPassword,
  mayPublish,
  maySubscribe,
  renderMosquittoAcl,
  renderMosquittoPasswd,
  topicMatches,
  verifyMqttPassword,
  type MqttPrincipal,
} from './index';

const device: MqttPrincipal = { kind: 'device', username: 'sll-gw-1', companyId: 'sll' };
const ingest: MqttPrincipal = { kind: 'service', username: 'ingest', service: 'ingest' };

describe('MQTT rights', () => {
  it('lets a device publish only under its own company', () => {
    expect(mayPublish(device, 'twin/v1/sll/sll-l0001/telemetry')).toBe(true);
    expect(mayPublish(device, 'twin/v1/sll/sll-l0001/status')).toBe(true);
    expect(mayPublish(device, 'twin/v1/hbc/hbc-l0001/telemetry')).toBe(false);
    expect(mayPublish(device, 'twin/v1/sllx/d/telemetry')).toBe(false);
    expect(mayPublish(device, 'twin/sys/ingest/i/metrics')).toBe(false);
    expect(mayPublish(device, 'twin/events/v1/alerts/sll')).toBe(false);
  });

  it('gives a device no subscriptions and the services only their own reads', () => {
    expect(maySubscribe(device, 'twin/v1/sll/#')).toBe(false);
    expect(maySubscribe(ingest, 'twin/v1/+/+/telemetry')).toBe(true);
    expect(maySubscribe(ingest, '$share/ingest/twin/v1/+/+/telemetry')).toBe(true);
    expect(maySubscribe(ingest, 'twin/v1/sll/d1/telemetry')).toBe(true);
    expect(maySubscribe(ingest, 'twin/#')).toBe(false);
    expect(maySubscribe(ingest, 'twin/v1/+/+/+')).toBe(false);
  });

  it("lets the leak detectors hear announced operations and the api announce an operator's", () => {
    const detector: MqttPrincipal = { kind: 'service', username: 'detector', service: 'detector' };
    const api: MqttPrincipal = { kind: 'service', username: 'api', service: 'api' };
    expect(maySubscribe(detector, 'twin/v1/+/+/operation')).toBe(true);
    expect(mayPublish(device, 'twin/v1/sll/sll-l0001/operation')).toBe(true);
    expect(mayPublish(api, 'twin/v1/sll/operator-console/operation')).toBe(true);
    // the api speaks as the operator console only, and sends no telemetry
    expect(mayPublish(api, 'twin/v1/sll/sll-l0001/operation')).toBe(false);
    expect(mayPublish(api, 'twin/v1/sll/operator-console/telemetry')).toBe(false);
  });

  it('matches topics and filters as MQTT does', () => {
    expect(topicMatches('twin/v1/+/+/telemetry', 'twin/v1/a/b/telemetry')).toBe(true);
    expect(topicMatches('twin/v1/#', 'twin/v1')).toBe(true);
    expect(topicMatches('#', '$SYS/broker')).toBe(false);
    expect(topicMatches('twin/+', 'twin/a/b')).toBe(false);
    expect(filterCovers('twin/v1/#', 'twin/v1/+/x')).toBe(true);
    expect(filterCovers('twin/v1/+/x', 'twin/v1/#')).toBe(false);
  });
});

describe('Mosquitto password hashes and files', () => {
  it('verifies a hash written by mosquitto_passwd 2.0 and refuses a wrong password', async () => {
    // mosquitto_passwd -b -c passwd dev-a pw123456 (Mosquitto 2.0.11)
    const fromMosquitto =
      '$7$101$74q/9JSst0tu4rcN$Ml6NJG0uVw0MCKCAnQOrhit6W8lay0E22itpucMSie4xsMCmXGghjFJUdnK5sZNnPz6ZC0sitF0x0FA9ZNVEBg==';
    expect(await verifyMqttPassword('pw123456', fromMosquitto)).toBe(true);
    expect(await verifyMqttPassword('pw1234567', fromMosquitto)).toBe(false);
  });

  it('writes hashes of its own that it verifies, with a fresh salt each time', async () => {
    const a = await hashMqttPassword('correct horse battery', 1000);
    const b = await hashMqttPassword('correct horse battery', 1000);
    expect(a).toMatch(/^\$7\$1000\$[A-Za-z0-9+/=]{16}\$[A-Za-z0-9+/=]{88}$/);
    expect(a).not.toBe(b);
    expect(await verifyMqttPassword('correct horse battery', a)).toBe(true);
    expect(await verifyMqttPassword('correct horse batterz', a)).toBe(false);
  });

  it('renders one password line and one ACL block per enabled account', () => {
    const accounts = [
      {
        username: 'sll-gw-1',
        kind: 'device' as const,
        company_id: 'sll',
        service: null,
        password_hash: '$7$1$x$y',
        disabled: false,
      },
      {
        username: 'old-gw',
        kind: 'device' as const,
        company_id: 'sll',
        service: null,
        password_hash: '$7$1$x$z',
        disabled: true,
      },
    ];
    expect(renderMosquittoPasswd(accounts)).toBe('sll-gw-1:$7$1$x$y\n');
    const acl = renderMosquittoAcl(accounts);
    expect(acl).toContain('user sll-gw-1\ntopic write twin/v1/sll/#');
    expect(acl).not.toContain('old-gw');
  });
});
