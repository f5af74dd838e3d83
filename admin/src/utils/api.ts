// The boundary types the server validates against, shared through contracts/.
import type { Audience, AudienceUsage, UsageReport } from '../../../contracts/src/admin/audience';
import type { ConditionEvaluation, VariantOutcome, VariantsEvaluation } from '../../../contracts/src/admin/evaluate';
import type {
  BanditUpdateResponse,
  BanditUpdateSkip,
  Experiment,
  ExperimentInput,
  ExperimentMeta,
  ExperimentResult,
  ExperimentResults,
  ExperimentResultsResponse,
} from '../../../contracts/src/experiments';
import type { SignalDescriptor, SignalType } from '../../../contracts/src/signals/vocabulary';
import type { ReasonEntry } from '../../../contracts/src/reason';
import type { AdminVisitorRequest, VisitorExport } from '../../../contracts/src/visitors';

import { PLUGIN_ID } from '../pluginId';

export type {
  Audience,
  BanditUpdateResponse,
  BanditUpdateSkip,
  Experiment,
  ExperimentInput,
  ExperimentMeta,
  ExperimentResult,
  ExperimentResults,
  ExperimentResultsResponse,
  AudienceUsage,
  ConditionEvaluation,
  ReasonEntry,
  SignalDescriptor,
  SignalType,
  UsageReport,
  VariantOutcome,
  VariantsEvaluation,
  AdminVisitorRequest,
  VisitorExport,
};

/** Admin routes of the plugin (under the admin's auth and its RBAC actions). */
export const adminApi = {
  audiences: `/${PLUGIN_ID}/audiences`,
  audience: (documentId: string) => `/${PLUGIN_ID}/audiences/${documentId}`,
  usage: `/${PLUGIN_ID}/usage`,
  evaluate: `/${PLUGIN_ID}/evaluate`,
  settings: `/${PLUGIN_ID}/settings`,
  purge: `/${PLUGIN_ID}/cache/purge`,
  signals: `/${PLUGIN_ID}/signals`,
  // POST with `{ visitorId }`: the id stays out of URLs (and so out of Strapi's request log).
  visitorLookup: `/${PLUGIN_ID}/visitors/lookup`,
  visitorErase: `/${PLUGIN_ID}/visitors/erase`,
  experiments: `/${PLUGIN_ID}/experiments`,
  experiment: (documentId: string) => `/${PLUGIN_ID}/experiments/${documentId}`,
  experimentAction: (documentId: string, action: 'start' | 'pause' | 'stop') => `/${PLUGIN_ID}/experiments/${documentId}/${action}`,
  experimentResults: (documentId: string) => `/${PLUGIN_ID}/experiments/${documentId}/results`,
  banditUpdate: (documentId: string) => `/${PLUGIN_ID}/experiments/${documentId}/bandit/update`,
};

export const PERMISSIONS = {
  read: [{ action: 'plugin::personalize.read', subject: null }],
  manage: [{ action: 'plugin::personalize.audiences.manage', subject: null }],
  settings: [{ action: 'plugin::personalize.settings', subject: null }],
  visitors: [{ action: 'plugin::personalize.visitors', subject: null }],
  experimentsRead: [{ action: 'plugin::personalize.experiments.read', subject: null }],
  experimentsManage: [{ action: 'plugin::personalize.experiments.manage', subject: null }],
};

/** The plugin's menu link: shown to whoever may read audiences, look up visitors or read experiments. */
export const MENU_PERMISSIONS = [...PERMISSIONS.read, ...PERMISSIONS.visitors, ...PERMISSIONS.experimentsRead];

/**
 * `POST /personalize/visitors/lookup` with `{ visitorId }` (the same as `GET /api/personalize/me`): everything stored
 * for a visitor. `profile` is as stored (interest scores as (score, at) pairs); `decayed` is its
 * signals now; `suppressed` a marker left by an erasure or an opt-out.
 */
export interface SignalVocabulary {
  groups: string[];
  signals: SignalDescriptor[];
}

export interface SettingsData {
  config: Record<string, unknown>;
  cache: unknown;
  conditions: { compiledConditions: number };
}

export interface ErrorDetail {
  path: (string | number)[];
  message: string;
}

interface ErrorBody {
  error?: { status?: number; message?: string; details?: { errors?: ErrorDetail[] } & Record<string, unknown> };
}

const errorBody = (error: unknown): ErrorBody | undefined =>
  (error as { response?: { data?: ErrorBody } }).response?.data;

/** The HTTP status of a failed request (useFetchClient's FetchError carries it), or undefined. */
export const errorStatus = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : errorBody(error)?.error?.status;
};

/** The message of a Strapi error response (useFetchClient throws with `response.data`). */
export const errorMessage = (error: unknown): string =>
  errorBody(error)?.error?.message ?? (error instanceof Error ? error.message : String(error));

/** The `details.errors` of a Strapi validation error: paths and messages to show at their place. */
export const errorDetails = (error: unknown): ErrorDetail[] => errorBody(error)?.error?.details?.errors ?? [];

/** The whole `details` object (e.g. where an audience is used, for a refused delete). */
export const errorExtra = (error: unknown): Record<string, unknown> | undefined => errorBody(error)?.error?.details;
