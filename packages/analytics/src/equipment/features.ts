/**
 * Time-domain features of a vibration signal (shared/domain/rotating-equipment.md §4.2): one
 * function for a whole window of samples and a streaming version over a fixed-size ring buffer.
 * The features are unit-preserving: samples in mm/s give RMS, peak, mean and standard deviation
 * in mm/s; crest factor and kurtosis are dimensionless.
 */

export interface WindowFeatures {
  /** Number of samples the features were computed from. */
  n: number;
  /** Arithmetic mean, unit of the samples. */
  mean: number;
  /** Population standard deviation (divides by n), unit of the samples. */
  std: number;
  /** Root mean square, unit of the samples. */
  rms: number;
  /** Largest absolute sample, unit of the samples. */
  peak: number;
  /** max − min, unit of the samples. */
  peakToPeak: number;
  /** peak / rms, dimensionless; NaN when every sample is zero. */
  crestFactor: number;
  /** Population kurtosis (not excess), dimensionless; NaN when the window is constant. */
  kurtosis: number;
}

/**
 * Features of one window of samples (any unit; mm/s for ISO velocity severity). Two passes, so
 * the central moments stay exact even with a large DC offset. Throws on an empty window.
 */
export function windowFeatures(samples: ArrayLike<number>): WindowFeatures {
  const n = samples.length;
  if (n === 0) throw new RangeError('windowFeatures: empty window');
  let sum = 0;
  let sumSq = 0;
  let max = -Infinity;
  let min = Infinity;
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    sum += x;
    sumSq += x * x;
    if (x > max) max = x;
    if (x < min) min = x;
  }
  const mean = sum / n;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = samples[i]! - mean;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  return assemble(n, mean, m2, m4, sumSq / n, max, min);
}

function assemble(
  n: number,
  mean: number,
  m2: number,
  m4: number,
  meanSquare: number,
  max: number,
  min: number,
): WindowFeatures {
  // §4.2: RMS = sqrt(mean(x²)), Peak = max|x|, Peak-to-peak = max − min
  const rms = Math.sqrt(meanSquare);
  const peak = Math.max(Math.abs(max), Math.abs(min));
  return {
    n,
    mean,
    std: Math.sqrt(m2),
    rms,
    peak,
    peakToPeak: max - min,
    // §4.2: CrestFactor = Peak / RMS
    crestFactor: rms > 0 ? peak / rms : NaN,
    // §4.2: Kurtosis = mean((x − μ)⁴) / σ⁴ (population moments; 3 for Gaussian noise)
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : NaN,
  };
}

/**
 * The same features over the last `capacity` samples of a stream. `push` is amortised O(1) and
 * allocates nothing: running power sums give the moments, monotonic queues give max and min.
 * `features()` is O(1) and allocates only its result.
 */
export class StreamingFeatures {
  readonly capacity: number;
  private readonly values: Float64Array;
  // Monotonic queues of sample sequence numbers (circular, at most `capacity` long).
  private readonly maxQueue: Float64Array;
  private readonly minQueue: Float64Array;
  private maxHead = 0;
  private maxLength = 0;
  private minHead = 0;
  private minLength = 0;
  /** Samples pushed since construction or reset. */
  private seq = 0;
  private sinceResync = 0;
  // Power sums of (x − shift); the shift (≈ the mean) keeps the raw-moment formulas from
  // cancelling catastrophically when the signal has a DC offset.
  private shift = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private s4 = 0;

  /** @param capacity window length in samples (≥ 1). */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(
        `StreamingFeatures: capacity must be a positive integer, got ${capacity}`,
      );
    this.capacity = capacity;
    this.values = new Float64Array(capacity);
    this.maxQueue = new Float64Array(capacity);
    this.minQueue = new Float64Array(capacity);
  }

  /** Samples currently in the window (≤ capacity). */
  get count(): number {
    return Math.min(this.seq, this.capacity);
  }

  /** True once `capacity` samples have been pushed. */
  get full(): boolean {
    return this.seq >= this.capacity;
  }

  /** Adds one sample (unit of the signal), dropping the oldest once the window is full. */
  push(x: number): void {
    const cap = this.capacity;
    const s = this.seq;
    const slot = s % cap;
    if (s === 0) this.shift = x;
    if (s >= cap) {
      const y = this.values[slot]! - this.shift;
      const y2 = y * y;
      this.s1 -= y;
      this.s2 -= y2;
      this.s3 -= y2 * y;
      this.s4 -= y2 * y2;
      // The leaving sample is s − cap; it can only sit at the front of a queue.
      if (this.maxLength > 0 && this.maxQueue[this.maxHead] === s - cap) {
        this.maxHead = (this.maxHead + 1) % cap;
        this.maxLength--;
      }
      if (this.minLength > 0 && this.minQueue[this.minHead] === s - cap) {
        this.minHead = (this.minHead + 1) % cap;
        this.minLength--;
      }
    }
    while (this.maxLength > 0) {
      const back = this.maxQueue[(this.maxHead + this.maxLength - 1) % cap]!;
      if (this.values[back % cap]! > x) break;
      this.maxLength--;
    }
    this.maxQueue[(this.maxHead + this.maxLength) % cap] = s;
    this.maxLength++;
    while (this.minLength > 0) {
      const back = this.minQueue[(this.minHead + this.minLength - 1) % cap]!;
      if (this.values[back % cap]! < x) break;
      this.minLength--;
    }
    this.minQueue[(this.minHead + this.minLength) % cap] = s;
    this.minLength++;

    this.values[slot] = x;
    const y = x - this.shift;
    const y2 = y * y;
    this.s1 += y;
    this.s2 += y2;
    this.s3 += y2 * y;
    this.s4 += y2 * y2;
    this.seq = s + 1;
    // Adding and subtracting lets rounding error drift; recomputing once per window length
    // bounds it and keeps the cost amortised O(1).
    if (++this.sinceResync >= cap) this.resync();
  }

  /** Features of the samples in the window. Throws when nothing has been pushed. */
  features(): WindowFeatures {
    const n = this.count;
    if (n === 0) throw new RangeError('StreamingFeatures: no samples yet');
    const cap = this.capacity;
    const my = this.s1 / n;
    const e2 = this.s2 / n;
    const e3 = this.s3 / n;
    const e4 = this.s4 / n;
    // Central moments from raw moments of y = x − shift (binomial expansion).
    const m2 = Math.max(0, e2 - my * my);
    const m4 = Math.max(0, e4 - 4 * my * e3 + 6 * my * my * e2 - 3 * my ** 4);
    const mean = this.shift + my;
    // mean(x²) = mean((y + shift)²)
    const meanSquare = Math.max(0, e2 + 2 * this.shift * my + this.shift * this.shift);
    const max = this.values[this.maxQueue[this.maxHead]! % cap]!;
    const min = this.values[this.minQueue[this.minHead]! % cap]!;
    return assemble(n, mean, m2, m4, meanSquare, max, min);
  }

  /** Empties the window. */
  reset(): void {
    this.seq = 0;
    this.sinceResync = 0;
    this.maxHead = this.maxLength = this.minHead = this.minLength = 0;
    this.shift = this.s1 = this.s2 = this.s3 = this.s4 = 0;
  }

  private resync(): void {
    this.sinceResync = 0;
    const n = this.count;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += this.values[i]!;
    this.shift = sum / n;
    this.s1 = this.s2 = this.s3 = this.s4 = 0;
    for (let i = 0; i < n; i++) {
      const y = this.values[i]! - this.shift;
      const y2 = y * y;
      this.s1 += y;
      this.s2 += y2;
      this.s3 += y2 * y;
      this.s4 += y2 * y2;
    }
  }
}
