// The one message protocol between the extension host, the training worker and the webviews.
// Every receiving edge calls the matching parse* function: a message of the wrong shape is
// rejected with a ProtocolError naming the field, never acted on.

export type {
  ClipEvent,
  DiagnosticsReport,
  GateSaturation,
  GradNormCurve,
  LabProgress,
  LabResult,
  ProgressPoint,
  TaskScores,
  TrainingSnapshot,
} from '../engine/reports';
export { HISTOGRAM_BINS, SATURATION_MARGIN } from '../engine/reports';
export * from './hostView';
export * from './hostWorker';
export * from './reports';
export * from './validate';
export * from './curve';
