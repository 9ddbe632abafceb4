/**
 * Seeded signals for the equipment tests (not exported from the package): a mulberry32
 * generator, as in packages/plant/src/random.ts, and Gaussian noise from it.
 */

/** Uniform numbers in [0, 1) from a seed; the same sequence on every machine. */
export function uniform(seed: number): () => number {
  let state = (Math.imul(Math.trunc(seed) ^ 0x9e3779b9, 0x85ebca6b) ^ 0xc2b2ae35) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers from a seed (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = uniform(seed);
  return () => {
    // 1 − u keeps the logarithm's argument in (0, 1]
    const r = Math.sqrt(-2 * Math.log(1 - u()));
    return r * Math.cos(2 * Math.PI * u());
  };
}
