import { errors } from '@strapi/utils';

import { JSON_DEPTH_LIMITS, measureJson } from '../../../contracts/src/json';
import { zodValidationError } from '../utils/errors';
import { jsonProblemError } from '../utils/json-limits';
import { signalsSchema, type Signals } from '../../../contracts/src/signals/schema';

const tooLarge = (bytes: number, limit: number) =>
  new errors.PayloadTooLargeError(`Signals are ${bytes} bytes; the limit is ${limit} (limits.signalsBytes)`);

/**
 * Refuses signals nested deeper than the request limit (400 naming the path) or over
 * `limits.signalsBytes` (serialized as JSON) with a 413. Measured without recursion or
 * serializing, so no nesting overflows the stack.
 */
export const assertSignalsSize = (signals: unknown, limit: number) => {
  if (signals === undefined) return;
  const measured = measureJson(signals, JSON_DEPTH_LIMITS.request);
  if (!measured.ok) throw jsonProblemError(measured, ['signals'], 'Invalid signals');
  if (measured.bytes > limit) throw tooLarge(measured.bytes, limit);
};

/**
 * Decodes signals sent as base64url JSON (the `x-personalize-signals` header or the
 * `personalize[signals]` query parameter) and validates them: 413 over the size limit, 400 with
 * zod paths (under `signals`) otherwise.
 */
export const decodeSignals = (encoded: string, limit: number): Signals => {
  // base64 inflates by 4/3: refuse obviously oversized input before decoding it.
  if (encoded.length > Math.ceil((limit * 4) / 3) + 4) throw tooLarge(Math.floor((encoded.length * 3) / 4), limit);
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(encoded)) {
    throw new errors.ValidationError('Signals must be base64url-encoded JSON', {
      errors: [{ path: ['signals'], message: 'not base64url', name: 'ValidationError' }],
    });
  }
  const text = Buffer.from(encoded, 'base64url').toString('utf8');
  if (Buffer.byteLength(text) > limit) throw tooLarge(Buffer.byteLength(text), limit);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new errors.ValidationError('Signals must be base64url-encoded JSON', {
      errors: [{ path: ['signals'], message: 'not valid JSON once decoded', name: 'ValidationError' }],
    });
  }
  assertSignalsSize(json, limit);
  const result = signalsSchema.safeParse(json);
  if (!result.success) {
    const error = zodValidationError(result.error, 'Invalid signals');
    for (const issue of (error.details as { errors: { path: (string | number)[] }[] }).errors) issue.path.unshift('signals');
    throw error;
  }
  return result.data;
};
