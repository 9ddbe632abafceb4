/**
 * Deterministic noise: every random-looking number the simulator publishes is a hash of
 * (seed, key, time), so the same inputs always give the same values and no state is kept.
 */

const TWO_32 = 4294967296;

/** FNV-1a of a string, as an unsigned 32-bit key. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

// MurmurHash3's block mix and finaliser (Appleby, public domain).
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalise(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An unsigned 32-bit hash of three integers; `n` may exceed 2^32 (epoch milliseconds). */
export function hash3(a: number, b: number, n: number): number {
  const lo = n >>> 0;
  const hi = Math.floor(n / TWO_32) >>> 0;
  let h = mix(a | 0, b | 0);
  h = mix(h, lo);
  h = mix(h, hi);
  return finalise(h ^ 16);
}

/** Uniform in [0, 1). */
export function uniform(a: number, b: number, n: number): number {
  return hash3(a, b, n) / TWO_32;
}

/** Standard normal (mean 0, standard deviation 1) by Box-Muller from two hashes. */
export function gaussian(a: number, b: number, n: number): number {
  const u1 = (hash3(a, b, n) + 1) / (TWO_32 + 1);
  const u2 = hash3(a ^ 0x5bd1e995, b, n) / TWO_32;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Slowly varying noise in [-1, 1]: random values at knots `periodMs` apart, joined by cosine
 * interpolation, so the signal wanders smoothly instead of jumping.
 */
export function smoothNoise(a: number, b: number, tMs: number, periodMs: number): number {
  const x = tMs / periodMs;
  const k = Math.floor(x);
  const f = x - k;
  const v0 = 2 * uniform(a, b, k) - 1;
  const v1 = 2 * uniform(a, b, k + 1) - 1;
  const w = (1 - Math.cos(Math.PI * f)) / 2;
  return v0 + (v1 - v0) * w;
}
