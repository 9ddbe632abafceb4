import { STATUS_CODES } from 'node:http';

/**
 * The api error catalogue: every error answer carries one of these codes (documented in
 * docs/errors.md; a test keeps the two in step).
 */
export const API_ERRORS = {
  CT_ERR_API_BAD_REQUEST: { status: 400, message: 'the request does not match the API schema' },
  CT_ERR_API_UNAUTHENTICATED: {
    status: 401,
    message: 'sign in first: no valid session (cookie ct_session or Authorization: Bearer)',
  },
  CT_ERR_API_SIGNIN_FAILED: { status: 401, message: 'wrong user name or password' },
  CT_ERR_API_FORBIDDEN: { status: 403, message: 'your role does not allow this' },
  CT_ERR_API_CORS: {
    status: 403,
    message: 'cross-origin request refused: this origin is not allowed to call the api',
  },
  CT_ERR_API_ACTOR_MISMATCH: {
    status: 400,
    message: 'the actor is the signed-in user: leave `actor` out or give your own name',
  },
  CT_ERR_API_RATE_LIMITED: { status: 429, message: 'too many requests; wait and try again' },
  CT_ERR_API_CONFLICT: { status: 409, message: 'the resource exists already' },
  CT_ERR_API_NOT_FOUND: { status: 404, message: 'no such resource' },
  CT_ERR_API_PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large' },
  CT_ERR_API_VERSION_CONFLICT: {
    status: 409,
    message: 'the resource changed since the version given; reload it and try again',
  },
  CT_ERR_API_ILLEGAL_TRANSITION: {
    status: 409,
    message: 'the action is not allowed in the alert state',
  },
  CT_ERR_API_IMPORT_REJECTED: {
    status: 422,
    message: 'the inspection file has errors; nothing was imported',
  },
  CT_ERR_API_IMPORT_CONFLICT: {
    status: 409,
    message: 'another import stored some of the same readings meanwhile; nothing was imported',
  },
  CT_ERR_API_DB_UNAVAILABLE: { status: 503, message: 'the database is not reachable' },
  CT_ERR_API_BROKER_UNAVAILABLE: {
    status: 503,
    message: 'the MQTT broker is not reachable: the announcement was not sent; try again',
  },
  CT_ERR_API_INTERNAL: { status: 500, message: 'unexpected server error' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** An error the api answers with its catalogue status and code. */
export class ApiError extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: ApiErrorCode,
    message?: string,
  ) {
    super(message ?? API_ERRORS[code].message);
    this.statusCode = API_ERRORS[code].status;
  }

  /** The HTTP reason phrase of the status ('Not Found', 'Conflict', ...), for the `error` field. */
  get title(): string {
    return STATUS_CODES[this.statusCode] ?? 'Error';
  }
}

export const notFound = (what: string) => new ApiError('CT_ERR_API_NOT_FOUND', `${what} not found`);
