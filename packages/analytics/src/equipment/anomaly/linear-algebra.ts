/**
 * Small dense linear algebra for the anomaly detector: symmetric positive definite matrices of a
 * few dozen rows at most, stored row-major in a Float64Array (`a[i * n + j]`).
 */

/**
 * Cholesky factor L (lower triangular, A = L Lᵀ) of a symmetric positive definite n×n matrix, or
 * null when A is not positive definite.
 */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / l[j * n + j]!;
      }
    }
  }
  return l;
}

/** Inverse of a symmetric positive definite n×n matrix through its Cholesky factor, or null. */
export function invertSpd(a: Float64Array, n: number): Float64Array | null {
  const l = cholesky(a, n);
  if (!l) return null;
  // inverse of L by forward substitution, then A⁻¹ = L⁻ᵀ L⁻¹
  const li = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    li[j * n + j] = 1 / l[j * n + j]!;
    for (let i = j + 1; i < n; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * n + k]! * li[k * n + j]!;
      li[i * n + j] = s / l[i * n + i]!;
    }
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += li[k * n + i]! * li[k * n + j]!;
      inv[i * n + j] = s;
      inv[j * n + i] = s;
    }
  }
  return inv;
}

/** zᵀ P z for a symmetric n×n matrix P. */
export function quadraticForm(p: Float64Array, z: ArrayLike<number>, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const zi = z[i]!;
    let row = 0;
    for (let j = 0; j < i; j++) row += p[i * n + j]! * z[j]!;
    s += zi * (2 * row + p[i * n + i]! * zi);
  }
  return s;
}
