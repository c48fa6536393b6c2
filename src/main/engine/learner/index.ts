export { Learner, TrainingDivergedError, type LossFunction, type LearnerCallback, type LearnerOptions, type BatchProgress, type FitResult } from './learner'
export { Recorder, type EpochRecord } from './recorder'
export { accuracy, batchAccuracy, type Metric } from './metrics'
export { createLearner, validateConfig } from './recipe'
