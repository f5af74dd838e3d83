import type { z } from 'zod';

export interface ValidationIssue {
  path: (string | number)[];
  message: string;
  name: 'ValidationError';
}

/** zod issues → the `details.errors` entries of Strapi's ValidationError shape. */
export const formatZodIssues = (issues: readonly z.core.$ZodIssue[]): ValidationIssue[] =>
  issues.map((issue) => ({
    path: issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
    message: issue.message,
    name: 'ValidationError',
  }));
