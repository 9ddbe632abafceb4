/** Units as stored (SI-based ASCII) to how a person reads them. */
const UNIT_LABELS: Record<string, string> = {
  degC: '°C',
  'm3/h': 'm³/h',
  '1': '',
  deg: '°',
};

export function unitLabel(unit: string): string {
  return UNIT_LABELS[unit] ?? unit;
}

/** A measured value with as many digits as a control-room faceplate shows. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const digits = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en-GB', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function formatValueWithUnit(v: number, unit: string): string {
  const u = unitLabel(unit);
  return u ? `${formatValue(v)} ${u}` : formatValue(v);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** hh:mm:ss in local time. */
export function clockTime(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Quantity codes as words: `bearing_temperature` -> `bearing temperature`. */
export function quantityLabel(q: string): string {
  return q.replace(/_/g, ' ');
}

export function formatInt(n: number): string {
  return n.toLocaleString('en-GB');
}

export function formatDiameter(mm: number): string {
  return `${formatValue(mm)} mm`;
}

/** A design figure (pressure, temperature, wall): as given, at most two decimals, no padding. */
export function formatDesign(v: number): string {
  return v.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}
