/** Experiments (docs/design.md, "Experiments"): assignment and bandit weights, pure. */
export { assignExperiment, bucketRanges, chooseArm, experimentBucket, roundBucket } from './assign';
export type {
  AssignableArm,
  AssignableExperiment,
  Assignment,
  AssignmentInput,
  AssignmentReason,
  BucketRange,
  ExperimentStatus,
} from './assign';
export {
  armPosterior,
  BANDIT_PRIOR,
  DEFAULT_BANDIT_CONFIG,
  floorWeights,
  guardrailWeights,
  nextBanditWeights,
  periodWeights,
  probabilityBest,
} from './bandit';
export type { ArmPosterior, BanditArm, BanditConfig, BanditInput, BanditPeriod, BanditSkipReason, BanditUpdate } from './bandit';
export { erfc, normalCdf, normalPdf } from '../stats/normal';
export { gaussHermite, gaussHermite128, gaussLegendre, hermiteOrthonormal } from './quadrature';
export type { QuadratureRule } from './quadrature';
export { applyConversions, applyExposures, countedValue, GOAL_VALUE_LIMITS } from './exposure';
export type {
  ConversionGoal,
  ConversionIncrement,
  ConvertingExperiment,
  ExposureMap,
  ExposureRequest,
  UnitIncrement,
} from './exposure';
export { referencedExperiments } from './references';
export {
  HOLDOUT_KEY,
  holdoutBucket,
  inHoldout,
  inNamespaceRange,
  namespaceBucket,
  overlappingRange,
  rangesOverlap,
} from './exclusion';
export type { NamespacedRange, NamespaceRange } from './exclusion';
export { assignFactors, checkFactors, factorBucket, MAX_FACTORS, MAX_LEVELS } from './multivariate';
export type { Factor, FactorAssignment, FactorLevel } from './multivariate';
