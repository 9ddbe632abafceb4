import type { Sql, StorageMode } from '@ct/db';
import type { LiveHub } from './live/live-hub';
import type { NetworkCache } from './network/network-cache';

/** What the routes share; built once by `buildApp`. */
export interface AppContext {
  sql: Sql;
  live: LiveHub;
  network: NetworkCache;
  storage: StorageMode | null;
  brokerUrl: string;
  instance: string;
  /** Counted by the onResponse hook, exposed on /metrics. */
  requests: Map<string, number>;
}
