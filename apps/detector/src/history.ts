import type { SensorHistory } from '@ct/db';

export interface Sample {
  t: number;
  readings: { sensorId: number; v: number }[];
}

/** Merges per-sensor histories into samples: the readings of each distinct time, in time order. */
export function samplesOf(history: Map<number, SensorHistory>): Sample[] {
  const byT = new Map<number, Sample>();
  for (const h of history.values()) {
    for (let i = 0; i < h.t.length; i++) {
      const t = h.t[i]!;
      let s = byT.get(t);
      if (!s) byT.set(t, (s = { t, readings: [] }));
      s.readings.push({ sensorId: h.sensorId, v: h.v[i]! });
    }
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}
