import { describe, expect, it } from 'vitest';
import {
  BEARING_SLIP_FRACTION,
  bearingDefectBands,
  bearingDefectFrequencies,
  inSlipBand,
  slipBand,
} from './bearing';

const B6205 = {
  rollingElements: 9,
  elementDiameterMm: 7.94,
  pitchDiameterMm: 38.5,
  contactAngleDeg: 0,
};

describe('bearingDefectFrequencies', () => {
  it('reproduces the 6205 bearing at 1 500 r/min (vibromera, recomputed)', () => {
    const f = bearingDefectFrequencies(1500, B6205);
    expect(f.shaftHz).toBe(25);
    expect(Math.abs(f.ftfHz - 9.922)).toBeLessThan(0.05);
    expect(Math.abs(f.bpfoHz - 89.299)).toBeLessThan(0.05);
    expect(Math.abs(f.bpfiHz - 135.701)).toBeLessThan(0.05);
    expect(Math.abs(f.bsfHz - 58.033)).toBeLessThan(0.05);
  });

  it('reproduces the codingace example at 1 800 r/min: 12, 96, 144 and 72 Hz', () => {
    const f = bearingDefectFrequencies(1800, {
      rollingElements: 8,
      elementDiameterMm: 10,
      pitchDiameterMm: 50,
      contactAngleDeg: 0,
    });
    expect(f.ftfHz).toBeCloseTo(12, 9);
    expect(f.bpfoHz).toBeCloseTo(96, 9);
    expect(f.bpfiHz).toBeCloseTo(144, 9);
    expect(f.bsfHz).toBeCloseTo(72, 9);
  });

  it('keeps BPFO + BPFI = n·fr and BPFO = n·FTF, and raises BPFO with the contact angle', () => {
    const f = bearingDefectFrequencies(3000, { ...B6205, contactAngleDeg: 15 });
    expect(f.bpfoHz + f.bpfiHz).toBeCloseTo(9 * 50, 9);
    expect(f.bpfoHz).toBeCloseTo(9 * f.ftfHz, 9);
    expect(f.bpfoHz).toBeGreaterThan(bearingDefectFrequencies(3000, B6205).bpfoHz);
  });

  it('refuses impossible geometry and speed', () => {
    expect(() => bearingDefectFrequencies(0, B6205)).toThrow(RangeError);
    expect(() => bearingDefectFrequencies(1500, { ...B6205, rollingElements: 8.5 })).toThrow();
    expect(() => bearingDefectFrequencies(1500, { ...B6205, elementDiameterMm: 40 })).toThrow();
    expect(() => bearingDefectFrequencies(1500, { ...B6205, contactAngleDeg: 90 })).toThrow();
  });
});

describe('slip bands', () => {
  it('searches ±3 % around a defect frequency', () => {
    expect(BEARING_SLIP_FRACTION).toBe(0.03);
    const b = slipBand(100);
    expect(b.lowHz).toBeCloseTo(97, 12);
    expect(b.highHz).toBeCloseTo(103, 12);
  });

  it('finds a BPFO peak lowered 2.5 % by slip but not one lowered 4 %', () => {
    const { bpfoHz } = bearingDefectFrequencies(1500, B6205);
    expect(inSlipBand(bpfoHz * 0.975, bpfoHz)).toBe(true);
    expect(inSlipBand(bpfoHz * 0.96, bpfoHz)).toBe(false);
    expect(inSlipBand(bpfoHz * 0.96, bpfoHz, 0.05)).toBe(true);
  });

  it('gives every defect frequency its band', () => {
    const f = bearingDefectFrequencies(1800, {
      rollingElements: 8,
      elementDiameterMm: 10,
      pitchDiameterMm: 50,
      contactAngleDeg: 0,
    });
    const bands = bearingDefectBands(f);
    expect(bands.bpfi.lowHz).toBeCloseTo(144 * 0.97, 9);
    expect(bands.bsf.highHz).toBeCloseTo(72 * 1.03, 9);
    expect(bands.ftf.lowHz).toBeCloseTo(12 * 0.97, 9);
    expect(bands.bpfo.highHz).toBeCloseTo(96 * 1.03, 9);
  });
});
