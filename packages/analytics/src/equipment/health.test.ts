import { describe, expect, it } from 'vitest';
import { estimateRul, formatRul, healthIndex, normalisedHealth } from './health';
import type { RulEstimate } from './health';
import { gaussian } from './test-signals';

const T0 = Date.UTC(2025, 0, 1);
const HOUR_MS = 3_600_000;
const HOUR_S = 3600;
const DAY_S = 86_400;

/** `n` points every half hour from T0, HI from `hiAt(hours)`. */
function series(n: number, hiAt: (hours: number, i: number) => number) {
  const times: number[] = [];
  const hi: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = i * 0.5;
    times.push(T0 + h * HOUR_MS);
    hi.push(hiAt(h, i));
  }
  return { times, hi };
}

function estimate(r: RulEstimate) {
  if (r.status !== 'estimate')
    throw new Error(`expected an estimate, got ${r.reason}: ${r.detail}`);
  return r;
}

describe('healthIndex', () => {
  const scale = { baseline: 1, threshold: 4.5 };

  it('is 0 at the baseline, 1 at the threshold and linear between', () => {
    expect(healthIndex(1, scale)).toBe(0);
    expect(healthIndex(4.5, scale)).toBe(1);
    expect(healthIndex(2.75, scale)).toBeCloseTo(0.5, 12);
  });

  it('is clamped to 0–1 while the normalised value is not', () => {
    expect(healthIndex(0.5, scale)).toBe(0);
    expect(healthIndex(8, scale)).toBe(1);
    expect(normalisedHealth(8, scale)).toBeCloseTo(2, 12);
    expect(normalisedHealth(0.3, scale)).toBeCloseTo(-0.2, 12);
  });

  it('refuses a threshold that is not above the baseline', () => {
    expect(() => healthIndex(1, { baseline: 2, threshold: 2 })).toThrow(RangeError);
  });
});

describe('estimateRul', () => {
  // HI = 0.1 + 0.009/h: reaches 1 at 100 h; the last of 100 points is at 49.5 h.
  const linearTruthS = (100 - 49.5) * HOUR_S;
  // HI = 0.05·exp(h/20): reaches 1 at 20·ln 20 h.
  const expTruthS = (20 * Math.log(20) - 49.5) * HOUR_S;

  it('recovers the crossing time of a noiseless linear degradation exactly', () => {
    const { times, hi } = series(100, (h) => 0.1 + 0.009 * h);
    const r = estimate(estimateRul(times, hi));
    expect(r.model).toBe('linear');
    expect(r.rulS / linearTruthS).toBeCloseTo(1, 9);
    expect(r.slopePerS).toBeCloseTo(0.009 / HOUR_S, 15);
    expect(r.r2).toBeCloseTo(1, 12);
    expect(r.asOfMs).toBe(times[99]);
  });

  it('recovers the crossing time of a noisy linear degradation within its band', () => {
    const g = gaussian(3);
    const { times, hi } = series(100, (h) => 0.1 + 0.009 * h + 0.02 * g());
    const r = estimate(estimateRul(times, hi));
    expect(r.model).toBe('linear');
    expect(r.lowS).toBeLessThanOrEqual(linearTruthS);
    expect(r.highS).toBeGreaterThanOrEqual(linearTruthS);
    expect(Math.abs(r.rulS / linearTruthS - 1)).toBeLessThan(0.08);
    expect(r.lowS).toBeLessThan(r.rulS);
    expect(r.highS).toBeGreaterThan(r.rulS);
  });

  it('holds the true crossing in its ±1σ band about two times in three', () => {
    let covered = 0;
    const seeds = 100;
    for (let seed = 1; seed <= seeds; seed++) {
      const g = gaussian(seed);
      const { times, hi } = series(100, (h) => 0.1 + 0.009 * h + 0.02 * g());
      const r = estimate(estimateRul(times, hi));
      if (r.lowS <= linearTruthS && linearTruthS <= r.highS) covered++;
    }
    expect(covered / seeds).toBeGreaterThan(0.55);
    expect(covered / seeds).toBeLessThan(0.8);
  });

  it('picks the exponential model for an exponential degradation and finds its crossing', () => {
    const g = gaussian(11);
    const { times, hi } = series(100, (h) => 0.05 * Math.exp(h / 20) * Math.exp(0.05 * g()));
    const r = estimate(estimateRul(times, hi));
    expect(r.model).toBe('exponential');
    expect(r.slopePerS * HOUR_S).toBeCloseTo(1 / 20, 2);
    expect(r.lowS).toBeLessThanOrEqual(expTruthS);
    expect(r.highS).toBeGreaterThanOrEqual(expTruthS);
    expect(Math.abs(r.rulS / expTruthS - 1)).toBeLessThan(0.08);
  });

  it('keeps the linear model for a linear degradation that is positive throughout', () => {
    const g = gaussian(5);
    const { times, hi } = series(100, (h) => 0.2 + 0.008 * h + 0.01 * g());
    expect(estimate(estimateRul(times, hi)).model).toBe('linear');
  });

  it('gives no trend for flat data', () => {
    const { times, hi } = series(100, () => 0.3);
    const r = estimateRul(times, hi);
    expect(r).toMatchObject({ status: 'no_trend', reason: 'slope_not_positive' });
  });

  it('gives no trend for decreasing data', () => {
    const g = gaussian(8);
    const { times, hi } = series(100, (h) => 0.8 - 0.005 * h + 0.01 * g());
    expect(estimateRul(times, hi)).toMatchObject({
      status: 'no_trend',
      reason: 'slope_not_positive',
    });
  });

  it('gives no trend for pure noise, whatever the seed', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const g = gaussian(seed);
      const { times, hi } = series(100, () => 0.3 + 0.05 * g());
      const r = estimateRul(times, hi);
      expect(r.status).toBe('no_trend');
      if (r.status === 'no_trend') expect(['slope_not_positive', 'poor_fit']).toContain(r.reason);
    }
  });

  it('gives no trend from too few points', () => {
    const { times, hi } = series(9, (h) => 0.1 + 0.05 * h);
    expect(estimateRul(times, hi)).toMatchObject({ status: 'no_trend', reason: 'too_few_points' });
    expect(estimate(estimateRul(times, hi, { minPoints: 5 })).model).toBe('linear');
  });

  it('gives no trend from a span shorter than the minimum', () => {
    // 20 points one minute apart: 19 minutes of data.
    const times = Array.from({ length: 20 }, (_, i) => T0 + i * 60_000);
    const hi = times.map((_, i) => 0.1 + 0.01 * i);
    expect(estimateRul(times, hi)).toMatchObject({ status: 'no_trend', reason: 'span_too_short' });
    expect(estimateRul(times, hi, { minSpanS: 600 }).status).toBe('estimate');
  });

  it('fits only the points inside the window', () => {
    // Falling for 25 h, then rising at 0.02/h from 0.3: the whole series has no clear trend.
    const { times, hi } = series(100, (h) => (h < 25 ? 0.8 - 0.02 * h : 0.3 + 0.02 * (h - 25)));
    expect(estimateRul(times, hi).status).toBe('no_trend');
    const r = estimate(estimateRul(times, hi, { windowS: 20 * HOUR_S }));
    expect(r.points).toBe(41);
    // HI at 49.5 h is 0.79; 0.21 left at 0.02/h.
    expect(r.rulS / HOUR_S).toBeCloseTo(10.5, 6);
  });

  it('counts the remaining life from nowMs and stops at zero past the crossing', () => {
    const { times, hi } = series(100, (h) => 0.1 + 0.009 * h);
    const r = estimate(estimateRul(times, hi, { nowMs: times[99]! + 10 * HOUR_MS }));
    expect(r.rulS / linearTruthS).toBeCloseTo((linearTruthS - 10 * HOUR_S) / linearTruthS, 9);
    const past = estimate(estimateRul(times, hi, { nowMs: times[99]! + 1000 * HOUR_MS }));
    expect(past.rulS).toBe(0);
    expect(past.highS).toBe(0);
  });

  it('refuses times that go backwards and arrays of different lengths', () => {
    const { times, hi } = series(20, (h) => 0.1 + 0.01 * h);
    times[5] = times[4]! - 1;
    expect(() => estimateRul(times, hi)).toThrow(RangeError);
    expect(() => estimateRul([1, 2], [0.1])).toThrow(RangeError);
  });
});

describe('formatRul', () => {
  const base = {
    status: 'estimate',
    model: 'linear',
    r2: 0.9,
    slopePerS: 1e-6,
    slopeStdErrPerS: 1e-7,
    asOfMs: T0,
    points: 100,
  } as const;

  it('says a range of days, rounded outwards', () => {
    const r: RulEstimate = { ...base, rulS: 15 * DAY_S, lowS: 12.3 * DAY_S, highS: 18.6 * DAY_S };
    expect(formatRul(r)).toBe('12-19 days at the current trend');
  });

  it('switches to hours and minutes for short lives', () => {
    const h: RulEstimate = { ...base, rulS: 5 * HOUR_S, lowS: 4.2 * HOUR_S, highS: 6.5 * HOUR_S };
    expect(formatRul(h)).toBe('4-7 hours at the current trend');
    const m: RulEstimate = { ...base, rulS: 1800, lowS: 1500, highS: 2100 };
    expect(formatRul(m)).toBe('25-35 minutes at the current trend');
  });

  it('says when there is nothing to estimate or the threshold is reached', () => {
    expect(formatRul({ status: 'no_trend', reason: 'poor_fit', detail: '' })).toBe(
      'no degradation trend',
    );
    expect(formatRul({ ...base, rulS: 0, lowS: 0, highS: 0 })).toBe('at the failure threshold now');
  });
});
