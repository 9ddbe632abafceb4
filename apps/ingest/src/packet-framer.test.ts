import { describe, expect, it } from 'vitest';
import mqttPacket from 'mqtt-packet';
import { MalformedPacketError, PacketFramer, type PublishView } from './packet-framer';

function publish(protocol: 4 | 5, i: number): Buffer {
  return mqttPacket.generate(
    {
      cmd: 'publish',
      topic: `twin/v1/acme/rtu-${i}/telemetry`,
      payload: Buffer.from(`{"seq":${i}}`.repeat(1 + (i % 50))),
      qos: (i % 2) as 0 | 1,
      messageId: i % 2 ? 1 + (i % 65000) : undefined,
      dup: i % 3 === 0,
      retain: false,
      properties:
        protocol === 5 && i % 4 === 0
          ? { contentType: 'application/json', userProperties: { a: 'b' } }
          : undefined,
    },
    { protocolVersion: protocol },
  );
}

describe('the packet framer', () => {
  for (const protocol of [4, 5] as const) {
    it(`reassembles MQTT ${protocol === 5 ? '5' : '3.1.1'} packets split anywhere across chunks`, () => {
      const packets: Buffer[] = [];
      for (let i = 0; i < 300; i++) {
        packets.push(publish(protocol, i));
        if (i % 37 === 0)
          packets.push(mqttPacket.generate({ cmd: 'pingresp' }, { protocolVersion: protocol }));
      }
      const stream = Buffer.concat(packets);
      const got: PublishView[] = [];
      const others: Buffer[] = [];
      const framer = new PacketFramer(
        protocol,
        (p) => got.push({ ...p, payload: Buffer.from(p.payload) }),
        (w) => others.push(Buffer.from(w)),
      );
      // deterministic ragged chunking, including 1-byte chunks inside headers
      let o = 0;
      let k = 0;
      while (o < stream.length) {
        const size = [1, 2, 3, 7, 64, 1000, 5][k++ % 7]!;
        framer.push(stream.subarray(o, o + size));
        o += size;
      }
      expect(got).toHaveLength(300);
      expect(others).toHaveLength(9);
      for (let i = 0; i < 300; i++) {
        const g = got[i]!;
        expect(g.topic).toBe(`twin/v1/acme/rtu-${i}/telemetry`);
        expect(g.payload.toString()).toBe(`{"seq":${i}}`.repeat(1 + (i % 50)));
        expect(g.qos).toBe(i % 2);
        expect(g.messageId).toBe(i % 2 ? 1 + (i % 65000) : undefined);
        expect(g.dup).toBe(i % 3 === 0);
      }
    });
  }

  it('refuses a remaining length longer than four bytes', () => {
    const framer = new PacketFramer(
      4,
      () => {},
      () => {},
    );
    expect(() => framer.push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toThrow(
      MalformedPacketError,
    );
  });

  it('refuses a PUBLISH whose topic runs past the packet', () => {
    const framer = new PacketFramer(
      4,
      () => {},
      () => {},
    );
    expect(() => framer.push(Buffer.from([0x30, 0x03, 0x00, 0x09, 0x61]))).toThrow(
      MalformedPacketError,
    );
  });
});
