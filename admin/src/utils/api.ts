import type { ExplainNode } from '../../../engine/src';
// The server's own boundary types (type-only imports: nothing of the server is bundled).
import type { VariantOutcome } from '../../../server/src/controllers/admin-evaluate';
import type { AudienceUsage, UsageReport } from '../../../server/src/services/usage';
import type { SignalDescriptor, SignalType } from '../../../server/src/signals/vocabulary';
import type { ReasonEntry } from '../../../server/src/utils/reason';

import { PLUGIN_ID } from '../pluginId';

export type { AudienceUsage, ReasonEntry, SignalDescriptor, SignalType, UsageReport, VariantOutcome };

/** Admin routes of the plugin (under the admin's auth) and the public signal vocabulary. */
export const adminApi = {
  audiences: `/${PLUGIN_ID}/audiences`,
  audience: (documentId: string) => `/${PLUGIN_ID}/audiences/${documentId}`,
  usage: `/${PLUGIN_ID}/usage`,
  evaluate: `/${PLUGIN_ID}/evaluate`,
  settings: `/${PLUGIN_ID}/settings`,
  purge: `/${PLUGIN_ID}/cache/purge`,
  signals: `/api/${PLUGIN_ID}/signals`,
};

export const PERMISSIONS = {
  read: [{ action: 'plugin::personalize.read', subject: null }],
  manage: [{ action: 'plugin::personalize.audiences.manage', subject: null }],
  settings: [{ action: 'plugin::personalize.settings', subject: null }],
};

export interface Audience {
  documentId: string;
  name: string;
  key: string;
  description?: string | null;
  condition: unknown;
}

export interface SignalVocabulary {
  groups: string[];
  signals: SignalDescriptor[];
}

export interface VariantsEvaluation {
  variant: string | null;
  forced: boolean;
  reason: ReasonEntry[];
  variants: VariantOutcome[];
  entry?: Record<string, unknown>;
  previewUrl?: string | null;
}

export interface ConditionEvaluation {
  matched: boolean;
  result: unknown;
  reason: ReasonEntry[];
  explain?: ExplainNode;
  error?: string;
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
