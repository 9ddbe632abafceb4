export { connect } from './client';
export type { Sql, Queryable, Tx, ConnectOptions } from './client';
export { DbError, pgCode, doing } from './errors';
export { migrate, storageMode, timescaleAvailable } from './migrate';
export type { StorageMode, StorageChoice, MigrateOptions, MigrateResult } from './migrate';
export { allocReadingColumns, encodeReadingsCopy } from './copy-binary';
export type { ReadingColumns } from './copy-binary';
export {
  ReadingsWriter,
  rawCopyReadings,
  ensurePartitions,
  partitionName,
  runRollup,
  runRetention,
  querySensorTrend,
  queryLatestValues,
  queryLatestReading,
  estimateReadingsCount,
} from './readings.repository';
export type {
  BatchExtras,
  DeviceStatusInput,
  ReadingsWriterOptions,
  InsertResult,
  RollupResult,
  TrendSeries,
  LatestValue,
} from './readings.repository';
export {
  getPlantMeta,
  loadPlant,
  readPlantModel,
  listSensorKeys,
  listSensors,
  listAllSensors,
  getSensor,
  loadNetworkRows,
  updateDeviceStatus,
  getSegment,
  getEquipment,
} from './plant.repository';
export type {
  PlantMeta,
  SensorKey,
  SensorRow,
  SensorFilter,
  NetworkRows,
  SegmentDetailRow,
  EquipmentDetailRow,
} from './plant.repository';
export { insertDeadLetters, listDeadLetters, countDeadLetters } from './dead-letter.repository';
export type { DeadLetterInput, DeadLetterRow } from './dead-letter.repository';
export { createTestDatabase, TEST_SERVER_URL } from './testing';
export { seedCompanyData, fixtureCompanies } from './tenancy-fixture';
export type { CompanyFixture } from './tenancy-fixture';
export type { TestDatabase } from './testing';
export { SensorDirectory } from './sensor-directory';
export type { SensorResolver } from './sensor-directory';
export {
  listRotatingEquipment,
  querySensorHistory,
  queryMinuteHistory,
  insertAnomalyScores,
  latestAnomalyScores,
  queryAnomalyScores,
  getBaseline,
  saveBaseline,
} from './equipment.repository';
export type {
  RotatingEquipment,
  RotatingSensor,
  SensorHistory,
  AnomalyScoreRow,
  Baseline,
} from './equipment.repository';
export {
  raiseAlert,
  updateAlertDetail,
  clearAlert,
  listAlerts,
  listAlertEvents,
  getAlert,
  toAlert,
  actOnAlert,
  expireShelves,
  listAnnunciations,
  listAlertAreas,
} from './alert.repository';
export type {
  AlertRow,
  AlertEventRow,
  AlertSeverity,
  AlertFilter,
  RaiseInput,
  AlertActionInput,
  AlertActionResult,
} from './alert.repository';
export {
  pipeConditionState,
  ensurePipeConditions,
  loadInspectionHistory,
  recomputeConditions,
  searchConditions,
  exportConditions,
  summarizeConditions,
  getConditionDetail,
  inspectionImportContext,
  storeInspections,
} from './integrity.repository';
export type {
  PipeConditionState,
  RecomputeOptions,
  ConditionSortKey,
  ConditionFilter,
  ConditionListRow,
  ConditionSearch,
  SummaryGroup,
  ConditionSummaryRow,
  ConditionDetail,
  StoreInspectionsOptions,
} from './integrity.repository';
export { recordLineOperation, listLineOperations, getLine } from './leak.repository';
export type { LineOperationRow, LineRow } from './leak.repository';
export { withScope, inTransaction, SYSTEM_SCOPE } from './scope';
export type { Scope } from './scope';
export {
  findUserByUsername,
  findUserByOidc,
  getUser,
  listUsers,
  createUser,
  updateUser,
  countUsers,
  createSession,
  findSession,
  touchSession,
  revokeSession,
  revokeUserSessions,
  createDisplayToken,
  listDisplayTokens,
  useDisplayToken,
  revokeDisplayToken,
  createSigninLink,
  consumeSigninLink,
  appendAudit,
  listAudit,
  listMqttAccounts,
  getMqttAccount,
  createMqttDevice,
  upsertMqttService,
  deleteMqttAccount,
  queryStatsCells,
  listStatsQueries,
  recordStatsQuery,
} from './auth.repository';
export type {
  UserRow,
  NewUser,
  UserChanges,
  SessionRow,
  NewSession,
  DisplayTokenRow,
  AuditInput,
  AuditRow,
  AuditFilter,
  MqttAccountRow,
  StatsCellRow,
  StatsQueryInput,
  StatsQueryRow,
} from './auth.repository';
