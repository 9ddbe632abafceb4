import { describe, expect, it } from 'vitest';
import { StreamingFeatures, windowFeatures } from './features';
import { gaussian } from './test-signals';

/** `periods` whole periods of a unit sine, `perPeriod` samples each (a multiple of 4 hits the peak). */
function sine(periods: number, perPeriod: number, amplitude = 1): Float64Array {
  const n = periods * perPeriod;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = amplitude * Math.sin((2 * Math.PI * i) / perPeriod);
  return x;
}

describe('windowFeatures', () => {
  it('gives a sine a crest factor of √2 and a kurtosis of 1.5', () => {
    const f = windowFeatures(sine(10, 400, 3));
    expect(f.crestFactor).toBeCloseTo(Math.SQRT2, 9);
    expect(f.kurtosis).toBeCloseTo(1.5, 9);
    expect(f.rms).toBeCloseTo(3 / Math.SQRT2, 9);
    expect(f.peak).toBeCloseTo(3, 12);
    expect(f.peakToPeak).toBeCloseTo(6, 12);
    expect(f.mean).toBeCloseTo(0, 12);
    expect(f.std).toBeCloseTo(3 / Math.SQRT2, 9);
    expect(f.n).toBe(4000);
  });

  it('gives seeded Gaussian noise a kurtosis of about 3', () => {
    const g = gaussian(42);
    const x = Float64Array.from({ length: 200_000 }, () => 2 + 0.5 * g());
    const f = windowFeatures(x);
    expect(f.kurtosis).toBeGreaterThan(2.95);
    expect(f.kurtosis).toBeLessThan(3.05);
    expect(f.mean).toBeCloseTo(2, 2);
    expect(f.std).toBeCloseTo(0.5, 2);
  });

  it('gives an impulsive signal a kurtosis well above 3', () => {
    const x = sine(20, 100);
    // A bearing spall: a short impulse once per 100 samples.
    for (let i = 37; i < x.length; i += 100) x[i] = 8;
    const f = windowFeatures(x);
    expect(f.kurtosis).toBeGreaterThan(10);
    expect(f.crestFactor).toBeGreaterThan(5);
  });

  it('uses the population moments, dividing by n', () => {
    // x = [0, 0, 0, 4]: μ = 1, σ² = 3, mean((x−μ)⁴) = (3·1 + 81)/4 = 21, kurtosis = 21/9
    const f = windowFeatures([0, 0, 0, 4]);
    expect(f.std).toBeCloseTo(Math.sqrt(3), 12);
    expect(f.kurtosis).toBeCloseTo(21 / 9, 12);
    expect(f.crestFactor).toBeCloseTo(4 / 2, 12);
  });

  it('reports NaN kurtosis for a constant window and NaN crest factor for silence', () => {
    const c = windowFeatures([5, 5, 5]);
    expect(c.std).toBe(0);
    expect(c.kurtosis).toBeNaN();
    expect(c.crestFactor).toBe(1);
    expect(windowFeatures([0, 0]).crestFactor).toBeNaN();
  });

  it('refuses an empty window', () => {
    expect(() => windowFeatures([])).toThrow(RangeError);
  });
});

describe('StreamingFeatures', () => {
  function expectSame(a: ReturnType<typeof windowFeatures>, b: ReturnType<typeof windowFeatures>) {
    expect(a.n).toBe(b.n);
    for (const k of ['mean', 'rms', 'peak', 'peakToPeak'] as const)
      expect(a[k]).toBeCloseTo(b[k], 9);
    expect(a.std / b.std).toBeCloseTo(1, 8);
    expect(a.kurtosis / b.kurtosis).toBeCloseTo(1, 6);
    expect(a.crestFactor / b.crestFactor).toBeCloseTo(1, 8);
  }

  it('matches the batch features of the last window at every step, over a large DC offset', () => {
    const g = gaussian(7);
    const n = 5000;
    const cap = 256;
    const x = Float64Array.from(
      { length: n },
      (_, i) =>
        // A drifting offset of about 1 000 with bursts, to make cancellation and drift show.
        1000 + i * 0.01 + (i % 997 < 20 ? 5 : 0.3) * g(),
    );
    const s = new StreamingFeatures(cap);
    for (let i = 0; i < n; i++) {
      s.push(x[i]!);
      if ((i > 0 && i % 13 === 0) || i === n - 1)
        expectSame(s.features(), windowFeatures(x.subarray(Math.max(0, i + 1 - cap), i + 1)));
    }
    expect(s.full).toBe(true);
    expect(s.count).toBe(cap);
  });

  it('forgets a peak once it leaves the window', () => {
    const s = new StreamingFeatures(4);
    for (const v of [10, -1, 2, 1]) s.push(v);
    expect(s.features().peak).toBe(10);
    s.push(0);
    expect(s.features().peak).toBe(2);
    expect(s.features().peakToPeak).toBe(3);
    for (const v of [-7, 0, 0]) s.push(v);
    expect(s.features().peak).toBe(7);
    expect(s.features().peakToPeak).toBe(7);
  });

  it('describes a partial window by the samples pushed so far', () => {
    const s = new StreamingFeatures(100);
    for (const v of [0, 0, 0, 4]) s.push(v);
    expect(s.count).toBe(4);
    expect(s.full).toBe(false);
    expect(s.features().kurtosis).toBeCloseTo(21 / 9, 9);
  });

  it('starts over after reset and refuses to describe nothing', () => {
    const s = new StreamingFeatures(3);
    expect(() => s.features()).toThrow(RangeError);
    for (const v of [100, 200, 300, 400]) s.push(v);
    s.reset();
    s.push(1);
    s.push(-1);
    const f = s.features();
    expect(f.n).toBe(2);
    expect(f.mean).toBeCloseTo(0, 12);
    expect(f.peak).toBe(1);
    expect(() => new StreamingFeatures(0)).toThrow(RangeError);
  });
});
