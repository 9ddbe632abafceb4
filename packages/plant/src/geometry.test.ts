import { describe, expect, it } from 'vitest';
import { plantSummary, pointAlong, polylineLength, slicePolyline } from './geometry';
import type { PlantModel, Segment, Vec3 } from './model';

const L: Vec3[] = [
  [0, 0, 0],
  [30, 0, 0],
  [30, 40, 0],
  [30, 40, 12],
];

describe('polylineLength', () => {
  it('adds the lengths of the legs in three dimensions', () => {
    expect(polylineLength(L)).toBe(82);
    expect(
      polylineLength([
        [0, 0, 0],
        [3, 4, 12],
      ]),
    ).toBe(13);
  });

  it('is zero for a single point', () => {
    expect(polylineLength([[1, 2, 3]])).toBe(0);
  });
});

describe('pointAlong', () => {
  it('finds a point part-way along a later leg', () => {
    expect(pointAlong(L, 50)).toEqual([30, 20, 0]);
    expect(pointAlong(L, 76)).toEqual([30, 40, 6]);
  });

  it('clamps distances before the start and beyond the end', () => {
    expect(pointAlong(L, -5)).toEqual([0, 0, 0]);
    expect(pointAlong(L, 500)).toEqual([30, 40, 12]);
  });

  it('refuses an empty path', () => {
    expect(() => pointAlong([], 1)).toThrow(RangeError);
  });
});

describe('slicePolyline', () => {
  it('keeps the bends between the two cuts', () => {
    expect(slicePolyline(L, 10, 50)).toEqual([
      [10, 0, 0],
      [30, 0, 0],
      [30, 20, 0],
    ]);
  });
});

describe('plantSummary', () => {
  const seg = (installYear: number, lengthM: number): Segment =>
    ({ installYear, lengthM }) as Segment;
  const model = {
    areas: [{ id: 'a', name: 'A' }],
    companies: [],
    lines: [],
    nodes: [],
    segments: [seg(1990, 600), seg(2004, 300), seg(2005, 100)],
    equipment: [{ kind: 'pump' }, { kind: 'valve' }, { kind: 'valve' }],
    devices: [{ kind: 'rtu' }],
    sensors: [{}, {}],
  } as unknown as PlantModel;

  it('counts each kind and totals the pipe length in km', () => {
    const s = plantSummary(model, 2025);
    expect(s.equipment).toEqual({ pump: 1, compressor: 0, valve: 2, tank: 0 });
    expect(s.devices).toEqual({ rtu: 1, condition_monitor: 0, weather_station: 0, test_rig: 0 });
    expect(s.segments).toBe(3);
    expect(s.sensors).toBe(2);
    expect(s.totalPipeKm).toBe(1);
  });

  it('counts pipe more than 20 years old by length, relative to the given year', () => {
    // 1990 and 2004 are more than 20 years before 2025; 2005 is exactly 20.
    expect(plantSummary(model, 2025).shareOlderThan20y).toBeCloseTo(0.9, 12);
    expect(plantSummary(model, 2011).shareOlderThan20y).toBeCloseTo(0.6, 12);
  });
});
