/**
 * The ingest error catalogue. Dead letters carry the code as their `reason`; every code is
 * documented in docs/errors.md (a test keeps the two in step).
 */
export const INGEST_ERRORS = {
  CT_ERR_INGEST_BAD_TOPIC: 'topic is not twin/v1/<company>/<device>/telemetry|status',
  CT_ERR_INGEST_OVERSIZED: 'payload larger than the telemetry limit',
  CT_ERR_INGEST_BAD_JSON: 'payload is not valid UTF-8 JSON',
  CT_ERR_INGEST_BAD_PAYLOAD: 'payload does not match the telemetry or status schema',
  CT_ERR_INGEST_UNKNOWN_SENSOR: 'reading names a sensor the company does not have',
  CT_ERR_INGEST_TIME_OUT_OF_RANGE: 'reading time too far in the future or the past',
  CT_ERR_INGEST_DB_UNAVAILABLE: 'database unreachable: acknowledgements paused, retrying',
  CT_ERR_INGEST_BROKER_UNAVAILABLE: 'broker unreachable: reconnecting with backoff',
} as const;

export type ErrorCode = keyof typeof INGEST_ERRORS;
