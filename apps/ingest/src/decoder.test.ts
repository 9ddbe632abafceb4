import { describe, expect, it } from 'vitest';
import type { SensorResolver } from '@ct/db';
import { decodeMessage } from './decoder';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const sensors: SensorResolver = {
  resolve: (company, tag) =>
    company === 'acme' ? ({ 'PT-1': 1, 'FT-1': 2 } as Record<string, number>)[tag] : undefined,
};
const topic = 'twin/v1/acme/rtu-1/telemetry';
const decode = (payload: string | Buffer, t = topic) =>
  decodeMessage(t, Buffer.isBuffer(payload) ? payload : Buffer.from(payload), NOW, sensors);

describe('decoding telemetry', () => {
  it('turns a valid message into readings with sensor ids and quality codes', () => {
    const d = decode(
      JSON.stringify({
        seq: 7,
        readings: [
          { sensor: 'PT-1', t: NOW - 1000, v: 512.5 },
          { sensor: 'FT-1', t: NOW - 1000, v: 80, q: 'UNCERTAIN' },
          { sensor: 'FT-1', t: NOW, v: 81, q: 2 },
        ],
      }),
    );
    expect(d).toEqual({
      kind: 'telemetry',
      company: 'acme',
      device: 'rtu-1',
      source: { company: 'acme', device: 'rtu-1', kind: 'telemetry' },
      seq: 7,
      readings: [
        { sensorId: 1, t: NOW - 1000, v: 512.5, q: 0 },
        { sensorId: 2, t: NOW - 1000, v: 80, q: 1 },
        { sensorId: 2, t: NOW, v: 81, q: 2 },
      ],
      rejected: null,
      rejectedCount: 0,
    });
  });

  it('rejects malformed JSON with the parser message', () => {
    const d = decode('{"seq": 1, "readings": [');
    expect(d.kind).toBe('reject');
    if (d.kind !== 'reject') return;
    expect(d.rejection.code).toBe('CT_ERR_INGEST_BAD_JSON');
    expect(d.rejection.detail).toMatch(/^not JSON/);
    expect(d.company).toBe('acme');
  });

  it('rejects NaN literals as malformed JSON and an overflowing number as not finite', () => {
    expect(decode('{"seq":1,"readings":[{"sensor":"PT-1","t":1,"v":NaN}]}').kind).toBe('reject');
    const inf = decode(`{"seq":1,"readings":[{"sensor":"PT-1","t":${NOW},"v":1e999}]}`);
    expect(inf.kind).toBe('reject');
    if (inf.kind === 'reject') {
      expect(inf.rejection.code).toBe('CT_ERR_INGEST_BAD_PAYLOAD');
      expect(inf.rejection.detail).toMatch(/readings\[0\]\.v/);
    }
  });

  it('rejects wrong types and says which field is wrong', () => {
    const d = decode(JSON.stringify({ seq: 'one', readings: [] }));
    expect(d.kind).toBe('reject');
    if (d.kind === 'reject') {
      expect(d.rejection.code).toBe('CT_ERR_INGEST_BAD_PAYLOAD');
      expect(d.rejection.detail).toMatch(/seq/);
      expect(d.rejection.detail).toMatch(/readings/);
    }
  });

  it('keeps the good readings of a message and reports the bad ones', () => {
    const d = decode(
      JSON.stringify({
        seq: 1,
        readings: [
          { sensor: 'PT-1', t: NOW, v: 1 },
          { sensor: 'NOPE-9', t: NOW, v: 2 },
          { sensor: 'FT-1', t: NOW + 86_400_000, v: 3 },
          { sensor: 'FT-1', t: NOW - 400 * 86_400_000, v: 4 },
          { sensor: 'FT-1', t: NOW, v: 'high' },
        ],
      }),
    );
    expect(d.kind).toBe('telemetry');
    if (d.kind !== 'telemetry') return;
    expect(d.readings).toEqual([{ sensorId: 1, t: NOW, v: 1, q: 0 }]);
    expect(d.rejectedCount).toBe(4);
    expect(d.rejected?.code).toBe('CT_ERR_INGEST_UNKNOWN_SENSOR');
    expect(d.rejected?.detail).toMatch(/4 of 5 readings refused/);
    expect(d.rejected?.detail).toMatch(/"NOPE-9" is not a sensor of company "acme"/);
    expect(d.rejected?.detail).toMatch(/1\.0 days in the future|24\.0 h in the future/);
    expect(d.rejected?.detail).toMatch(/400\.0 days in the past/);
  });

  it("does not let one company write to another company's sensors", () => {
    const d = decode(
      JSON.stringify({ seq: 1, readings: [{ sensor: 'PT-1', t: NOW, v: 1 }] }),
      'twin/v1/other/rtu-1/telemetry',
    );
    expect(d.kind).toBe('reject');
    if (d.kind === 'reject') expect(d.rejection.code).toBe('CT_ERR_INGEST_UNKNOWN_SENSOR');
  });

  it('refuses oversized payloads unread and more than 1,000 readings per message', () => {
    const big = decode(Buffer.alloc(300 * 1024, 0x20));
    expect(big.kind === 'reject' && big.rejection.code).toBe('CT_ERR_INGEST_OVERSIZED');
    const many = Array.from({ length: 1001 }, () => ({ sensor: 'PT-1', t: NOW, v: 1 }));
    const d = decode(JSON.stringify({ seq: 1, readings: many }));
    expect(d.kind === 'reject' && d.rejection.code).toBe('CT_ERR_INGEST_BAD_PAYLOAD');
  });

  it('rejects topics outside the contract', () => {
    const d = decode('{}', 'twin/v1/acme/telemetry');
    expect(d.kind === 'reject' && d.rejection.code).toBe('CT_ERR_INGEST_BAD_TOPIC');
    const wild = decode('{}', 'twin/v1/ac+me/rtu/telemetry');
    expect(wild.kind === 'reject' && wild.rejection.code).toBe('CT_ERR_INGEST_BAD_TOPIC');
  });

  it('reads device status messages, stamping a last will that carries no time', () => {
    const d = decode('{"state":"offline","reason":"connection lost"}', 'twin/v1/acme/rtu-1/status');
    expect(d).toEqual({
      kind: 'status',
      company: 'acme',
      device: 'rtu-1',
      state: 'offline',
      t: NOW,
    });
    const bad = decode('{"state":"sleeping"}', 'twin/v1/acme/rtu-1/status');
    expect(bad.kind === 'reject' && bad.rejection.code).toBe('CT_ERR_INGEST_BAD_PAYLOAD');
  });
});

describe('the fast path of the decoder', () => {
  it('accepts exactly what the zod schemas accept', async () => {
    const { ReadingSchema } = await import('@ct/contracts');
    const { fastReading } = await import('./decoder');
    const values: unknown[] = [
      0,
      -1,
      1.5,
      NaN,
      Infinity,
      -Infinity,
      '1',
      null,
      undefined,
      true,
      {},
      [],
    ];
    const corpus: unknown[] = [null, 1, 'x', [], [{ sensor: 'PT-1', t: 1, v: 1 }]];
    for (const sensor of ['PT-1', 7, undefined]) {
      for (const t of values) {
        for (const v of values) {
          corpus.push({ sensor, t, v });
          for (const q of [0, 3, 4, 'GOOD', 'BAD', 'bad', 1.5, null])
            corpus.push({ sensor, t, v, q });
          corpus.push({ sensor, t, v, extra: 1 });
        }
      }
    }
    let accepted = 0;
    for (const item of corpus) {
      const zod = ReadingSchema.safeParse(item);
      const fast = fastReading(item);
      if (fast) {
        accepted++;
        expect(zod.success).toBe(true);
        if (zod.success) expect({ ...fast, q: fast.q }).toEqual({ ...zod.data, q: zod.data.q });
      } else {
        // the fast path may only decline what zod also declines (then zod reports why)
        expect(zod.success).toBe(false);
      }
    }
    expect(accepted).toBeGreaterThan(10);
  });
});
