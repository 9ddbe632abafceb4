/**
 * Alarm flood detection per operator area (shared/domain/alarms-hmi.md 5.2, after EEMUA 191 and
 * ISA-18.2): a flood begins when more than 10 alarms are annunciated within 10 minutes and ends
 * when the 10-minute count drops below 5. Counts are over a rolling window (t − 10 min, t].
 */

export interface FloodOptions {
  windowMs: number;
  /** A flood begins when the window holds more than this many annunciations. */
  beginAbove: number;
  /** A flood ends when the window holds fewer than this many. */
  endBelow: number;
}

export const FLOOD_DEFAULTS: FloodOptions = { windowMs: 600_000, beginAbove: 10, endBelow: 5 };

/** One flood of one area. Times are epoch ms. */
export interface FloodEpisode {
  /** When the window first held more than `beginAbove` annunciations. */
  since: number;
  /** When the window first held fewer than `endBelow`; null while the flood lasts. */
  endedAt: number | null;
  /** Annunciations from the first in the window that began the flood until its end. */
  count: number;
  /** Highest 10-minute count during the flood. */
  peak: number;
}

export interface AreaFloodStatus {
  area: string;
  inFlood: boolean;
  /** Annunciations in the window ending now. */
  windowCount: number;
  /** The flood under way, else the last one that ended (null if none was seen). */
  flood: FloodEpisode | null;
}

interface AreaState {
  /** Annunciation times inside the window, oldest first, from `head` on. */
  times: number[];
  head: number;
  lastT: number;
  current: FloodEpisode | null;
  last: FloodEpisode | null;
}

/**
 * Streaming flood detector: feed it each annunciation (a new alert, or one that comes back) with
 * its area and time, and move it forward with `advance`. Pure: time is a parameter. Times that
 * arrive out of order count at the latest time seen (a flood is about load, not exact order).
 */
export class FloodDetector {
  private readonly areas = new Map<string, AreaState>();
  private readonly opts: FloodOptions;

  constructor(opts: Partial<FloodOptions> = {}) {
    this.opts = { ...FLOOD_DEFAULTS, ...opts };
  }

  /** Records one annunciation; returns true when it began a flood in its area. */
  add(area: string, tMs: number): boolean {
    let s = this.areas.get(area);
    if (!s) {
      s = { times: [], head: 0, lastT: -Infinity, current: null, last: null };
      this.areas.set(area, s);
    }
    const t = Math.max(tMs, s.lastT);
    s.lastT = t;
    this.expire(s, t);
    s.times.push(t);
    const n = s.times.length - s.head;
    if (s.current) {
      s.current.count++;
      s.current.peak = Math.max(s.current.peak, n);
      return false;
    }
    if (n > this.opts.beginAbove) {
      s.current = { since: t, endedAt: null, count: n, peak: n };
      return true;
    }
    return false;
  }

  /** Moves time to `nowMs`; returns the areas whose flood ended meanwhile. */
  advance(nowMs: number): string[] {
    const ended: string[] = [];
    for (const [area, s] of this.areas) {
      const was = s.current !== null;
      s.lastT = Math.max(s.lastT, nowMs);
      this.expire(s, nowMs);
      if (was && !s.current) ended.push(area);
    }
    return ended;
  }

  /** The status of every area seen, as of `nowMs` (which also advances time). */
  status(nowMs: number): AreaFloodStatus[] {
    this.advance(nowMs);
    return [...this.areas.keys()].sort().map((area) => this.areaStatus(area, nowMs));
  }

  /** The status of one area as of the last `add` or `advance` (or `nowMs`, which advances). */
  areaStatus(area: string, nowMs?: number): AreaFloodStatus {
    const s = this.areas.get(area);
    if (!s) return { area, inFlood: false, windowCount: 0, flood: null };
    if (nowMs !== undefined) {
      s.lastT = Math.max(s.lastT, nowMs);
      this.expire(s, nowMs);
    }
    const flood = s.current ?? s.last;
    return {
      area,
      inFlood: s.current !== null,
      windowCount: s.times.length - s.head,
      flood: flood ? { ...flood } : null,
    };
  }

  /** Whether `area` is in flood now (as of the last `add` or `advance`). */
  inFlood(area: string): boolean {
    return this.areas.get(area)?.current != null;
  }

  private expire(s: AreaState, t: number): void {
    const { windowMs, endBelow } = this.opts;
    while (s.head < s.times.length && s.times[s.head]! <= t - windowMs) {
      // the count drops at the moment the oldest annunciation leaves the window
      const leftAt = s.times[s.head]! + windowMs;
      s.head++;
      if (s.current && s.times.length - s.head < endBelow) {
        s.current.endedAt = leftAt;
        s.last = s.current;
        s.current = null;
      }
    }
    if (s.head > 1024 && s.head * 2 > s.times.length) {
      s.times = s.times.slice(s.head);
      s.head = 0;
    }
  }
}
