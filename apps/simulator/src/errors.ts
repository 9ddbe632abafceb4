/**
 * The simulator's error catalogue: HTTP answers carry the code and status; log lines carry the
 * code. Every code is documented in docs/simulator.md (a test keeps the two in step).
 */
export const SIM_ERRORS = {
  CT_ERR_SIM_BAD_CONFIG: { status: 0, message: 'the environment configuration is not valid' },
  CT_ERR_SIM_BAD_SCENARIO: { status: 0, message: 'the scenario file is not valid' },
  CT_ERR_SIM_BAD_JSON: { status: 400, message: 'the request body is not valid JSON' },
  CT_ERR_SIM_BAD_REQUEST: {
    status: 400,
    message: 'the request does not match the incident schema',
  },
  CT_ERR_SIM_UNKNOWN_TARGET: {
    status: 404,
    message: 'no such segment, equipment or sensor in the plant',
  },
  CT_ERR_SIM_DISTANCE_OUT_OF_RANGE: {
    status: 404,
    message: 'the distance is beyond the end of the segment',
  },
  CT_ERR_SIM_INCIDENT_NOT_FOUND: { status: 404, message: 'no incident with this id' },
  CT_ERR_SIM_NOT_FOUND: { status: 404, message: 'no such route' },
  CT_ERR_SIM_METHOD_NOT_ALLOWED: { status: 405, message: 'method not allowed on this route' },
  CT_ERR_SIM_PAYLOAD_TOO_LARGE: { status: 413, message: 'request body too large' },
  CT_ERR_SIM_INTERNAL: { status: 500, message: 'unexpected error' },
  CT_ERR_SIM_BROKER_UNAVAILABLE: {
    status: 0,
    message: 'broker unreachable: readings dropped until it reconnects',
  },
  CT_ERR_SIM_REPLAY_BAD_ROW: {
    status: 0,
    message: 'a replay CSV row could not be read and was skipped',
  },
} as const;

export type SimErrorCode = keyof typeof SIM_ERRORS;

/** One zod issue as an error answer carries it. */
export interface IssueView {
  path: (string | number)[];
  message: string;
}

/** An error with a catalogue code; `status` is the HTTP status the control API answers with. */
export class SimulatorError extends Error {
  readonly status: number;
  constructor(
    readonly code: SimErrorCode,
    message?: string,
    readonly issues?: IssueView[],
  ) {
    super(message ?? SIM_ERRORS[code].message);
    this.name = 'SimulatorError';
    this.status = SIM_ERRORS[code].status;
  }
}

/** zod issues to the plain shape error answers use. */
export function issueViews(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): IssueView[] {
  return issues.map((i) => ({
    path: i.path.map((p) => (typeof p === 'number' ? p : String(p))),
    message: i.message,
  }));
}
