/** Public API of the pure detection library. Import from here (it loads the registry first). */
export * from "./types";
export { createRng, type Rng } from "./random";
export {
  createDetector,
  createMemberDetector,
  defaultDetectorConfig,
  detectorDefinitions,
  getDefinition,
  UnknownDetectorKindError,
  type DetectorConfig,
} from "./registry";
export {
  createEventTracker,
  severityOf,
  toEvents,
  type AnomalyEvent,
  type EventOptions,
  type EventTracker,
  type EventTrackerState,
  type Severity,
} from "./events";
export { checkObservation, skippedResult } from "./common/input-guard";
export { AnomalyLikelihood, likelihoodParams, type LikelihoodParams } from "./common/anomaly-likelihood";
export { decadesToScore, normalCdf, normalTail, scoreToDecades, zToScore, logisticScore } from "./common/normal";
export { detectPeriod, medianInterval, HOUR_MS, DAY_MS, WEEK_MS } from "./common/period";
export { RingBuffer } from "./common/ring-buffer";
export { RollingStats, RunningStats } from "./common/rolling-stats";
export { SortedWindow, MAD_TO_SIGMA } from "./common/sorted-window";
