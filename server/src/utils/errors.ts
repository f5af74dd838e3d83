import { errors } from '@strapi/utils';
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
