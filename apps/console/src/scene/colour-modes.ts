import { Color } from 'three';
import type { ConditionColumns } from '../store/condition-store';
import type { NetworkData } from '../store/network-store';
import { ageColor } from './palette';
import type { SegmentPaint } from './segment-paint';

/** What the pipes are coloured by. `plain` is the calm ISA-101 grey of the wall display. */
export const COLOUR_MODES = [
  'plain',
  'age',
  'wall_loss',
  'corrosion_rate',
  'remaining_life',
  'risk',
  'live_score',
] as const;
export type ColourMode = (typeof COLOUR_MODES)[number];

export const COLOUR_MODE_LABELS: Record<ColourMode, string> = {
  plain: 'Plain (no colouring)',
  age: 'Age (install year)',
  wall_loss: 'Wall loss',
  corrosion_rate: 'Corrosion rate',
  remaining_life: 'Remaining life',
  risk: 'Risk category',
  live_score: 'Live anomaly score',
};

/** Whether a mode needs the condition list (`/api/condition/segments.csv`). */
export const needsCondition = (m: ColourMode): boolean =>
  m === 'wall_loss' || m === 'corrosion_rate' || m === 'remaining_life' || m === 'risk';

/**
 * One ramp for every condition figure, sage green (good) through teal and blue to navy (bad):
 * darker always means worse, every step stands out from the grey ground, and saturated red,
 * amber, yellow and magenta stay for alarms (ISA-101).
 */
export const CONDITION_RAMP = ['#7fa08a', '#5a97a3', '#4a7db5', '#2e5a9e', '#14285e'] as const;
export const UNKNOWN_HEX = '#8f9398';
export const PLAIN_HEX = { rack: '#50565c', buried: '#74797e', other: '#5d6369' } as const;

export interface LegendStop {
  hex: string;
  label: string;
}

/** Class breaks per figure: a value at or above `breaks[i]` (below, for remaining life) is class i+1. */
interface Scale {
  unit: string;
  breaks: readonly number[];
  /** Remaining life: smaller is worse. */
  descending?: boolean;
}
const SCALES: Partial<Record<ColourMode, Scale>> = {
  wall_loss: { unit: '% of nominal wall', breaks: [5, 15, 30, 50] },
  corrosion_rate: { unit: 'mm/y', breaks: [0.05, 0.1, 0.2, 0.4] },
  remaining_life: { unit: 'years', breaks: [20, 10, 5, 2], descending: true },
  live_score: { unit: '0 normal - 1 far beyond', breaks: [0.2, 0.4, 0.6, 0.8] },
};
const RISK_LABELS = ['low', 'medium', 'medium-high', 'high'];

/** Class 0..4 of a value on a scale (NaN stays NaN). */
export function classOf(v: number, sc: Scale): number {
  if (Number.isNaN(v)) return NaN;
  let k = 0;
  for (const b of sc.breaks) if (sc.descending ? v < b : v >= b) k++;
  return k;
}

/** The legend of a mode: swatches with their ranges, worst last. */
export function legendFor(mode: ColourMode): LegendStop[] {
  if (mode === 'risk')
    return RISK_LABELS.map((label, i) => ({ hex: CONDITION_RAMP[i + 1]!, label }));
  const sc = SCALES[mode];
  if (!sc) return [];
  const b = sc.breaks;
  const fmt = (x: number) => String(x);
  return CONDITION_RAMP.map((hex, i) => ({
    hex,
    label: sc.descending
      ? i === 0
        ? `≥ ${fmt(b[0]!)}${mode === 'remaining_life' ? ' or no measurable corrosion' : ''}`
        : i === b.length
          ? `< ${fmt(b[b.length - 1]!)}`
          : `${fmt(b[i]!)} – ${fmt(b[i - 1]!)}`
      : i === 0
        ? `< ${fmt(b[0]!)}`
        : i === b.length
          ? `≥ ${fmt(b[b.length - 1]!)}`
          : `${fmt(b[i - 1]!)} – ${fmt(b[i]!)}`,
  }));
}

export const unitOf = (mode: ColourMode): string => SCALES[mode]?.unit ?? '';

const ramp = CONDITION_RAMP.map((h) => new Color(h));
const unknown = new Color(UNKNOWN_HEX);
const plain = {
  rack: new Color(PLAIN_HEX.rack),
  buried: new Color(PLAIN_HEX.buried),
  other: new Color(PLAIN_HEX.other),
};
const _c = new Color();

/** Colour of one figure on a mode's scale, into `out`. */
export function scaleColor(mode: ColourMode, v: number, out: Color): Color {
  const sc = SCALES[mode];
  if (!sc) return out.copy(unknown);
  const k = classOf(v, sc);
  return out.copy(Number.isNaN(k) ? unknown : ramp[k]!);
}

export interface ColourInputs {
  data: NetworkData;
  condition: ConditionColumns | null;
  /** Live anomaly score per segment (0..1, NaN: none). */
  liveScore: Float32Array | null;
}

/** The base colour of segment `s` under `mode`, into `out`. */
export function segmentColor(mode: ColourMode, s: number, inp: ColourInputs, out: Color): Color {
  const { data, condition } = inp;
  switch (mode) {
    case 'plain': {
      const pl = data.meta.placements[data.meta.segments.placement[s] ?? -1];
      return out.copy(pl === 'buried' ? plain.buried : pl === 'rack' ? plain.rack : plain.other);
    }
    case 'age':
      return ageColor(data.meta.segments.install_year[s] ?? 2000, out);
    case 'risk': {
      const r = condition?.riskLevel[s] ?? -1;
      return out.copy(r < 0 ? unknown : ramp[r + 1]!);
    }
    case 'wall_loss':
      return scaleColor(mode, condition?.wallLossPct[s] ?? NaN, out);
    case 'corrosion_rate':
      return scaleColor(mode, condition?.corrosionRateMmY[s] ?? NaN, out);
    case 'remaining_life':
      return scaleColor(mode, condition?.remainingLifeY[s] ?? NaN, out);
    case 'live_score': {
      const v = inp.liveScore?.[s] ?? NaN;
      return Number.isNaN(v) ? out.copy(ramp[0]!) : scaleColor(mode, v, out);
    }
  }
}

/** Writes every segment's base colour for `mode` and asks for a full repaint. */
export function paintAll(mode: ColourMode, inp: ColourInputs, paint: SegmentPaint): void {
  paint.resize(inp.data.segmentCount);
  for (let s = 0; s < inp.data.segmentCount; s++) {
    segmentColor(mode, s, inp, _c);
    const o = s * 3;
    paint.base[o] = _c.r;
    paint.base[o + 1] = _c.g;
    paint.base[o + 2] = _c.b;
  }
  paint.markAll();
}
