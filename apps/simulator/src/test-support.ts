import { generatePlant, type PlantModel } from '@ct/plant';
import type { SimLine, SimPlant, SimSensor } from './plant-index';

let small: PlantModel | null = null;

/** The small generated complex (seed 42), built once per test file. */
export function smallPlant(): PlantModel {
  small ??= generatePlant({ seed: 42, size: 'small' });
  return small;
}

/** 2025-06-01 00:00 UTC (09:00 at the site). */
export const T0 = Date.UTC(2025, 5, 1, 0, 0, 0);

/** A liquid line with at least `minSegments` segments, for leak tests. */
export function liquidLine(sim: SimPlant, minSegments = 5): SimLine {
  const line = sim.lines.find(
    (l) =>
      l.substance.phase === 'liquid' &&
      l.segments.length >= minSegments &&
      l.segments.every((s) => s.lengthM > 20),
  );
  if (!line) throw new Error('no liquid line in the test plant');
  return line;
}

/** The line's sensor of `quantity` on segment `order` nearest the segment's start. */
export function stationSensor(
  sim: SimPlant,
  line: SimLine,
  order: number,
  quantity: 'pressure' | 'flow',
): SimSensor {
  const seg = line.segments[order]!;
  const found = line.sensorIndexes
    .map((i) => sim.sensors[i]!)
    .filter((s) => s.quantity === quantity && s.role.kind === 'line' && s.role.segment === seg)
    .sort((a, b) => (a.def.positionM ?? 0) - (b.def.positionM ?? 0))[0];
  if (!found) throw new Error(`no ${quantity} sensor on ${seg.segment.id}`);
  return found;
}

export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

export function std(xs: readonly number[]): number {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) * (b - m), 0) / (xs.length - 1));
}
