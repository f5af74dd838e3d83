import { API_TOKEN_STRATEGIES, type ContentApiAuth } from './access';

/**
 * Who a response was sanitized for, as a cache-key part: callers with the same permissions share
 * entries (the public role, users of one role, one API token), callers with different ones never do.
 */
export const authCacheKey = (auth: ContentApiAuth | undefined): string => {
  if (!auth) return 'anonymous';
  const credentials = auth.credentials as { id?: unknown; role?: { id?: unknown } } | null;
  if (API_TOKEN_STRATEGIES.has(auth.strategy.name)) return `token:${String(credentials?.id)}`;
  if (!credentials) return 'public';
  return `role:${String(credentials.role?.id ?? `user:${String(credentials.id)}`)}`;
};
