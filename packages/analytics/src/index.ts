export {
  outlierMetrics,
  nabScore,
  nabWeight,
  changepointsFromOutliers,
  NAB_PROFILES,
} from './scoring/skab-metrics';
export type {
  OutlierMetrics,
  NabProfile,
  NabResult,
  ChangepointFile,
} from './scoring/skab-metrics';
export {
  NORMAL as ALARM_NORMAL,
  isaState,
  annunciated,
  onCondition,
  acknowledge,
  reset as resetAlarm,
  shelve,
  unshelve,
  expireShelve,
  setSuppressed,
  setOutOfService,
} from './alarms/alarm-state';
export type { AlarmFlags, IsaState, Shelving, Transition } from './alarms/alarm-state';
export { windowFeatures, StreamingFeatures } from './equipment/features';
export type { WindowFeatures } from './equipment/features';
export {
  ISO_10816_3_2009,
  ISO_2372_10816_1_CLASSES,
  groupBoundaries,
  zoneFromBoundaries,
  zoneFor,
  zoneForClass,
  severityBandHz,
  operationalLimits,
  operationalLevel,
} from './equipment/iso10816';
export type {
  SeverityZone,
  ZoneBoundaries,
  MachineGroup,
  Foundation,
  MachineClass,
  GroupSeverityTable,
  ClassSeverityTable,
  GroupMounting,
  OperationalLimits,
  OperationalLevel,
} from './equipment/iso10816';
export {
  BEARING_SLIP_FRACTION,
  bearingDefectFrequencies,
  bearingDefectBands,
  slipBand,
  inSlipBand,
} from './equipment/bearing';
export type {
  BearingGeometry,
  BearingDefectFrequencies,
  BearingDefect,
  FrequencyBand,
} from './equipment/bearing';
export {
  RUL_DEFAULTS,
  normalisedHealth,
  healthIndex,
  estimateRul,
  formatRul,
} from './equipment/health';
export type {
  HealthScale,
  DegradationModel,
  NoTrendReason,
  RulEstimate,
  RulOptions,
} from './equipment/health';
export { EquipmentHealthTracker } from './equipment/health-tracker';
export type {
  EquipmentHealthTrackerOptions,
  EquipmentHealthSnapshot,
} from './equipment/health-tracker';
export { createDetector, DEFAULT_DETECTOR, DETECTORS } from './equipment/detector';
export type {
  TrainingSegment,
  Contribution,
  DetectorOutput,
  StreamingDetector,
  DetectorOptions,
} from './equipment/detector';
export { MEWMA_DEFAULTS } from './equipment/anomaly/mewma';
export { runProtocol } from './equipment/anomaly/protocol';
export type { LabelledSeries, ProtocolOptions, ProtocolResult } from './equipment/anomaly/protocol';
