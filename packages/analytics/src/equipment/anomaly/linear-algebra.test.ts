import { describe, expect, it } from 'vitest';
import { cholesky, invertSpd, quadraticForm } from './linear-algebra';

describe('small dense linear algebra', () => {
  const a = Float64Array.from([4, 2, 0.6, 2, 5, 1.5, 0.6, 1.5, 3]);

  it('factors a positive definite matrix so that L Lᵀ gives it back', () => {
    const l = cholesky(a, 3)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += l[i * 3 + k]! * l[j * 3 + k]!;
        expect(s).toBeCloseTo(a[i * 3 + j]!, 12);
      }
    }
    expect(l[0 * 3 + 1]).toBe(0);
  });

  it('inverts it: A A⁻¹ is the identity', () => {
    const inv = invertSpd(a, 3)!;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * inv[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
    expect(invertSpd(Float64Array.from([0, 0, 0, 1]), 2)).toBeNull();
  });

  it('computes zᵀ P z (worked example: 4·1 + 2·2·1·2 + 5·4 = 32)', () => {
    expect(quadraticForm(Float64Array.from([4, 2, 2, 5]), [1, 2], 2)).toBe(32);
  });
});
