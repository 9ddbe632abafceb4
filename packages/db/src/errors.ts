/** A database operation failed; `cause` keeps the driver's error. */
export class DbError extends Error {
  readonly code: string | undefined;
  constructor(doing: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`${doing}: ${reason}`, { cause });
    this.name = 'DbError';
    this.code = pgCode(cause);
  }
}

/** The SQLSTATE of a PostgreSQL error, if it is one. */
export function pgCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return err.code;
  }
  return undefined;
}

/** Runs `fn`, wrapping any failure in a DbError that says what was being done. */
export async function doing<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof DbError) throw err;
    throw new DbError(what, err);
  }
}
