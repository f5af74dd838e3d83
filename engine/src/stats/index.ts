/**
 * Experiment statistics with GrowthBook's gbstats semantics (docs/statistics.md): per-arm moments, relative and
 * absolute lift with fixed-horizon (Welch t) and sequential (always-valid) inference, chance to win, SRM,
 * multiple-testing adjustments, power and duration. Pure functions of counts; no I/O.
 */
export { addSufficientStats, armStatistic } from './arms';
export type { ArmStatistic, GoalKind, SufficientStats } from './arms';
export {
  absoluteLift,
  chanceToWin,
  compareArms,
  compareSettings,
  DEFAULT_ALPHA,
  DEFAULT_SEQUENTIAL_N_STAR,
  liftEstimate,
  relativeLift,
  sequentialHalfWidth,
  sequentialPValue,
  sequentialRho,
  welchDegreesOfFreedom,
} from './compare';
export type { CompareOptions, Comparison, Interval, LiftEstimate, NoResult, NoResultReason, SequentialEstimate } from './compare';
export { addCupedStats, compareArmsCuped, cupedArmStatistic, cupedCovariance, cupedRelativeVariance, cupedTheta } from './cuped';
export type { CupedArmStatistic, CupedComparison, CupedSufficientStats } from './cuped';
export { CELL_SEPARATOR, cellKey, differenceInDifferences, factorialCells, factorialResults } from './factorial';
export type {
  BestCell,
  FactorEffect,
  FactorialFactor,
  FactorialResults,
  FactorLevelStats,
  FactorResult,
  Interaction,
  InteractionEstimate,
} from './factorial';
export { guardrailVerdict, harmsGuardrail } from './guardrail';
export type { GoalDirection, GuardrailVerdict } from './guardrail';
export { SRM_THRESHOLD, srmCheck, srmCheckByPeriod } from './srm';
export type { PeriodSrmOptions, SrmOptions, SrmPeriod, SrmResult } from './srm';
export { benjaminiHochberg, holmBonferroni } from './multiple';
export {
  DEFAULT_TARGET_POWER,
  mdeAt,
  powerAt,
  powerPlan,
  powerStandardError,
  sequentialPowerVariance,
  unitsForPower,
} from './power';
export type { MdeResult, PowerDay, PowerMetric, PowerOptions, PowerPlan, PowerPlanInput } from './power';
export {
  chiSquareSf,
  logBeta,
  logGamma,
  normalCdf,
  normalPdf,
  normalQuantile,
  regularizedGammaP,
  regularizedGammaQ,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  studentTTwoSidedPValue,
} from './special';
