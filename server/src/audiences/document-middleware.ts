import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import { AUDIENCE_UID } from '../../../content-types';
import { audienceKeySchema } from '../../../contracts/src/ids';
import { unknownSignals } from '../../../contracts/src/signals/check';
import { getService } from '../platform/services';
import { formatZodIssues } from '../../../contracts/src/zod-issues';

type DocumentMiddleware = Parameters<Core.Strapi['documents']['use']>[0];

const CHANGING_ACTIONS = new Set(['create', 'update', 'delete']);

/**
 * Keeps the audience library sound: an audience's key is well formed and its condition compiles
 * against the other audiences (no unknown references, no cycles). After any change the in-memory
 * library is reloaded so variant conditions see it.
 */
export const audiencesMiddleware =
  (strapi: Core.Strapi): DocumentMiddleware =>
  async (context, next) => {
    if (context.uid !== AUDIENCE_UID || !CHANGING_ACTIONS.has(context.action)) return next();
    if (context.action !== 'delete') await validateAudienceWrite(strapi, context.action, context.params as AudienceParams);
    const result = await next();
    try {
      await getService(strapi, 'audiences').reload();
      await getService(strapi, 'cache').announceAudiencesChanged();
    } catch (error) {
      strapi.log.warn(`[personalize] audience library reload failed: ${(error as Error).message}`);
    }
    return result;
  };

interface AudienceParams {
  documentId?: string;
  data?: { key?: unknown; condition?: unknown; name?: unknown };
}

const fail = (path: (string | number)[], message: string): never => {
  throw new errors.ValidationError(`Invalid audience at ${path.join('.')}: ${message}`, {
    errors: [{ path, message, name: 'ValidationError' }],
  });
};

const validateAudienceWrite = async (strapi: Core.Strapi, action: string, params: AudienceParams) => {
  const data = params.data ?? {};
  const previous =
    action === 'update' && params.documentId
      ? ((await strapi.documents(AUDIENCE_UID as never).findOne({ documentId: params.documentId } as never)) as unknown as {
          key: string;
          condition: unknown;
        } | null)
      : null;

  const key = data.key ?? previous?.key;
  const parsedKey = audienceKeySchema.safeParse(key);
  if (!parsedKey.success) {
    const [issue] = formatZodIssues(parsedKey.error.issues);
    fail(['key'], key === undefined ? 'is required' : issue.message);
  }
  const condition = 'condition' in data ? data.condition : previous?.condition;
  if (condition === undefined || condition === null) fail(['condition'], 'is required');

  const audiences = getService(strapi, 'audiences');
  const library = audiences.rulesWith(parsedKey.data!, condition, previous?.key);
  if (previous && previous.key !== parsedKey.data) {
    // Renaming a key would break the variants and audiences that refer to the old one.
    const dependants = Object.entries(library).filter(([, rule]) => JSON.stringify(rule).includes(`"audience":"${previous.key}"`));
    if (dependants.length > 0) {
      fail(['key'], `"${previous.key}" is used by the audiences ${dependants.map(([k]) => `"${k}"`).join(', ')}; update them first`);
    }
  }
  const problem = getService(strapi, 'conditions').check({ audience: parsedKey.data }, library);
  if (problem) fail(['condition', ...problem.path.slice(problemOffset(problem.path))], problem.message);
  const [unknown] = unknownSignals(condition);
  if (unknown) fail(['condition', ...unknown.path], unknown.message);
};

/** Paths of errors inside an audience start at the `{"audience": key}` wrapper we compiled; drop it. */
const problemOffset = (path: (string | number)[]) => (path[0] === 'audience' ? 1 : 0);
