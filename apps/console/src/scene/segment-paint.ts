import { Color } from 'three';

/**
 * The colour of every segment, written by whoever decides it (the colour mode, the condition
 * search, live alerts) and applied to the pipe InstancedMesh in the frame loop. Writers only
 * touch typed arrays and a queue of dirty segments; nothing here re-renders React, and a
 * burst of 10,000 changes costs one pass over their pieces in the next frame.
 */
export class SegmentPaint {
  /** Base colour per segment, linear RGB. */
  base = new Float32Array(0);
  /** 1 where a segment matches the engineer's filter. */
  match = new Uint8Array(0);
  matchCount = 0;
  /** Whether a filter is applied (then segments outside it fade). */
  filtering = false;
  /** How much wider than the minimum every pipe is drawn (wider when colour carries data). */
  baseWiden = 1;
  /** Segment colour changes applied by the frame loop since the page opened. */
  applied = 0;
  private queue = new Int32Array(0);
  private queued = new Uint8Array(0);
  private queueLength = 0;
  private all = true;
  private wake: (() => void) | null = null;

  resize(segments: number): void {
    if (this.base.length === segments * 3) return;
    this.base = new Float32Array(segments * 3);
    this.match = new Uint8Array(segments);
    this.queue = new Int32Array(segments);
    this.queued = new Uint8Array(segments);
    this.queueLength = 0;
    this.all = true;
  }

  get segments(): number {
    return this.match.length;
  }

  /** The scene asks to be woken (render on demand) when there is something to apply. */
  onDirty(fn: (() => void) | null): void {
    this.wake = fn;
  }

  setBase(s: number, r: number, g: number, b: number): void {
    const o = s * 3;
    this.base[o] = r;
    this.base[o + 1] = g;
    this.base[o + 2] = b;
    this.mark(s);
  }

  /** Marks one segment for repainting in the next frame. */
  mark(s: number): void {
    if (this.all || this.queued[s] === 1) return;
    this.queued[s] = 1;
    this.queue[this.queueLength++] = s;
    if (this.queueLength === 1) this.wake?.();
  }

  /** Everything changes (a new colour mode): the next frame repaints every piece. */
  markAll(): void {
    this.all = true;
    this.wake?.();
  }

  /** Sets the filter's matches (null: no filter); returns how many segments match. */
  setMatches(segments: ArrayLike<number> | null): number {
    this.match.fill(0);
    this.matchCount = 0;
    this.filtering = segments !== null;
    if (segments) {
      for (let i = 0; i < segments.length; i++) {
        const s = segments[i]!;
        if (s >= 0 && s < this.match.length && this.match[s] === 0) {
          this.match[s] = 1;
          this.matchCount++;
        }
      }
    }
    this.markAll();
    return this.matchCount;
  }

  pending(): boolean {
    return this.all || this.queueLength > 0;
  }

  /**
   * Hands every segment to repaint to `paint` (all of them after `markAll`, else the queue) and
   * empties the queue; returns how many were handed. Called from the frame loop.
   */
  drain(paint: (s: number) => void, everything: () => void): number {
    if (this.all) {
      this.all = false;
      for (let i = 0; i < this.queueLength; i++) this.queued[this.queue[i]!] = 0;
      this.queueLength = 0;
      everything();
      this.applied += this.segments;
      return this.segments;
    }
    const n = this.queueLength;
    for (let i = 0; i < n; i++) {
      const s = this.queue[i]!;
      this.queued[s] = 0;
      paint(s);
    }
    this.queueLength = 0;
    this.applied += n;
    return n;
  }
}

export const segmentPaint = new SegmentPaint();

/** Colours the filter uses: matches stand out in one strong blue, the rest fade into the ground. */
export const MATCH_COLOR = new Color('#0a4fc4');
export const FADED_COLOR = new Color('#b3b7bb');

/**
 * Writes the displayed colour of segment `s` into `out` at `o`: linear RGB, as bytes (0-255)
 * when `out` is a Uint8Array (a normalized attribute: a quarter of the upload of floats).
 */
export function displayedColor(
  p: SegmentPaint,
  s: number,
  out: Float32Array | Uint8Array,
  o: number,
): void {
  const k = out instanceof Uint8Array ? 255 : 1;
  if (p.filtering) {
    const c = p.match[s] === 1 ? MATCH_COLOR : FADED_COLOR;
    out[o] = c.r * k;
    out[o + 1] = c.g * k;
    out[o + 2] = c.b * k;
    return;
  }
  const b = s * 3;
  out[o] = p.base[b]! * k;
  out[o + 1] = p.base[b + 1]! * k;
  out[o + 2] = p.base[b + 2]! * k;
}
