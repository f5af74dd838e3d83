// The boundary types the server validates against, shared through contracts/.
import type { Audience, AudienceUsage, UsageReport } from '../../../contracts/src/admin/audience';
import type { ConditionEvaluation, VariantOutcome, VariantsEvaluation } from '../../../contracts/src/admin/evaluate';
import type { SignalDescriptor, SignalType } from '../../../contracts/src/signals/vocabulary';
import type { ReasonEntry } from '../../../contracts/src/reason';

import { PLUGIN_ID } from '../pluginId';

export type {
  Audience,
  AudienceUsage,
  ConditionEvaluation,
  ReasonEntry,
  SignalDescriptor,
  SignalType,
  UsageReport,
  VariantOutcome,
  VariantsEvaluation,
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
};

export const PERMISSIONS = {
  read: [{ action: 'plugin::personalize.read', subject: null }],
  manage: [{ action: 'plugin::personalize.audiences.manage', subject: null }],
  settings: [{ action: 'plugin::personalize.settings', subject: null }],
};

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
  error?: { message?: string; details?: { errors?: ErrorDetail[] } & Record<string, unknown> };
}

const errorBody = (error: unknown): ErrorBody | undefined =>
  (error as { response?: { data?: ErrorBody } }).response?.data;

/** The message of a Strapi error response (useFetchClient throws with `response.data`). */
export const errorMessage = (error: unknown): string =>
  errorBody(error)?.error?.message ?? (error instanceof Error ? error.message : String(error));

/** The `details.errors` of a Strapi validation error: paths and messages to show at their place. */
export const errorDetails = (error: unknown): ErrorDetail[] => errorBody(error)?.error?.details?.errors ?? [];

/** The whole `details` object (e.g. where an audience is used, for a refused delete). */
export const errorExtra = (error: unknown): Record<string, unknown> | undefined => errorBody(error)?.error?.details;
