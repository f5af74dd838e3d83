// What the admin knows of the plugin's admin API besides its calls (admin/src/api/): the RBAC
// actions of its routes, and how to read its error answers.
import type { ValidationIssue } from '../../../contracts/src/zod-issues';

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

/** One entry of a Strapi validation error's `details.errors`. */
export type ErrorDetail = Pick<ValidationIssue, 'path' | 'message'>;

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
