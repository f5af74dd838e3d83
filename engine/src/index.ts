/**
 * strapi-plugin-personalize/engine — JSON-logic (json-logic-js 2.0.5 semantics), compiled once to generated
 * code or, where `new Function` is not allowed (CSP without unsafe-eval), to a tree of closures; with the
 * plugin's `audience`/`experiment` operators and flagd's fractional, sem_ver, starts_with and ends_with.
 * Pure TypeScript: runs in the browser admin, edge runtimes and Node.
 */
export { compile, evaluate, MAX_AUDIENCE_NESTING } from './compile';
export type { CompileOptions, CompiledRule } from './compile';
export { createExplainer, explain, MAX_EXPLAIN_NODES } from './explain';
export type { Explainer } from './explain';
export { RuleError, formatRulePath } from './errors';
export type { RuleErrorCode } from './errors';
export { DEFAULT_LIMITS } from './limits';
export type { LimitOverrides, Limits } from './limits';
export { CHARS_PER_UNIT, isOutOfFuel } from './fuel';
export { OPERATORS } from './operators/registry';
export { missingSignals, orderingSignals } from './missing-signals';
export type { OrderingSignalsOptions, Semantics } from './missing-signals';
export { truthy } from './truthy';
export { murmur3, murmur3String } from './murmur3';
export type { ExplainNode, JsonPrimitive, JsonValue, Rule, RulePath, RuleReferences } from './types';
export {
  applyEvents,
  applyServe,
  consentRecord,
  effectiveConsent,
  emptyProfile,
  profileSignals,
  PROFILE_LIMITS,
} from './profile';
export type {
  AcceptedEvent,
  ApplyOptions,
  CapCounters,
  ConsentChoice,
  ConsentMode,
  EffectiveConsent,
  ProfileOptions,
  ProfileSignals,
  ProfileWeights,
  StoredScore,
  VisitorEvent,
  VisitorProfile,
} from './profile';
export { capCount, capKey, exhaustedCap } from './caps';
export type { Cap, CapEvent, CapWindow } from './caps';
export {
  armPosterior,
  assignExperiment,
  BANDIT_PRIOR,
  bucketRanges,
  chooseArm,
  DEFAULT_BANDIT_CONFIG,
  experimentBucket,
  floorWeights,
  nextBanditWeights,
  periodWeights,
  probabilityBest,
  roundBucket,
} from './experiments';
export type {
  ArmPosterior,
  AssignableArm,
  AssignableExperiment,
  Assignment,
  AssignmentInput,
  AssignmentReason,
  BanditArm,
  BanditConfig,
  BanditInput,
  BanditPeriod,
  BanditSkipReason,
  BanditUpdate,
  BucketRange,
  ExperimentStatus,
} from './experiments';
export {
  assignContextual,
  bucketNumber,
  cellValue,
  CONTEXT_OTHER,
  contextualCell,
  contextualLeafIndex,
  DEFAULT_CONTEXTUAL_CUTS,
  DEFAULT_MAX_LEAVES,
  DEFAULT_MIN_UNITS_PER_LEAF,
  fitContextualModel,
  MAX_CATEGORY_VALUES,
  MERGE_P_BEST,
  PRIOR_UNITS,
  SPLIT_ALPHA,
} from './contextual';
export type {
  ContextualArmCounts,
  ContextualAssignment,
  ContextualAttribute,
  ContextualCellCounts,
  ContextualLeaf,
  ContextualModel,
  ContextualOptions,
  ContextualTest,
  ContextValue,
  FittedAttribute,
} from './contextual';
export {
  absoluteLift,
  addCupedStats,
  addSufficientStats,
  armStatistic,
  benjaminiHochberg,
  chanceToWin,
  chiSquareSf,
  compareArms,
  compareArmsCuped,
  cupedArmStatistic,
  cupedTheta,
  DEFAULT_ALPHA,
  DEFAULT_SEQUENTIAL_N_STAR,
  DEFAULT_TARGET_POWER,
  holmBonferroni,
  logBeta,
  logGamma,
  mdeAt,
  normalQuantile,
  powerAt,
  powerPlan,
  powerStandardError,
  regularizedGammaP,
  regularizedGammaQ,
  regularizedIncompleteBeta,
  relativeLift,
  sequentialHalfWidth,
  sequentialPowerVariance,
  sequentialPValue,
  sequentialRho,
  SRM_THRESHOLD,
  srmCheck,
  srmCheckByPeriod,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  studentTTwoSidedPValue,
  unitsForPower,
  welchDegreesOfFreedom,
} from './stats';
export type {
  ArmStatistic,
  CompareOptions,
  Comparison,
  CupedArmStatistic,
  CupedComparison,
  CupedSufficientStats,
  GoalKind,
  Interval,
  LiftEstimate,
  MdeResult,
  NoResult,
  NoResultReason,
  PeriodSrmOptions,
  PowerDay,
  PowerMetric,
  PowerOptions,
  PowerPlan,
  PowerPlanInput,
  SequentialEstimate,
  SrmOptions,
  SrmPeriod,
  SrmResult,
  SufficientStats,
} from './stats';
