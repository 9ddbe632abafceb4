/**
 * Locating a leak from the arrival times of its negative pressure wave at the pressure stations
 * of a line (leak-detection.md 2.1: tA = t0 + x/a, tB = t0 + (L - x)/a, so x = (L + a (tA - tB)) / 2).
 *
 * With more than the two stations around the hole, every station on either side lies on one arm
 * of a "V" in (acoustic position, arrival time): t = t0 + k |tau - tau_x|, tau the travel time
 * from the inlet at the computed wave speed, k its correction (1 when the computed speed is
 * right). Fitting the V by weighted least squares uses every station that saw the wave and
 * corrects the wave speed from the data.
 */

export interface Station {
  /** Position along the line from its inlet, m. */
  positionM: number;
  /** Wave travel time from the inlet at the computed wave speed, s (the acoustic position). */
  tauS: number;
}

export interface StationFront {
  station: number;
  arrivalMs: number;
  sigmaMs: number;
  /** Positive for a pressure drop. */
  dropKpa: number;
}

export interface NpwLocation {
  positionM: number;
  /** About 95 % half-width, m. */
  uncertaintyM: number;
  /** Estimated moment the hole opened, epoch ms. */
  onsetMs: number;
  /** The stations either side of the hole. */
  upstream: number;
  downstream: number;
  /** Ratio of the computed to the fitted wave speed (1: as computed). */
  slowness: number;
  stationsUsed: number;
  rmsResidualMs: number;
  /** Median pressure drop of the stations used, kPa. */
  dropKpa: number;
}

export type NpwResult = { ok: true; location: NpwLocation } | { ok: false; reason: string };

export interface LocateOptions {
  /** Stations used either side of the hole at most (default 40). */
  maxPerSide?: number;
  /** Timing error of the model itself added to each front's, ms (default 0.5). */
  modelSigmaMs?: number;
  /** Accepted range of the wave-speed correction (default 0.8..1.25). */
  slownessRange?: [number, number];
}

/** Relative uncertainty of the computed wave speed (bulk modulus, wall, temperature). */
const K_PRIOR_SD = 0.05;

interface Fit {
  tauX: number;
  t0: number;
  k: number;
  varTauX: number;
  chi2: number;
  dof: number;
  rms: number;
}

/** Weighted least squares of t = alpha - k tau (upstream), t = beta + k tau (downstream). */
function fitV(
  up: { tau: number; t: number; w: number }[],
  down: { tau: number; t: number; w: number }[],
  fixK: number | null,
): Fit | null {
  // unknowns [alpha, beta, k] (or [alpha, beta] with k fixed); times in ms, tau in s -> k in ms/s
  const nPar = fixK === null ? 3 : 2;
  const A = new Float64Array(9);
  const b = new Float64Array(3);
  const rows: { x: number[]; y: number; w: number }[] = [];
  for (const p of up)
    rows.push(
      fixK === null
        ? { x: [1, 0, -p.tau], y: p.t, w: p.w }
        : { x: [1, 0], y: p.t + fixK * p.tau, w: p.w },
    );
  for (const p of down)
    rows.push(
      fixK === null
        ? { x: [0, 1, p.tau], y: p.t, w: p.w }
        : { x: [0, 1], y: p.t - fixK * p.tau, w: p.w },
    );
  // the computed wave speed is known to a few per cent: a prior on k keeps a fit from few or
  // noisy stations from trading position for slope
  if (fixK === null) rows.push({ x: [0, 0, 1], y: 1000, w: 1 / (K_PRIOR_SD * 1000) ** 2 });
  if (rows.length < nPar + (fixK === null ? 1 : 0)) return null;
  for (const r of rows)
    for (let i = 0; i < nPar; i++) {
      b[i] = b[i]! + r.w * r.x[i]! * r.y;
      for (let j = 0; j < nPar; j++) A[i * 3 + j] = A[i * 3 + j]! + r.w * r.x[i]! * r.x[j]!;
    }
  const inv = invert(A, nPar);
  if (!inv) return null;
  const beta = [0, 0, 0];
  for (let i = 0; i < nPar; i++)
    for (let j = 0; j < nPar; j++) beta[i] = beta[i]! + inv[i * 3 + j]! * b[j]!;
  const k = fixK ?? beta[2]!;
  if (!(k > 0)) return null;
  let chi2 = 0;
  let ss = 0;
  for (const r of rows) {
    let pred = 0;
    for (let i = 0; i < nPar; i++) pred += r.x[i]! * beta[i]!;
    chi2 += r.w * (r.y - pred) ** 2;
    ss += (r.y - pred) ** 2;
  }
  const alpha = beta[0]!;
  const bet = beta[1]!;
  // tau_x = (alpha - beta) / (2k); delta method for its variance
  const tauX = (alpha - bet) / (2 * k);
  const g = [1 / (2 * k), -1 / (2 * k), -(alpha - bet) / (2 * k * k)];
  let varTauX = 0;
  for (let i = 0; i < nPar; i++)
    for (let j = 0; j < nPar; j++) varTauX += g[i]! * inv[i * 3 + j]! * g[j]!;
  const dof = rows.length - nPar - (fixK === null ? 1 : 0);
  // with more rows than unknowns, scale by the observed scatter when it exceeds the stated one
  if (dof > 0) varTauX *= Math.max(1, chi2 / dof);
  return {
    tauX,
    t0: (alpha + bet) / 2,
    k,
    varTauX,
    chi2,
    dof,
    rms: Math.sqrt(ss / rows.length),
  };
}

function invert(a: Float64Array, n: number): Float64Array | null {
  const m = new Float64Array(9);
  if (n === 2) {
    const det = a[0]! * a[4]! - a[1]! * a[3]!;
    if (Math.abs(det) < 1e-300) return null;
    m[0] = a[4]! / det;
    m[1] = -a[1]! / det;
    m[3] = -a[3]! / det;
    m[4] = a[0]! / det;
    return m;
  }
  const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = a as unknown as number[];
  const c0 = a4! * a8! - a5! * a7!;
  const c1 = a5! * a6! - a3! * a8!;
  const c2 = a3! * a7! - a4! * a6!;
  const det = a0! * c0 + a1! * c1 + a2! * c2;
  if (Math.abs(det) < 1e-300) return null;
  m[0] = c0 / det;
  m[1] = (a2! * a7! - a1! * a8!) / det;
  m[2] = (a1! * a5! - a2! * a4!) / det;
  m[3] = c1 / det;
  m[4] = (a0! * a8! - a2! * a6!) / det;
  m[5] = (a2! * a3! - a0! * a5!) / det;
  m[6] = c2 / det;
  m[7] = (a1! * a6! - a0! * a7!) / det;
  m[8] = (a0! * a4! - a1! * a3!) / det;
  return m;
}

/**
 * Where on the line a negative pressure wave started, from the fronts its stations captured.
 * `stations` are ordered from the inlet. Refuses (with the reason) a wave that came from beyond
 * the first or last station, one met by a rising front next to it (a valve or a pump, not a
 * hole), or one whose arrival times do not fit a point source.
 */
export function locateFromFronts(
  stations: readonly Station[],
  fronts: readonly StationFront[],
  opts: LocateOptions = {},
): NpwResult {
  const maxPerSide = opts.maxPerSide ?? 40;
  const modelVar = (opts.modelSigmaMs ?? 0.5) ** 2;
  const [kMin, kMax] = opts.slownessRange ?? [0.8, 1.25];
  const byStation = new Map<number, StationFront>();
  for (const f of fronts) {
    const prev = byStation.get(f.station);
    if (!prev || f.arrivalMs < prev.arrivalMs) byStation.set(f.station, f);
  }
  const drops = [...byStation.values()].filter((f) => f.dropKpa > 0);
  if (drops.length < 2) return { ok: false, reason: 'fewer than two stations saw a pressure drop' };
  const near = (i: number) => byStation.get(i);
  const msPerS = 1000;
  const last = stations.length - 1;
  const point = (i: number) => {
    const f = near(i)!;
    return { tau: stations[i]!.tauS, t: f.arrivalMs, w: 1 / (f.sigmaMs ** 2 + modelVar), i };
  };
  const fitOf = (u: ReturnType<typeof point>[], d: ReturnType<typeof point>[]) => {
    const canK = u.length + d.length >= 4 && (u.length >= 2 || d.length >= 2);
    let f = fitV(u, d, canK ? null : msPerS);
    if (f && canK && (f.k / msPerS < kMin || f.k / msPerS > kMax)) f = fitV(u, d, msPerS);
    return f;
  };
  // The hole lies between two stations that saw the drop, next to each other among those that
  // did (a station between them may have missed a weak front): try each such gap and keep the V
  // that fits the arrivals best.
  const order = drops.map((f) => f.station).sort((a, b) => a - b);
  let best: { A: number; B: number; chi2: number } | null = null;
  for (let j = 0; j + 1 < order.length; j++) {
    const u = order
      .slice(Math.max(0, j + 1 - maxPerSide), j + 1)
      .reverse()
      .map(point);
    const d = order.slice(j + 1, j + 1 + maxPerSide).map(point);
    const f = fitOf(u, d);
    if (!f) continue;
    const tA = stations[order[j]!]!.tauS;
    const tB = stations[order[j + 1]!]!.tauS;
    const sd = Math.sqrt(Math.max(f.varTauX, 0));
    if (f.tauX < tA - 3 * sd - 1e-4 || f.tauX > tB + 3 * sd + 1e-4) continue;
    if (!best || f.chi2 < best.chi2) best = { A: order[j]!, B: order[j + 1]!, chi2: f.chi2 };
  }
  if (!best) return { ok: false, reason: 'no stretch between two stations fits a point source' };
  const { A, B } = best;
  const rising = (i: number) => {
    const f = near(i);
    return f !== undefined && f.dropKpa < 0;
  };
  for (let i = A - 1; i <= B + 1; i++)
    if (rising(i))
      return {
        ok: false,
        reason: 'a rising front beside the falling ones: a flow change (valve or pump), not a hole',
      };
  const up = order
    .filter((i) => i <= A)
    .reverse()
    .slice(0, maxPerSide)
    .map(point);
  const down = order
    .filter((i) => i >= B)
    .slice(0, maxPerSide)
    .map(point);
  if (up.length === 0 || down.length === 0)
    return { ok: false, reason: 'the wave was not seen on both sides of the hole' };
  // a hole's wave reaches every station on both sides: an arm that stops at the first station
  // while the line goes on is a wave that grew along the line (a pump or valve far away, the
  // friction changing behind a flow change), not a point source
  if ((up.length < 2 && A > 0) || (down.length < 2 && B < stations.length - 1))
    return {
      ok: false,
      reason: 'the wave was not seen by the next stations on both sides: not a point source',
    };
  const dA = near(A)!.dropKpa;
  const dB = near(B)!.dropKpa;
  if (dA > 3 * dB || dB > 3 * dA)
    return {
      ok: false,
      reason: 'the drops either side differ more than threefold: not the two halves of one hole',
    };
  const canFitK = up.length + down.length >= 4 && (up.length >= 2 || down.length >= 2);
  let fit = fitV(up, down, canFitK ? null : msPerS);
  if (fit && canFitK) {
    const k = fit.k / msPerS;
    // an implausible wave speed from few, noisy stations: fall back to the computed one
    if (k < kMin || k > kMax) fit = fitV(up, down, msPerS);
  }
  if (!fit) return { ok: false, reason: 'the arrival times do not determine a position' };
  // drop stations that do not fit a point source (another wave, a bad capture), the worst one at
  // a time, and fit again: one wild front must not drag the others
  const keepUp = [...up];
  const keepDown = [...down];
  for (let round = 0; round < 8; round++) {
    const f = fit;
    const resid = (p: (typeof up)[number]) =>
      Math.abs((p.t - (f.t0 + f.k * Math.abs(p.tau - f.tauX))) * Math.sqrt(p.w));
    let worst: { arm: typeof up; i: number; r: number } | null = null;
    for (const arm of [keepUp, keepDown])
      arm.forEach((p, i) => {
        const r = resid(p);
        if (!worst || r > worst.r) worst = { arm, i, r };
      });
    const w = worst as { arm: typeof up; i: number; r: number } | null;
    if (!w || w.r < 4 || w.arm.length <= 1 || keepUp.length + keepDown.length <= 3) break;
    w.arm.splice(w.i, 1);
    const refit = fitOf(keepUp, keepDown);
    if (!refit) break;
    fit = refit;
  }
  const tauA = stations[A]!.tauS;
  const tauB = stations[B]!.tauS;
  const sdTau = Math.sqrt(Math.max(fit.varTauX, 0));
  // the source must lie between the two stations (to within its own uncertainty)
  if (fit.tauX < tauA - 3 * sdTau - 1e-4 || fit.tauX > tauB + 3 * sdTau + 1e-4)
    return { ok: false, reason: 'the fitted source lies outside the stretch between the stations' };
  // a source at the first or last station cannot be told from a pump, valve or tank beyond it
  const endSlack = 2 * sdTau + 0.002 * (tauB - tauA);
  if ((A === 0 && fit.tauX - tauA < endSlack) || (B === last && tauB - fit.tauX < endSlack))
    return {
      ok: false,
      reason:
        'the wave came from the end of the line (a pump, valve or tank there), not from between stations',
    };
  const span = tauB - tauA;
  const frac = span > 0 ? Math.min(1, Math.max(0, (fit.tauX - tauA) / span)) : 0.5;
  const pA = stations[A]!.positionM;
  const pB = stations[B]!.positionM;
  const metresPerS = span > 0 ? (pB - pA) / span : 0;
  const positionM = pA + frac * (pB - pA);
  const uncertaintyM = Math.min(pB - pA, Math.max(0.5, 1.96 * sdTau * metresPerS));
  const used = [...keepUp, ...keepDown];
  const dropsUsed = used.map((p) => near(p.i)!.dropKpa).sort((a, b) => a - b);
  return {
    ok: true,
    location: {
      positionM,
      uncertaintyM,
      onsetMs: fit.t0,
      upstream: A,
      downstream: B,
      slowness: fit.k / msPerS,
      stationsUsed: used.length,
      rmsResidualMs: fit.rms,
      dropKpa: dropsUsed[dropsUsed.length >> 1]!,
    },
  };
}
