/**
 * Vibration severity zones A–D from broadband r.m.s. velocity on bearing housings
 * (shared/domain/rotating-equipment.md §4.1). The standards are paywalled, so their tables live
 * here as versioned configuration, each with an explicit `standard` field. The ISO 10816-3 group
 * table and the older ISO 2372 / ISO 10816-1 class table are separate objects and never mixed.
 *
 * The domain file marks every boundary below "[M: verify against the standard]": the public
 * pages it drew on contradict each other. Verify before any safety use.
 */

export type SeverityZone = 'A' | 'B' | 'C' | 'D';

/** Upper limits of zones A, B and C, in mm/s r.m.s. */
export interface ZoneBoundaries {
  /** A/B boundary, mm/s r.m.s. */
  ab: number;
  /** B/C boundary, mm/s r.m.s. */
  bc: number;
  /** C/D boundary, mm/s r.m.s. */
  cd: number;
}

export type MachineGroup = 1 | 2;
export type Foundation = 'rigid' | 'flexible';
export type MachineClass = 'I' | 'II' | 'III' | 'IV';

export interface GroupSeverityTable {
  /** The standard, edition and table the numbers come from. */
  standard: string;
  /** How far the numbers are trusted (the domain file's source tag). */
  verification: string;
  unit: 'mm/s rms';
  boundaries: Readonly<
    Record<MachineGroup, Readonly<Record<Foundation, Readonly<ZoneBoundaries>>>>
  >;
}

export interface ClassSeverityTable {
  standard: string;
  verification: string;
  unit: 'mm/s rms';
  boundaries: Readonly<Record<MachineClass, Readonly<ZoneBoundaries>>>;
}

/**
 * ISO 10816-3:2009 Annex A, Tables A.1 (group 1: 300 kW < P ≤ 50 MW, or shaft height ≥ 315 mm)
 * and A.2 (group 2: 15 kW < P ≤ 300 kW, or 160 mm ≤ shaft height < 315 mm). Measured band
 * 10–1 000 Hz above 600 r/min, 2–1 000 Hz for 120–600 r/min. Superseded by ISO 20816-3:2022,
 * whose table is not in the domain file.
 */
export const ISO_10816_3_2009: GroupSeverityTable = {
  standard: 'ISO 10816-3:2009 Annex A, Tables A.1/A.2',
  verification: '[M] verify against the standard (shared/domain/rotating-equipment.md §4.1)',
  unit: 'mm/s rms',
  boundaries: {
    // ISO 10816-3:2009 Table A.1 (group 1), per the domain file [M]
    1: { rigid: { ab: 2.3, bc: 4.5, cd: 7.1 }, flexible: { ab: 3.5, bc: 7.1, cd: 11.0 } },
    // ISO 10816-3:2009 Table A.2 (group 2), per the domain file [M]
    2: { rigid: { ab: 1.4, bc: 2.8, cd: 4.5 }, flexible: { ab: 2.3, bc: 4.5, cd: 7.1 } },
  },
};

/**
 * The older general table by machine class (ISO 2372 / ISO 10816-1 classes I–IV): class I small
 * machines up to 15 kW, II medium, III large on rigid foundations, IV large on flexible ones.
 * Not the ISO 10816-3 table: never use its numbers for a group/foundation lookup.
 */
export const ISO_2372_10816_1_CLASSES: ClassSeverityTable = {
  standard: 'ISO 2372 / ISO 10816-1 (classes I–IV)',
  verification: '[S2] secondary sources only (shared/domain/rotating-equipment.md §4.1)',
  unit: 'mm/s rms',
  // ISO 2372 / ISO 10816-1 class I–IV zone boundaries, per the domain file [S2]
  boundaries: {
    I: { ab: 0.71, bc: 1.8, cd: 4.5 },
    II: { ab: 1.12, bc: 2.8, cd: 7.1 },
    III: { ab: 1.8, bc: 4.5, cd: 11.2 },
    IV: { ab: 2.8, bc: 7.1, cd: 18 },
  },
};

export interface GroupMounting {
  group: MachineGroup;
  foundation: Foundation;
}

/** The zone boundaries (mm/s r.m.s.) for a machine group and foundation in a group table. */
export function groupBoundaries(
  mounting: GroupMounting,
  table: GroupSeverityTable = ISO_10816_3_2009,
): Readonly<ZoneBoundaries> {
  const b = table.boundaries[mounting.group]?.[mounting.foundation];
  if (!b)
    throw new RangeError(
      `${table.standard}: no boundaries for group ${mounting.group}, ${mounting.foundation}`,
    );
  return b;
}

/**
 * The zone of a broadband velocity (mm/s r.m.s., ≥ 0) against explicit boundaries. A value
 * exactly on a boundary belongs to the worse zone (2.3 on an A/B boundary of 2.3 is B): the
 * conservative reading, since the standard gives boundaries, not which side owns them.
 */
export function zoneFromBoundaries(velocityRmsMmS: number, b: ZoneBoundaries): SeverityZone {
  if (!(velocityRmsMmS >= 0))
    throw new RangeError(`velocity r.m.s. must be a number ≥ 0 mm/s, got ${velocityRmsMmS}`);
  if (velocityRmsMmS < b.ab) return 'A';
  if (velocityRmsMmS < b.bc) return 'B';
  if (velocityRmsMmS < b.cd) return 'C';
  return 'D';
}

/**
 * ISO 10816-3 zone of a broadband velocity (mm/s r.m.s.) for a machine group and foundation;
 * a value on a boundary is in the worse zone. `table` selects another edition of the group table.
 */
export function zoneFor(
  velocityRmsMmS: number,
  mounting: GroupMounting,
  table: GroupSeverityTable = ISO_10816_3_2009,
): SeverityZone {
  return zoneFromBoundaries(velocityRmsMmS, groupBoundaries(mounting, table));
}

/** ISO 2372 / 10816-1 zone of a velocity (mm/s r.m.s.) for a machine class; boundary → worse zone. */
export function zoneForClass(
  velocityRmsMmS: number,
  machineClass: MachineClass,
  table: ClassSeverityTable = ISO_2372_10816_1_CLASSES,
): SeverityZone {
  const b = table.boundaries[machineClass];
  if (!b) throw new RangeError(`${table.standard}: no boundaries for class ${machineClass}`);
  return zoneFromBoundaries(velocityRmsMmS, b);
}

/** The measurement band for ISO 10816-3 at a running speed (r/min); null below 120 r/min. */
export function severityBandHz(speedRpm: number): { lowHz: number; highHz: number } | null {
  // ISO 10816-3 [S2]: 10–1 000 Hz above 600 r/min, 2–1 000 Hz for 120–600 r/min
  if (speedRpm > 600) return { lowHz: 10, highHz: 1000 };
  if (speedRpm >= 120) return { lowHz: 2, highHz: 1000 };
  return null;
}

export interface OperationalLimits {
  /** ALARM level, mm/s r.m.s. */
  alarmMmS: number;
  /** TRIP level, mm/s r.m.s. */
  tripMmS: number;
}

/**
 * ALARM and TRIP levels (mm/s r.m.s.) for a machine with a known baseline (mm/s r.m.s., its
 * normal steady-state value). Domain-knowledge rules [M], to be set per machine by an engineer.
 */
export function operationalLimits(b: ZoneBoundaries, baselineMmS: number): OperationalLimits {
  if (!(baselineMmS >= 0)) throw new RangeError(`baseline must be ≥ 0 mm/s, got ${baselineMmS}`);
  // [M] ISO 10816-3 practice: ALARM = baseline + 25 % of the B/C boundary, at most 1.25 × B/C
  const alarmMmS = Math.min(baselineMmS + 0.25 * b.bc, 1.25 * b.bc);
  // [M] ISO 10816-3 practice: TRIP at most 1.25 × the C/D boundary
  const tripMmS = 1.25 * b.cd;
  return { alarmMmS, tripMmS };
}

export type OperationalLevel = 'normal' | 'alarm' | 'trip';

/** Where a velocity (mm/s r.m.s.) stands against ALARM and TRIP; a value on a level reaches it. */
export function operationalLevel(
  velocityRmsMmS: number,
  limits: OperationalLimits,
): OperationalLevel {
  if (velocityRmsMmS >= limits.tripMmS) return 'trip';
  if (velocityRmsMmS >= limits.alarmMmS) return 'alarm';
  return 'normal';
}
