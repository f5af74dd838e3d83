import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import type { z } from 'zod';

import { formatZodIssues } from '../../../contracts/src/zod-issues';

/** A 400 in Strapi's error shape whose `details.errors` carry the zod issue paths. */
export const zodValidationError = (error: z.ZodError, message = 'Invalid request') => {
  const issues = formatZodIssues(error.issues);
  const first = issues[0];
  const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
  return new errors.ValidationError(`${message}${first ? `${where}: ${first.message}` : ''}`, { errors: issues });
};

/** Parses with zod or throws a 400. */
export const parseOrThrow = <TSchema extends z.ZodType>(schema: TSchema, input: unknown, message?: string): z.infer<TSchema> => {
  const result = schema.safeParse(input);
  if (!result.success) throw zodValidationError(result.error, message);
  return result.data;
};

/**
 * Answers with an error in Strapi's shape, `{ data: null, error: { status, name, message, details } }`,
 * written by the handler itself: for the statuses whose message Strapi's router would replace (a 401
 * thrown becomes a bare "Unauthorized") or that carry details and headers of their own (409, 503).
 */
export const sendError = (
  ctx: Pick<Context, 'status' | 'body' | 'set'>,
  error: { status: number; name: string; message: string; details?: Record<string, unknown> },
  headers: Record<string, string> = {}
) => {
  ctx.status = error.status;
  for (const [name, value] of Object.entries(headers)) ctx.set(name, value);
  ctx.body = { data: null, error: { status: error.status, name: error.name, message: error.message, details: error.details ?? {} } };
};

/** Seconds a client waits before trying again when the visitor store is unavailable. */
export const UNAVAILABLE_RETRY_AFTER_SEC = 30;

/**
 * 503 with Retry-After: the visitor store (Redis) cannot be reached. A deliberate answer (the SDK
 * retries the batch later; batch ids make it count once), never a crash.
 */
export const sendUnavailable = (ctx: Context) =>
  sendError(
    ctx,
    {
      status: 503,
      name: 'ServiceUnavailableError',
      message: 'The visitor store is unavailable; try again later',
      details: { retryAfter: UNAVAILABLE_RETRY_AFTER_SEC },
    },
    { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SEC), 'Cache-Control': 'no-store' }
  );
