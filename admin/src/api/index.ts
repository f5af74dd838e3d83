/**
 * The admin's calls to the server: one function a route, taking `useFetchClient()`'s client and
 * returning the answer's payload, typed by contracts/ (the admin never imports server/src).
 */
export type { Audience, AudienceInput, AudienceUsage, AudienceUses, UsageReport } from '../../../contracts/src/admin/audience';
export type { ConditionEvaluation, VariantOutcome, VariantsEvaluation } from '../../../contracts/src/admin/evaluate';
export type { HealthBus, HealthData, HealthMinute, HealthSrm } from '../../../contracts/src/admin/health';
export type { SettingsData } from '../../../contracts/src/admin/settings';
export type {
  BanditUpdateSkip,
  ContextualLeafResult,
  ContextualResults,
  Experiment,
  ExperimentInput,
  ExperimentMeta,
  ExperimentResult,
  ExperimentResults,
} from '../../../contracts/src/experiments';
export type { ShipRefusal, ShipResult } from '../../../contracts/src/experiment-ship';
export type { HoldoutResults } from '../../../contracts/src/holdout';
export type { ReasonEntry } from '../../../contracts/src/reason';
export type { SignalDescriptor, SignalType } from '../../../contracts/src/signals/vocabulary';
export type { VisitorExport } from '../../../contracts/src/visitors';

export type { ExperimentAction, FetchClient } from './client';
export * from './audiences';
export * from './evaluate';
export * from './experiments';
export * from './health';
export * from './holdout';
export * from './settings';
export * from './signals';
export * from './strapi';
export * from './visitors';
