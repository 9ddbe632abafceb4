/**
 * API 570 corrosion rates, remaining life and thickness-inspection interval at one
 * condition-monitoring location (CML), and the circuit (segment) figures over its CMLs
 * (shared/domain/pipe-integrity.md §1.1). Thickness units are free (mm or in) as long as they are
 * the same throughout; times are epoch milliseconds; rates are per year of 365.25 days.
 */
import type { Api570Tables, PipingClass } from './tables';

const MS_PER_YEAR = 365.25 * 86_400_000;

/** Years between two epoch-ms instants (365.25-day years). */
export function yearsBetween(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / MS_PER_YEAR;
}

/**
 * `years` after `ms`: whole calendar years first (1 Jan 2023 + 5 y = 1 Jan 2028), then the
 * fraction as 365.25-day years. Infinite or NaN years, or a date no Date can hold, give null.
 */
export function addYears(ms: number, years: number): number | null {
  if (!Number.isFinite(years)) return null;
  const whole = Math.trunc(years);
  const d = new Date(ms);
  const target = new Date(
    Date.UTC(
      d.getUTCFullYear() + whole,
      d.getUTCMonth(),
      1,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
  // 29 Feb plus a year is 28 Feb, not 1 Mar.
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  const out = target.getTime() + (years - whole) * MS_PER_YEAR;
  // Beyond the range of a Date (a remaining life of 300,000 years): as good as never.
  return Number.isFinite(out) && Math.abs(out) <= 8.64e15 ? out : null;
}

export interface ThicknessReading {
  /** When the reading was taken, epoch ms. */
  timeMs: number;
  /** Measured wall thickness (mm or in). */
  thickness: number;
}

export interface CorrosionRates {
  /** (t_initial - t_actual) / years, thickness per year; null with fewer than two readings. */
  longTerm: number | null;
  /** (t_previous - t_actual) / years; null with fewer than two readings. */
  shortTerm: number | null;
  /** The rate used for remaining life: the larger of the two, or the anticipated rate. */
  governing: number;
  /** `measured` from readings; `anticipated` when fewer than two readings exist. */
  basis: 'measured' | 'anticipated';
  initial: ThicknessReading | null;
  previous: ThicknessReading | null;
  actual: ThicknessReading | null;
}

/**
 * Long- and short-term corrosion rates of one CML. With fewer than two readings no rate can be
 * measured and `anticipatedRate` (thickness per year) is used instead.
 */
export function corrosionRates(
  readings: readonly ThicknessReading[],
  anticipatedRate: number,
): CorrosionRates {
  const sorted = [...readings].sort((a, b) => a.timeMs - b.timeMs);
  const actual = sorted[sorted.length - 1] ?? null;
  if (sorted.length < 2 || !actual) {
    return {
      longTerm: null,
      shortTerm: null,
      governing: anticipatedRate,
      basis: 'anticipated',
      initial: sorted[0] ?? null,
      previous: null,
      actual,
    };
  }
  const initial = sorted[0]!;
  const previous = sorted[sorted.length - 2]!;
  // API 570 §7.1: CR_LT = (t_initial - t_actual) / years(t_initial -> t_actual)
  const longTerm =
    (initial.thickness - actual.thickness) / yearsBetween(initial.timeMs, actual.timeMs);
  // API 570 §7.1: CR_ST = (t_previous - t_actual) / years(t_previous -> t_actual)
  const shortTerm =
    (previous.thickness - actual.thickness) / yearsBetween(previous.timeMs, actual.timeMs);
  // The governing rate is the one giving the shorter remaining life: the larger (weldfabworld).
  return {
    longTerm,
    shortTerm,
    governing: Math.max(longTerm, shortTerm),
    basis: 'measured',
    initial,
    previous,
    actual,
  };
}

/**
 * API 570: remaining life = (t_actual - t_required) / corrosion rate, years from the date of
 * t_actual. Infinity when the rate is zero or negative (no measurable corrosion) and the wall is
 * not below t_required; negative when it is below.
 */
export function remainingLifeYears(tActual: number, tRequired: number, rate: number): number {
  const margin = tActual - tRequired;
  if (margin < 0) return rate > 0 ? margin / rate : -Infinity;
  if (!(rate > 0)) return Infinity;
  return margin / rate;
}

export type IntervalBasis = 'half_remaining_life' | 'class_maximum' | 'below_required';

/**
 * API 570: next thickness inspection at min(½·remaining life, Table 2 class maximum). A wall
 * already below t_required gets interval 0 (fitness-for-service review at once).
 */
export function inspectionInterval(
  remainingLifeY: number,
  pipingClass: PipingClass,
  tables: Api570Tables,
): { years: number; basis: IntervalBasis } {
  const max = tables.maxIntervalYears[pipingClass];
  if (remainingLifeY < 0) return { years: 0, basis: 'below_required' };
  const half = remainingLifeY / 2;
  return half < max
    ? { years: half, basis: 'half_remaining_life' }
    : { years: max, basis: 'class_maximum' };
}

/** The rate to assume with fewer than two readings: allowance over the design life, or a floor. */
export function anticipatedRateMmY(corrosionAllowanceMm: number, tables: Api570Tables): number {
  return Math.max(corrosionAllowanceMm / tables.designLifeYears, tables.minimumAnticipatedRateMmY);
}

export interface CmlInput {
  cml: string;
  readings: readonly ThicknessReading[];
}

export interface CmlAssessment {
  cml: string;
  readingCount: number;
  rates: CorrosionRates;
  /** Years from the last reading; Infinity: no measurable corrosion; < 0: below t_required. */
  remainingLifeY: number;
  /** Epoch ms at which t_required is reached; null when never (no measurable corrosion). */
  endOfLifeMs: number | null;
  intervalY: number;
  intervalBasis: IntervalBasis;
  /** Epoch ms of the next thickness inspection. */
  nextInspectionMs: number;
  belowRequired: boolean;
  noMeasurableCorrosion: boolean;
}

export interface CmlContext {
  /** t_required (retirement thickness), same unit as the readings. */
  tRequired: number;
  pipingClass: PipingClass;
  /** Rate used with fewer than two readings, thickness per year. */
  anticipatedRate: number;
}

/**
 * One CML: rates, remaining life from its last reading and the next thickness inspection. A CML
 * without readings is returned with `readingCount` 0 and is left to the caller (see
 * `assessCircuit`).
 */
export function assessCml(
  input: CmlInput,
  ctx: CmlContext,
  tables: Api570Tables,
): CmlAssessment | null {
  const rates = corrosionRates(input.readings, ctx.anticipatedRate);
  const actual = rates.actual;
  if (!actual) return null;
  const rl = remainingLifeYears(actual.thickness, ctx.tRequired, rates.governing);
  const interval = inspectionInterval(rl, ctx.pipingClass, tables);
  return {
    cml: input.cml,
    readingCount: input.readings.length,
    rates,
    remainingLifeY: rl,
    endOfLifeMs: addYears(actual.timeMs, rl),
    intervalY: interval.years,
    intervalBasis: interval.basis,
    nextInspectionMs: addYears(actual.timeMs, interval.years)!,
    belowRequired: actual.thickness < ctx.tRequired,
    noMeasurableCorrosion: rates.governing <= 0 && actual.thickness >= ctx.tRequired,
  };
}

/**
 * The circuit's figures over its CMLs (pipe-integrity.md §1.1: circuit remaining life = min over
 * its CMLs): the governing CML has the shortest remaining life (ties: the earliest next
 * inspection). Null when no CML has a reading.
 */
export function governingCml(cmls: readonly CmlAssessment[]): CmlAssessment | null {
  let best: CmlAssessment | null = null;
  for (const c of cmls) {
    if (
      !best ||
      c.remainingLifeY < best.remainingLifeY ||
      (c.remainingLifeY === best.remainingLifeY && c.nextInspectionMs < best.nextInspectionMs)
    ) {
      best = c;
    }
  }
  return best;
}
