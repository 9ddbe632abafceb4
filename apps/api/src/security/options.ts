import { DEFAULT_SESSION_POLICY, type SessionPolicy } from '../auth/auth-service';

/** What can be tuned of sign-in, sessions and hardening (docs/security.md). */
export interface SecurityOptions {
  /** `/metrics` without sign-in (a Prometheus scraper); false: it needs `status:read`. */
  metricsPublic: boolean;
  /** The API documentation at `/docs` without sign-in. */
  docsPublic: boolean;
  /** Origins allowed to call the api from a browser (CORS); empty: none but the api's own. */
  corsOrigins: string[];
  /** The session cookie's Secure flag: `auto` sets it when the request came over HTTPS. */
  cookieSecure: boolean | 'auto';
  /** Sign-in attempts per minute from one address. */
  signinPerIpPerMinute: number;
  /** Failed sign-ins of one user name allowed per 15 minutes before it is held. */
  signinFailuresPerUser: number;
  /** Requests per minute of one session (burst: `apiBurst`). */
  apiPerMinute: number;
  apiBurst: number;
  /** Requests per minute from one address without a session. */
  anonymousPerMinute: number;
  session: SessionPolicy;
  /** Anonymized statistics: at least this many companies per cell, no company above maxShare. */
  statsMinCompanies: number;
  statsMaxShare: number;
  /** Earlier queries of the same requester (and company) checked for differencing, days. */
  statsDifferencingDays: number;
}

export const DEFAULT_SECURITY: SecurityOptions = {
  metricsPublic: true,
  docsPublic: true,
  corsOrigins: [],
  cookieSecure: 'auto',
  signinPerIpPerMinute: 20,
  signinFailuresPerUser: 5,
  apiPerMinute: 3000,
  apiBurst: 600,
  anonymousPerMinute: 300,
  session: DEFAULT_SESSION_POLICY,
  statsMinCompanies: 5,
  statsMaxShare: 0.6,
  statsDifferencingDays: 90,
};
