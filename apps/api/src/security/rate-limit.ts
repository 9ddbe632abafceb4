/**
 * Token buckets by key (an IP, a session, a user name), in memory: each replica of the api
 * limits what reaches it. `capacity` tokens at most, refilled at `perMinute` a minute.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly capacity: number = perMinute,
  ) {}

  /** Takes `cost` tokens for `key`; false (and nothing taken) when there are not enough. */
  take(key: string, cost = 1, now = Date.now()): boolean {
    const b = this.refill(key, now);
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }

  /** Whether `key` has `cost` tokens, without taking them. */
  has(key: string, cost = 1, now = Date.now()): boolean {
    return this.refill(key, now).tokens >= cost;
  }

  /** Seconds until `key` has `cost` tokens again. */
  retryAfterS(key: string, cost = 1, now = Date.now()): number {
    const b = this.refill(key, now);
    return Math.max(1, Math.ceil(((cost - b.tokens) / this.perMinute) * 60));
  }

  private refill(key: string, now: number) {
    let b = this.buckets.get(key);
    if (!b) {
      // a crude bound on memory under a flood of distinct keys
      if (this.buckets.size > 100_000) this.buckets.clear();
      b = { tokens: this.capacity, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.capacity, b.tokens + ((now - b.at) / 60_000) * this.perMinute);
    b.at = now;
    return b;
  }
}
