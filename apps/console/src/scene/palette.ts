import { Color } from 'three';

// ISA-101: a calm grey scene; saturated red, amber, yellow and magenta stay free for alarms.
export const PALETTE = {
  background: '#9a9ea2',
  land: '#c0c3c6',
  sea: '#95a3ae',
  coastline: '#6c7c88',
  plot: '#b3b6b9',
  plotOutline: '#878c91',
  hover: '#4a5561',
  selected: '#050607',
  /** Rings on the isolation valves of an incident: black, not an alarm colour. */
  valveRing: '#101417',
  equipment: {
    pump: '#3d464f',
    compressor: '#2f363d',
    valve: '#4a5057',
    tank: '#8d9197',
  },
} as const;

/**
 * Age ramp stops, new to old: grey-blue for new pipe to a dark warm brown for 1970s pipe. Every
 * stop is darker than the ground, and older is darker, so old pipe stands out most.
 */
export const AGE_STOPS: readonly (readonly [year: number, hex: string])[] = [
  [2025, '#7f98b2'],
  [2010, '#8a939d'],
  [1998, '#927b63'],
  [1986, '#7a563a'],
  [1972, '#52301a'],
];

const stopColors = AGE_STOPS.map(([, hex]) => new Color(hex));

/** Writes the age colour of a pipe installed in `year` into `out` (linear working space). */
export function ageColor(year: number, out: Color): Color {
  const first = AGE_STOPS[0]!;
  const last = AGE_STOPS[AGE_STOPS.length - 1]!;
  if (year >= first[0]) return out.copy(stopColors[0]!);
  if (year <= last[0]) return out.copy(stopColors[stopColors.length - 1]!);
  for (let i = 1; i < AGE_STOPS.length; i++) {
    const y1 = AGE_STOPS[i]![0];
    if (year >= y1) {
      const y0 = AGE_STOPS[i - 1]![0];
      return out.lerpColors(stopColors[i - 1]!, stopColors[i]!, (y0 - year) / (y0 - y1));
    }
  }
  return out.copy(stopColors[stopColors.length - 1]!);
}
