import type { Sql } from './client';
import { listSensorKeys, type SensorKey } from './plant.repository';

export interface SensorResolver {
  /** The sensor's row id, or undefined when the company has no such tag. */
  resolve(companyId: string, tag: string): number | undefined;
}

/**
 * Sensor ids by company and tag, held in memory. A reading for an unknown tag triggers a reload
 * (at most once per `minReloadMs`), so sensors added to the database are picked up without a
 * restart; until then their readings are dead-lettered, not lost.
 */
export class SensorDirectory implements SensorResolver {
  private byCompany = new Map<string, Map<string, number>>();
  private loadedAt = 0;
  private loading: Promise<void> | null = null;
  size = 0;

  /**
   * `source` is a pool (read as it connects: the owner sees every sensor) or a function that
   * reads the keys (the api reads them in its system scope).
   */
  constructor(
    private readonly source: Sql | (() => Promise<SensorKey[]>),
    private readonly minReloadMs = 30_000,
  ) {}

  resolve(companyId: string, tag: string): number | undefined {
    return this.byCompany.get(companyId)?.get(tag);
  }

  async load(): Promise<void> {
    const keys =
      typeof this.source === 'function' && !('begin' in this.source)
        ? await (this.source as () => Promise<SensorKey[]>)()
        : await listSensorKeys(this.source as Sql);
    const next = new Map<string, Map<string, number>>();
    for (const k of keys) {
      let m = next.get(k.companyId);
      if (!m) next.set(k.companyId, (m = new Map()));
      m.set(k.tag, k.id);
    }
    this.byCompany = next;
    this.size = keys.length;
    this.loadedAt = Date.now();
  }

  /** Reloads in the background unless it did so recently; errors are left for the next try. */
  noteMiss(): void {
    if (this.loading || Date.now() - this.loadedAt < this.minReloadMs) return;
    this.loadedAt = Date.now();
    this.loading = this.load()
      .catch(() => {})
      .finally(() => {
        this.loading = null;
      });
  }
}
