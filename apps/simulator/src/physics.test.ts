import { describe, expect, it } from 'vitest';
import { iso10816Zones, joukowskyPa, kortewegWaveSpeed, motorCurrentA } from './physics';

describe('physics', () => {
  it('gives the Korteweg wave speed of the leak-detection.md test vectors', () => {
    // Crude in steel: K 1.5 GPa, rho 850, E 207 GPa, D 0.4 m, e 10 mm -> a = 1 170 m/s
    expect(kortewegWaveSpeed(1.5e9, 850, 0.4, 0.01, 207e9)).toBeCloseTo(1170, -1);
    // Water: K 2.2 GPa, rho 998, same pipe -> a = 1 244 m/s
    expect(kortewegWaveSpeed(2.2e9, 998, 0.4, 0.01, 207e9)).toBeCloseTo(1244, -1);
  });

  it('makes the Joukowsky step rho a dv', () => {
    expect(joukowskyPa(1000, 1200, 0.5)).toBe(600_000);
  });

  it('uses the ISO 10816-3 zone boundaries of rotating-equipment.md', () => {
    expect(iso10816Zones(1, 'rigid')).toEqual({ ab: 2.3, bc: 4.5, cd: 7.1 });
    expect(iso10816Zones(1, 'flexible')).toEqual({ ab: 3.5, bc: 7.1, cd: 11 });
    expect(iso10816Zones(2, 'rigid')).toEqual({ ab: 1.4, bc: 2.8, cd: 4.5 });
    expect(iso10816Zones(2, 'flexible')).toEqual({ ab: 2.3, bc: 4.5, cd: 7.1 });
  });

  it('draws about 100 A for 55 kW at 400 V', () => {
    expect(motorCurrentA(55, 400)).toBeGreaterThan(90);
    expect(motorCurrentA(55, 400)).toBeLessThan(105);
  });
});
