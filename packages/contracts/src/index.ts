export {
  TOPIC_ROOT,
  MAX_READINGS_PER_MESSAGE,
  MAX_TELEMETRY_PAYLOAD_BYTES,
  TOPIC_ID_PATTERN,
  SENSOR_TAG_PATTERN,
  QUALITY,
  QUALITY_NAMES,
  QualitySchema,
  ReadingSchema,
  TelemetryMessageSchema,
  DeviceStatusSchema,
  TELEMETRY_FILTER,
  STATUS_FILTER,
  telemetryTopic,
  statusTopic,
  parseDeviceTopic,
} from './telemetry';
export type {
  QualityName,
  QualityCode,
  Reading,
  TelemetryMessage,
  TelemetryMessageInput,
  DeviceStatus,
  DeviceTopic,
  DeviceTopicKind,
} from './telemetry';
export {
  SYS_ROOT,
  COMPONENTS,
  HEARTBEAT_FILTER,
  INGEST_METRICS_FILTER,
  HeartbeatSchema,
  IngestMetricsSchema,
  heartbeatTopic,
  ingestMetricsTopic,
} from './system';
export type { Component, Heartbeat, IngestMetrics } from './system';
export {
  LeakIncidentSchema,
  BearingWearIncidentSchema,
  SensorFaultIncidentSchema,
  IncidentRequestSchema,
  GroundTruthEntrySchema,
  ScenarioFileSchema,
} from './simulation';
export type {
  IncidentRequest,
  IncidentRequestInput,
  GroundTruthEntry,
  ScenarioFile,
} from './simulation';
export {
  ApiErrorSchema,
  ComponentHealthSchema,
  StatusResponseSchema,
  PagingQuerySchema,
  CompanySchema,
  SensorSchema,
  SensorListQuerySchema,
  LatestValueSchema,
  SensorWithLatestSchema,
  RESOLUTIONS,
  TrendQuerySchema,
  TrendResponseSchema,
  DeadLetterSchema,
  LiveValuesSchema,
  LiveClientMessageSchema,
  LiveServerMessageSchema,
  NetworkResponseSchema,
  SegmentDetailSchema,
  EquipmentDetailSchema,
} from './api';
export type {
  ApiError,
  ComponentHealth,
  StatusResponse,
  Company,
  Sensor,
  Resolution,
  TrendQuery,
  TrendResponse,
  DeadLetter,
  LiveValues,
  LiveClientMessage,
  LiveServerMessage,
  NetworkResponse,
  SegmentDetail,
  EquipmentDetail,
} from './api';
export {
  GEOMETRY_MAGIC,
  GEOMETRY_VERSION,
  geometryByteLength,
  encodeNetworkGeometry,
  decodeNetworkGeometry,
} from './network-geometry';
export type { NetworkGeometry } from './network-geometry';
export {
  equipmentEventTopic,
  EQUIPMENT_EVENT_FILTER,
  ContributionSchema,
  RulSchema,
  EquipmentHealthSchema,
} from './equipment';
export type { Contribution, Rul, EquipmentHealth } from './equipment';
export {
  ISA_STATES,
  AlertSchema,
  AlertEventSchema,
  alertEventTopic,
  ALERT_EVENT_FILTER,
} from './alerts';
export type { Alert, AlertEvent } from './alerts';
