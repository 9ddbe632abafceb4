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
