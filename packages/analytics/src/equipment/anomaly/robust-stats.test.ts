import { describe, expect, it } from 'vitest';
import { gaussian, uniform } from '../test-signals';
import {
  chiSquareUpperQuantile,
  fitExponentialTail,
  normalQuantile,
  quantile,
  robustLocationScale,
} from './robust-stats';

describe('order statistics and tails for calibration', () => {
  it('interpolates quantiles between order statistics and skips NaN', () => {
    expect(quantile([3, 1, Number.NaN, 2, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4, 5], 0.9)).toBeCloseTo(4.6, 12);
    expect(quantile([Number.NaN], 0.5)).toBeNaN();
  });

  it('keeps the spread of a quantised sensor that mostly sits on one level', () => {
    // 70 % of readings at 32.0, 30 % at 33.0: the MAD is 0, the standard deviation is not
    const values = Array.from({ length: 1000 }, (_, i) => (i % 10 < 7 ? 32 : 33));
    const { center, scale } = robustLocationScale(values);
    expect(center).toBeCloseTo(32.3, 9);
    expect(scale).toBeCloseTo(Math.sqrt(0.21 * (1000 / 999)), 6);
  });

  it('is not thrown by a few huge spikes', () => {
    const g = gaussian(1);
    const values = Array.from({ length: 2000 }, () => 10 + g());
    for (let i = 0; i < 5; i++) values[i * 300] = 1e6;
    const { center, scale } = robustLocationScale(values);
    expect(center).toBeCloseTo(10, 1);
    expect(scale).toBeGreaterThan(0.8);
    expect(scale).toBeLessThan(1.1);
  });

  it('recovers the scale of an exponential tail from a sample', () => {
    const u = uniform(2);
    const sample = Array.from({ length: 20_000 }, () => -3 * Math.log(1 - u()));
    const tail = fitExponentialTail(sample);
    // 90th percentile of Exp(mean 3) is 3 ln 10; the excesses over it are again Exp(mean 3)
    expect(tail.u).toBeCloseTo(3 * Math.log(10), 0);
    expect(tail.beta).toBeGreaterThan(2.8);
    expect(tail.beta).toBeLessThan(3.2);
  });

  it('gives normal and chi-squared quantiles from the tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424, 4);
    // tables: chi-squared upper 1 % point is 20.090 for 8 degrees of freedom, 23.209 for 10
    expect(chiSquareUpperQuantile(8, 0.01)).toBeCloseTo(20.09, 0);
    expect(chiSquareUpperQuantile(10, 0.01)).toBeCloseTo(23.21, 0);
  });
});
