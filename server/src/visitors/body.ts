import { errors } from '@strapi/utils';
import coBody from 'co-body';
import type { Context } from 'koa';

import { measureJson } from '../../../contracts/src/json';

/** What koa-body keeps of the raw JSON with `includeUnparsed` (strapi::body's option). */
const UNPARSED = Symbol.for('unparsedBody');
const JSON_TYPE = /^application\/json\s*(?:;|$)/i;
const TEXT_TYPE = /^text\/plain\s*(?:;|$)/i;

const tooLarge = (limit: number) => new errors.PayloadTooLargeError(`The events batch is over ${limit} bytes`);
const malformed = (message: string) => new errors.ValidationError(`Invalid events batch: ${message}`);

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw malformed('the body is not JSON');
  }
};

/**
 * The body of `POST /events` as JSON, `application/json` or `text/plain` (so browsers send it
 * without a CORS preflight), at most `limit` bytes (413 above). strapi::body parses JSON into an
 * object and text into a string (its own limits apply first: `jsonLimit`, 1 MB, and `textLimit`,
 * 56 KB by default); when nothing parsed the body (a lane ahead of strapi::body), it is read here.
 */
export const readEventsBody = async (ctx: Context, limit: number): Promise<unknown> => {
  const header = ctx.get('content-length');
  const declared = header === '' ? Number.NaN : Number(header);
  if (declared > limit) throw tooLarge(limit);
  const request = ctx.request as Context['request'] & { body?: unknown };
  let body = request.body;
  if (body === undefined) {
    const type = ctx.get('content-type');
    if (!JSON_TYPE.test(type) && !TEXT_TYPE.test(type)) throw malformed('Content-Type must be application/json or text/plain');
    try {
      body = await coBody.text(ctx, { limit, encoding: 'utf8' });
    } catch (error) {
      if ((error as { status?: number }).status === 413) throw tooLarge(limit);
      throw malformed('the body could not be read');
    }
  }
  if (typeof body === 'string') {
    if (Buffer.byteLength(body) > limit) throw tooLarge(limit);
    return parseJson(body);
  }
  if (body !== null && typeof body === 'object') {
    // Without a Content-Length (chunked), measure what was sent, or what it parsed to.
    if (!Number.isFinite(declared)) {
      const raw = (body as Record<symbol, unknown>)[UNPARSED];
      // Measured without serializing: JSON.stringify overflows the stack on deep nesting.
      const measured = typeof raw === 'string' ? { ok: true as const, bytes: Buffer.byteLength(raw) } : measureJson(body, Infinity);
      if (!measured.ok) throw malformed('the body is not JSON');
      if (measured.bytes > limit) throw tooLarge(limit);
    }
    return body;
  }
  throw malformed('the body must be a JSON object');
};
