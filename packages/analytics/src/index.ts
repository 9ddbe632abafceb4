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
