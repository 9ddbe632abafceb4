import { describe, expect, it } from 'vitest';
import {
  ISO_10816_3_2009,
  ISO_2372_10816_1_CLASSES,
  groupBoundaries,
  operationalLevel,
  operationalLimits,
  severityBandHz,
  zoneFor,
  zoneForClass,
} from './iso10816';
import type { Foundation, MachineClass, MachineGroup } from './iso10816';

const GROUP_ROWS: [MachineGroup, Foundation, number, number, number][] = [
  [1, 'rigid', 2.3, 4.5, 7.1],
  [1, 'flexible', 3.5, 7.1, 11.0],
  [2, 'rigid', 1.4, 2.8, 4.5],
  [2, 'flexible', 2.3, 4.5, 7.1],
];

const CLASS_ROWS: [MachineClass, number, number, number][] = [
  ['I', 0.71, 1.8, 4.5],
  ['II', 1.12, 2.8, 7.1],
  ['III', 1.8, 4.5, 11.2],
  ['IV', 2.8, 7.1, 18],
];

const below = (v: number) => v - 1e-9;

describe('zoneFor (ISO 10816-3:2009 Annex A)', () => {
  it.each(GROUP_ROWS)(
    'puts group %s on a %s foundation in A below %s, B from it, C from %s and D from %s mm/s',
    (group, foundation, ab, bc, cd) => {
      const m = { group, foundation };
      expect(zoneFor(0, m)).toBe('A');
      expect(zoneFor(below(ab), m)).toBe('A');
      expect(zoneFor(ab, m)).toBe('B');
      expect(zoneFor(below(bc), m)).toBe('B');
      expect(zoneFor(bc, m)).toBe('C');
      expect(zoneFor(below(cd), m)).toBe('C');
      expect(zoneFor(cd, m)).toBe('D');
      expect(zoneFor(100, m)).toBe('D');
      expect(groupBoundaries(m)).toEqual({ ab, bc, cd });
    },
  );

  it('refuses a negative or missing velocity', () => {
    expect(() => zoneFor(-0.1, { group: 1, foundation: 'rigid' })).toThrow(RangeError);
    expect(() => zoneFor(NaN, { group: 1, foundation: 'rigid' })).toThrow(RangeError);
  });
});

describe('zoneForClass (ISO 2372 / ISO 10816-1)', () => {
  it.each(CLASS_ROWS)(
    'puts class %s in A below %s, B from it, C from %s and D from %s mm/s',
    (machineClass, ab, bc, cd) => {
      expect(zoneForClass(below(ab), machineClass)).toBe('A');
      expect(zoneForClass(ab, machineClass)).toBe('B');
      expect(zoneForClass(below(bc), machineClass)).toBe('B');
      expect(zoneForClass(bc, machineClass)).toBe('C');
      expect(zoneForClass(below(cd), machineClass)).toBe('C');
      expect(zoneForClass(cd, machineClass)).toBe('D');
    },
  );
});

describe('the severity tables', () => {
  it('name their standards and keep the class table apart from the group table', () => {
    expect(ISO_10816_3_2009.standard).toMatch(/^ISO 10816-3:2009/);
    expect(ISO_2372_10816_1_CLASSES.standard).toMatch(/ISO 2372/);
    expect(ISO_10816_3_2009.verification).toMatch(/verify against the standard/);
    // The same velocity reads differently in the two tables: they must not be mixed.
    expect(zoneFor(2.8, { group: 1, foundation: 'rigid' })).toBe('B');
    expect(zoneForClass(2.8, 'II')).toBe('C');
    expect(ISO_10816_3_2009.boundaries[1].flexible.cd).toBe(11.0);
    expect(ISO_2372_10816_1_CLASSES.boundaries.III.cd).toBe(11.2);
  });
});

describe('operationalLimits', () => {
  const b = groupBoundaries({ group: 2, foundation: 'rigid' });

  it('sets ALARM at the baseline plus a quarter of B/C and TRIP at 1.25 × C/D', () => {
    const l = operationalLimits(b, 1.0);
    expect(l.alarmMmS).toBeCloseTo(1.0 + 0.25 * 2.8, 12);
    expect(l.tripMmS).toBeCloseTo(1.25 * 4.5, 12);
  });

  it('caps ALARM at 1.25 × B/C for a machine with a high baseline', () => {
    expect(operationalLimits(b, 3.0).alarmMmS).toBeCloseTo(1.25 * 2.8, 12);
  });

  it('reaches ALARM and TRIP on their exact levels', () => {
    const l = operationalLimits(b, 1.0);
    expect(operationalLevel(below(l.alarmMmS), l)).toBe('normal');
    expect(operationalLevel(l.alarmMmS, l)).toBe('alarm');
    expect(operationalLevel(below(l.tripMmS), l)).toBe('alarm');
    expect(operationalLevel(l.tripMmS, l)).toBe('trip');
  });
});

describe('severityBandHz', () => {
  it('measures 10–1 000 Hz above 600 r/min and 2–1 000 Hz from 120 to 600 r/min', () => {
    expect(severityBandHz(1500)).toEqual({ lowHz: 10, highHz: 1000 });
    expect(severityBandHz(600)).toEqual({ lowHz: 2, highHz: 1000 });
    expect(severityBandHz(120)).toEqual({ lowHz: 2, highHz: 1000 });
    expect(severityBandHz(100)).toBeNull();
  });
});
