import { errors } from '@strapi/utils';

import { JSON_DEPTH_LIMITS, measureJson, type JsonPath, type JsonProblem } from '../../../contracts/src/json';

/** A 400 in Strapi's shape naming where the JSON is too deep (or not JSON) and the limit. */
export const jsonProblemError = (problem: JsonProblem, at: JsonPath, message = 'Invalid request') => {
  const path = [...at, ...problem.path];
  return new errors.ValidationError(`${message} at ${path.join('.')}: ${problem.message}`, {
    errors: [{ path, message: problem.message, name: 'ValidationError' }],
  });
};

/**
 * Refuses (400) any field of a request body or query nested deeper than the request limit, before
 * zod, Strapi's query validator or a cache key walk it. Checked without recursion.
 */
export const assertRequestDepth = (fields: unknown, message?: string, at: JsonPath = []) => {
  if (fields === null || typeof fields !== 'object') return;
  for (const [key, value] of Object.entries(fields)) {
    const measured = measureJson(value, JSON_DEPTH_LIMITS.request);
    // Only depth: a wrong type is for the field's own schema to name.
    if (!measured.ok && measured.kind === 'depth') throw jsonProblemError(measured, [...at, key], message);
  }
};
