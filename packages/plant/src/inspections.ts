/**
 * A plausible wall-thickness inspection history for a network model: condition-monitoring
 * locations (CMLs) along each segment and ultrasonic readings at them since installation. Older
 * and more corrosive lines are thinner; a few CMLs corrode much faster (hot spots) or faster
 * since a process change, so some are near or below their required thickness. Seeded and pure.
 */
import { PRESENT_YEAR } from './line-builder';
import type { PlantModel, Placement, SubstanceId } from './model';
import { Rng } from './random';

/** Columnar: the i-th entry of each array belongs to the i-th CML or reading. */
export interface InspectionHistory {
  cmls: { segmentId: string[]; cml: string[]; positionM: number[] };
  readings: {
    segmentId: string[];
    cml: string[];
    /** `YYYY-MM-DD`. */
    date: string[];
    thicknessMm: number[];
    method: string[];
    inspector: string[];
  };
}

export interface GenerateInspectionsOptions {
  seed: number;
  /** Last year with readings (default: the complex's present year, 2025). */
  untilYear?: number;
}

// source: domain knowledge [M]: typical internal corrosion rates of carbon steel in these
// services, mm/y (stainless lines far lower); multiplied per line, placement and CML below.
const BASE_RATE_MM_Y: Readonly<Record<SubstanceId, number>> = {
  sour_gas: 0.08,
  hydrogen_fluoride: 0.06,
  water: 0.045,
  steam: 0.03,
  benzene: 0.025,
  naphtha: 0.025,
  chlorine: 0.02,
  ammonia: 0.015,
  ethylene: 0.012,
  propylene: 0.012,
  lpg: 0.012,
  hydrogen: 0.012,
  hydrogen_sulfide: 0.012,
};

// source: domain knowledge [M]: buried pipe adds soil-side corrosion, sleepers trap water
const PLACEMENT_FACTOR: Readonly<Record<Placement, number>> = {
  rack: 1,
  sleeper: 1.2,
  buried: 1.6,
};

const INSPECTORS = [
  'Hanil NDT / Kim J.',
  'Hanil NDT / Park S.',
  'Daeyang Inspection / Lee H.',
  'Daeyang Inspection / Choi M.',
  'Seoul Integrity / Jung Y.',
  'Seoul Integrity / Kang D.',
];

// Ultrasonic spot readings repeat to about 0.1 mm [M].
const UT_SIGMA_MM = 0.08;
const HISTORY_FROM_YEAR = 1990;

function gaussian(rng: Rng): number {
  const u = Math.max(rng.next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Generates CMLs (one per about 40 m, 1 to 6 per segment) and their readings from the year of
 * installation (or 1990 for older pipe) to `untilYear`. About 2 % of segments were never
 * inspected; pipe installed recently has a single baseline reading.
 */
export function generateInspectionHistory(
  model: PlantModel,
  opts: GenerateInspectionsOptions,
): InspectionHistory {
  const rng = new Rng(opts.seed ^ 0x5a17c0de);
  const until = opts.untilYear ?? PRESENT_YEAR;
  const out: InspectionHistory = {
    cmls: { segmentId: [], cml: [], positionM: [] },
    readings: { segmentId: [], cml: [], date: [], thicknessMm: [], method: [], inspector: [] },
  };
  const lineFactor = new Map<string, number>();
  for (const line of model.lines) {
    // A log-normal spread: most lines near the service's rate, some two or three times it.
    lineFactor.set(line.id, Math.exp(0.45 * gaussian(rng)));
  }
  for (const seg of model.segments) {
    const n = Math.max(1, Math.min(6, Math.round(seg.lengthM / 40)));
    const stainless = seg.material === 'stainless_304' || seg.material === 'stainless_316';
    const base =
      (stainless
        ? Math.min(0.02, BASE_RATE_MM_Y[seg.substanceId])
        : BASE_RATE_MM_Y[seg.substanceId]) *
      PLACEMENT_FACTOR[seg.placement] *
      (lineFactor.get(seg.lineId) ?? 1);
    const neverInspected = rng.chance(0.02);
    const interval = seg.pipingClass === 1 ? [4, 5] : [6, 10];
    // All CMLs of a segment are read in the same campaigns.
    const years: number[] = [];
    let y = Math.max(seg.installYear, HISTORY_FROM_YEAR) + (rng.chance(0.5) ? 0 : 1);
    while (y <= until) {
      years.push(y);
      y += rng.int(interval[0]!, interval[1]!);
    }
    const dates = years.map((yr) => ({
      year: yr,
      month: rng.int(1, 12),
      day: rng.int(1, 28),
    }));
    const inspector = rng.pick(INSPECTORS);
    for (let k = 0; k < n; k++) {
      const cml = `CML-${pad2(k + 1)}`;
      out.cmls.segmentId.push(seg.id);
      out.cmls.cml.push(cml);
      out.cmls.positionM.push(Math.round(((k + 0.5) * seg.lengthM * 10) / n) / 10);
      if (neverInspected) continue;
      const hotSpot = rng.chance(0.04) ? rng.range(2.5, 4) : 1;
      const rate = base * rng.range(0.6, 1.4) * hotSpot;
      // 15 % of CMLs corrode twice as fast since a process change.
      const changeYear = rng.chance(0.15) ? rng.int(2005, until) : Infinity;
      const t0 = seg.wallMm * rng.range(0.97, 1.06);
      for (const d of dates) {
        const at = d.year + (d.month - 1) / 12;
        const age = Math.max(0, at - seg.installYear);
        const extra = Math.max(0, at - changeYear);
        const t = t0 - rate * (age + extra) + UT_SIGMA_MM * gaussian(rng);
        out.readings.segmentId.push(seg.id);
        out.readings.cml.push(cml);
        out.readings.date.push(`${d.year}-${pad2(d.month)}-${pad2(d.day)}`);
        out.readings.thicknessMm.push(Math.max(0.3, Math.round(t * 100) / 100));
        out.readings.method.push(rng.chance(0.1) ? 'RT' : 'UT');
        out.readings.inspector.push(inspector);
      }
    }
  }
  return out;
}
