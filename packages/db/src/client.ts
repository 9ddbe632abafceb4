import postgres from 'postgres';

export type Sql = postgres.Sql;
/** A transaction (what `withScope` hands its callback). */
export type Tx = postgres.TransactionSql;
/** A pool or a transaction: what a repository function can run its queries on. */
export type Queryable = postgres.Sql | postgres.TransactionSql;

export interface ConnectOptions {
  /** Pool size (default 10). */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /** Seconds to wait for a connection before failing (default 10). */
  connectTimeoutS?: number;
}

/** Opens a connection pool; nothing connects until the first query. */
export function connect(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    connect_timeout: options.connectTimeoutS ?? 10,
    idle_timeout: 60,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? 'complextwin' },
    types: {
      // int8 (counts, bigserial ids) as JS numbers: ours stay far below 2^53
      int8: {
        to: 20,
        from: [20],
        serialize: (x: number) => String(x),
        parse: (x: string) => Number(x),
      },
    },
    transform: { undefined: null },
  });
}
