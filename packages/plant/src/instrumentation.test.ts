import { describe, expect, it } from 'vitest';
import { MAX_SENSORS_PER_DEVICE, instrumentLine, toDeviceId, toTagBase } from './instrumentation';
import type { Line, Segment } from './model';

const line: Line = {
  id: 'hnb-l0001',
  companyId: 'hnb',
  tag: 'HNB-L-0001',
  name: 'Long line',
  substanceId: 'water',
  areaId: 'area-1',
  nominalFlowM3h: 100,
  inletPressureKpa: 500,
  operatingTempC: 25,
};

function segments(n: number): Segment[] {
  return Array.from({ length: n }, (_, i) => ({ id: `s${i}`, lengthM: 100 }) as Segment);
}

describe('instrumentLine', () => {
  it('numbers the stations along the line and closes it with an outlet pair', () => {
    const { devices, sensors } = instrumentLine(line, segments(2), 'HNB-L0001', 'hnb-l0001');
    expect(devices.map((d) => d.id)).toEqual(['hnb-l0001']);
    expect(sensors.map((s) => `${s.tag}@${s.segmentId}:${s.positionM}`)).toEqual([
      'HNB-L0001-PT-01@s0:1',
      'HNB-L0001-FT-01@s0:1.5',
      'HNB-L0001-TT-01@s0:50',
      'HNB-L0001-PT-02@s1:1',
      'HNB-L0001-FT-02@s1:1.5',
      'HNB-L0001-TT-02@s1:50',
      'HNB-L0001-PT-03@s1:99',
      'HNB-L0001-FT-03@s1:98.5',
    ]);
  });

  it('splits a line over several RTUs so that none has more than 1000 sensors', () => {
    const { devices, sensors } = instrumentLine(line, segments(700), 'HNB-L0001', 'hnb-l0001');
    expect(sensors).toHaveLength(700 * 3 + 2);
    expect(devices.map((d) => d.id)).toEqual(['hnb-l0001', 'hnb-l0001-2', 'hnb-l0001-3']);
    for (const d of devices) {
      const n = sensors.filter((s) => s.deviceId === d.id).length;
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(MAX_SENSORS_PER_DEVICE);
    }
    // A segment's stations stay on one device.
    const deviceOf = new Map<string, Set<string>>();
    for (const s of sensors)
      deviceOf.set(s.segmentId!, (deviceOf.get(s.segmentId!) ?? new Set()).add(s.deviceId));
    for (const set of deviceOf.values()) expect(set.size).toBe(1);
  });
});

describe('id and tag helpers', () => {
  it('make topic-safe device ids and tag-safe prefixes from any text', () => {
    expect(toDeviceId('HNB/L 42 (north)')).toBe('hnb-l-42-north');
    expect(toDeviceId('###')).toBe('device');
    expect(toTagBase('Line #7 / east')).toBe('Line-7-east');
  });
});
