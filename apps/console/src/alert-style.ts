import type { Alert } from '@ct/contracts';

/**
 * Alarm colours, used for nothing else (ISA-101), always with a shape and a word as well, so
 * a colour-blind operator reads the same thing (redundant coding).
 */
export const PRIORITY: Record<Alert['severity'], { hex: string; shape: string; word: string }> = {
  critical: { hex: '#d0021b', shape: '◆', word: 'CRITICAL' },
  high: { hex: '#f07800', shape: '▲', word: 'HIGH' },
  medium: { hex: '#e8c100', shape: '■', word: 'MEDIUM' },
  low: { hex: '#b0399a', shape: '●', word: 'LOW' },
};

export const ZONE_HEX = { red: '#d0021b', orange: '#f07800', yellow: '#f2c200' } as const;

/** ISA-18.2 states in words (docs/alerts.md). */
export const STATE_WORDS: Record<string, string> = {
  A: 'normal',
  B: 'unacknowledged',
  C: 'acknowledged',
  D: 'cleared, unacknowledged',
  E: 'latched',
  F: 'shelved',
  G: 'suppressed',
  H: 'out of service',
};

/** States shown as incidents on the wall (shelved, suppressed and out-of-service are not). */
export const ANNUNCIATED = new Set(['B', 'C', 'D', 'E']);

/** Unacknowledged: flashes (B, D, and E while unacknowledged). */
export const flashing = (a: Alert): boolean => !a.acked && ANNUNCIATED.has(a.isa_state);

/** `leak` -> `Leak`, `equipment_anomaly` -> `Equipment anomaly`. */
export function kindLabel(kind: string): string {
  const s = kind.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** "4 min 12 s", "2 h 05 min", "3 d 4 h". */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}
