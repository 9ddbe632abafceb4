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
  resolve as resolveAlarm,
  assign as assignAlarm,
  applyAction as applyAlarmAction,
  CHATTER,
  isChattering,
} from './alarms/alarm-state';
export type { AlarmFlags, IsaState, Shelving, Transition, AlarmAction } from './alarms/alarm-state';
export { FloodDetector, FLOOD_DEFAULTS } from './alarms/flood';
export type { FloodOptions, FloodEpisode, AreaFloodStatus } from './alarms/flood';
export {
  STABILITY_CLASSES,
  pasquillStability,
  insolationFor,
  resolveEntry as resolveStabilityEntry,
} from './dispersion/stability';
export type {
  StabilityClass,
  StabilityEntry,
  Insolation,
  StabilityInput,
  StabilityResult,
} from './dispersion/stability';
export {
  BRIGGS_VALID_RANGE_M,
  briggsSigmas,
  plumeConcentration,
  plumeHalfWidthM,
  maxDistanceToLevelM,
} from './dispersion/plume';
export type { Terrain, Sigmas, PlumeParams } from './dispersion/plume';
export { STANDARD_PRESSURE_KPA, molarVolumeLMol, ppmToMgM3, mgM3ToPpm } from './dispersion/units';
export { computeThreatZones, toThreatZonesDetail } from './dispersion/threat-zones';
export type {
  ZoneLevel,
  DispersionSubstance,
  Concern,
  ThreatZone,
  Hazard,
  ThreatZoneInput,
  ThreatZones,
  ThreatZonesRecord,
} from './dispersion/threat-zones';
export {
  exposedAssets,
  pointInPolygon,
  polylineInPolygon,
  polygonsOverlap,
} from './dispersion/exposure';
export type {
  SitePoint,
  ExposureSegment,
  ExposurePlot,
  ExposedInZone,
} from './dispersion/exposure';
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
export {
  INTEGRITY_TABLES_V1,
  CONSEQUENCE_CATEGORIES,
  PROBABILITY_CATEGORIES,
  RISK_LEVELS,
} from './integrity/tables';
export type {
  IntegrityTables,
  B31_3Tables,
  Api570Tables,
  RiskTables,
  PipeMaterial,
  PipingClass,
  ConsequenceCategory,
  ProbabilityCategory,
  RiskLevel,
  TemperatureCurve,
} from './integrity/tables';
export {
  pressureDesignThickness,
  requiredThickness,
  structuralMinimumMm,
  interpolateCurve,
} from './integrity/b31-3';
export type {
  PressureDesignInput,
  PressureDesignResult,
  SegmentDesign,
  RequiredThickness,
} from './integrity/b31-3';
export {
  yearsBetween,
  addYears,
  corrosionRates,
  remainingLifeYears,
  inspectionInterval,
  anticipatedRateMmY,
  assessCml,
  governingCml,
} from './integrity/api570';
export type {
  ThicknessReading,
  CorrosionRates,
  IntervalBasis,
  CmlInput,
  CmlAssessment,
  CmlContext,
} from './integrity/api570';
export {
  probabilityCategory,
  probabilityCategoryFromDf,
  consequenceCategory,
  consequenceCategoryFromUsd,
  riskLevel,
  riskRank,
  thinningDamageFactor,
  assessProbability,
  assessConsequence,
} from './integrity/risk';
export type {
  ProbabilityInput,
  ProbabilityAssessment,
  ConsequenceInput,
  ConsequenceAssessment,
} from './integrity/risk';
export { preparePlots, companiesNear } from './integrity/proximity';
export type { Plot } from './integrity/proximity';
export { assessSegmentCondition, segmentInventoryKg } from './integrity/condition';
export type { ConditionFlag, SegmentConditionInput, SegmentCondition } from './integrity/condition';
export {
  parseInspectionCsv,
  checkInspectionRows,
  splitCsvLine,
  readingKey,
  INSPECTION_CSV_REQUIRED,
  INSPECTION_CSV_OPTIONAL,
} from './integrity/inspection-csv';
export type {
  InspectionCsvErrorCode,
  InspectionCsvError,
  InspectionCsvRow,
  ParsedInspectionCsv,
  KnownSegment,
  InspectionCheckContext,
} from './integrity/inspection-csv';
export {
  STEEL_YOUNG_PA,
  waveSpeedMs,
  effectiveBulkModulusPa,
  leakRateFromWaveM3s,
} from './leak/physics';
export { fitPressureFront, largestStep } from './leak/front';
export type { PressureFront, FrontOptions } from './leak/front';
export { locateFromFronts } from './leak/locate';
export type { Station, StationFront, NpwLocation, NpwResult, LocateOptions } from './leak/locate';
export { StretchBalance, BALANCE_WINDOWS, BALANCE_DEFAULTS } from './leak/balance';
export type { BalanceOptions, BalanceState } from './leak/balance';
export { LineLeakMonitor } from './leak/line-monitor';
export type {
  LineSpec,
  LineSegmentSpec,
  LineSensorSpec,
  LineMonitorOptions,
  LeakMethodName,
  LeakEvidenceItem,
  LeakFinding,
  LeakChange,
} from './leak/line-monitor';
export {
  DEFAULT_DISCLOSURE_RULES,
  cellKey,
  primaryReason,
  differencingRisk,
  recoverable,
  releaseCells,
} from './disclosure/disclosure';
export type {
  DisclosureLevel,
  SuppressionReason,
  DisclosureCell,
  DisclosureRules,
  ReleasedCell,
  PriorRelease,
} from './disclosure/disclosure';
