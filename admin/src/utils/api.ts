import { PLUGIN_ID } from '../pluginId';

export const adminApi = {
  audiences: `/${PLUGIN_ID}/audiences`,
  audience: (documentId: string) => `/${PLUGIN_ID}/audiences/${documentId}`,
};

export interface Audience {
  documentId: string;
  name: string;
  key: string;
  description?: string | null;
  condition: unknown;
}

/** The message of a Strapi error response, with the first detail path when there is one. */
export const errorMessage = (error: unknown): string => {
  const response = (error as { response?: { data?: { error?: { message?: string } } } }).response;
  return response?.data?.error?.message ?? (error instanceof Error ? error.message : String(error));
};
