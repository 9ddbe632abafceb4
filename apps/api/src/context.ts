import type { Sql, StorageMode } from '@ct/db';
import type { AuthService } from './auth/auth-service';
import type { LiveHub } from './live/live-hub';
import type { NetworkCache } from './network/network-cache';
import type { SecurityOptions } from './security/options';

/** What the routes share; built once by `buildApp`. */
export interface AppContext {
  /** The api's pool: connected as ct_api, so the database's policies bind every query. */
  sql: Sql;
  live: LiveHub;
  network: NetworkCache;
  storage: StorageMode | null;
  brokerUrl: string;
  instance: string;
  /** Counted by the onResponse hook, exposed on /metrics. */
  requests: Map<string, number>;
  auth: AuthService;
  security: SecurityOptions;
}
