import { createHash } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context, Next } from 'koa';

import { decodeSignals } from '../signals/decode';
import type { Signals } from '../../../contracts/src/signals/schema';
import type { CachedProgram } from '../services/cache';
import type { Entry } from '../services/overrides';
import { variantsOf } from '../services/programs';
import { toFieldList } from '../services/resolver';
import { parseOrThrow } from '../utils/errors';
import { restPrefix } from '../utils/rest-prefix';
import { getService } from '../utils/get-service';
import type { ReasonEntry } from '../../../contracts/src/reason';
import type { SchemaLike } from '../../../contracts/src/schema-types';
import { personalizeQuerySchema } from '../../../contracts/src/delivery';
import { variantIdSchema } from '../../../contracts/src/ids';

interface PersonalizeRequest {
  signals?: Signals;
  variantId?: string;
}

interface EntryOutcome {
  variant: string | null;
  reason: ReasonEntry[];
}

const SIGNALS_HEADER = 'x-personalize-signals';
const VARIANT_HEADER = 'x-personalize-variant';

/** Reads (and removes from the query, so Strapi's validator never sees it) the personalize params. */
const readRequest = (ctx: Context, signalsLimit: number): PersonalizeRequest | null => {
  const headerSignals = ctx.get(SIGNALS_HEADER);
  const headerVariant = ctx.get(VARIANT_HEADER);
  const query = ctx.query as Record<string, unknown>;
  const hasParam = Object.prototype.hasOwnProperty.call(query, 'personalize');
  if (!headerSignals && !headerVariant && !hasParam) return null;

  let param: { signals?: string; variant?: string } = {};
  if (hasParam) {
    const { personalize, ...rest } = query;
    ctx.query = rest as typeof ctx.query;
    param = parseOrThrow(personalizeQuerySchema, personalize, 'Invalid personalize parameters');
  }
  const encoded = headerSignals || param.signals;
  const variantId = headerVariant ? parseOrThrow(variantIdSchema, headerVariant, `Invalid ${VARIANT_HEADER} header`) : param.variant;
  return {
    signals: encoded ? decodeSignals(encoded, signalsLimit) : undefined,
    variantId,
  };
};

/** `api::article.article.findOne` → uid and action of a core content-API route. */
const routeTarget = (ctx: Context): { uid: string; action: 'find' | 'findOne' } | null => {
  const handler = (ctx.state.route as { handler?: unknown } | undefined)?.handler;
  if (typeof handler !== 'string') return null;
  const match = /^(api::[^.]+\.[^.]+)\.(find|findOne)$/.exec(handler);
  return match ? { uid: match[1], action: match[2] as 'find' | 'findOne' } : null;
};

/**
 * Personalization of the plain content API (`GET /api/<plural>` and `/:documentId`) when the
 * request carries `x-personalize-signals` / `personalize[signals]` or a fixed variant. Requests
 * without them go straight through: Strapi's responses stay exactly its own.
 */
export const contentApiMiddleware = (strapi: Core.Strapi) => {

  const loadPrograms = async (uid: string, fieldName: string, entries: Entry[], status: 'published' | 'draft') => {
    const programs = getService(strapi, 'programs');
    const result = new Map<Entry, CachedProgram>();
    const missing: Entry[] = [];
    for (const entry of entries) {
      const program = await programs.get({ uid, documentId: entry.documentId, locale: entry.locale ?? undefined, status });
      if (program) result.set(entry, program);
      else missing.push(entry);
    }
    if (missing.length > 0) {
      const stored = (await strapi.documents(uid as never).findMany({
        filters: { documentId: { $in: missing.map((entry) => entry.documentId) } },
        fields: [fieldName],
        status,
        ...(missing[0].locale ? { locale: missing[0].locale } : {}),
      } as never)) as unknown as Entry[];
      const byDocumentId = new Map(stored.map((row) => [row.documentId, row]));
      for (const entry of missing) {
        const row = byDocumentId.get(entry.documentId);
        const ref = { uid, documentId: entry.documentId, locale: entry.locale ?? undefined, status };
        result.set(entry, row ? await programs.remember(ref, row[fieldName]) : { variants: variantsOf(undefined) });
      }
    }
    return result;
  };

  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const prefix = restPrefix(strapi);
    if (!ctx.path.startsWith(`${prefix}/`) || ctx.path.startsWith(`${prefix}/personalize/`)) return next();
    const { limits, cache } = getService(strapi, 'settings').get();
    const request = readRequest(ctx, limits.signalsBytes);
    if (!request) return next();

    await next();

    const target = routeTarget(ctx);
    const body = ctx.body as { data?: unknown; meta?: Record<string, unknown> } | undefined;
    if (!target || ctx.status !== 200 || !body || typeof body !== 'object' || !('data' in body)) return;
    const contentTypes = getService(strapi, 'content-types');
    const fieldName = contentTypes.getVariantsFieldName(target.uid);
    const schema = contentTypes.getSchema(target.uid) as SchemaLike | undefined;
    if (!fieldName || !schema) return;

    const list = Array.isArray(body.data);
    const entries = (list ? (body.data as Entry[]) : body.data ? [body.data as Entry] : []).filter(
      (entry) => entry && typeof entry.documentId === 'string'
    );
    const status = (ctx.query as { status?: unknown }).status === 'draft' ? 'draft' : 'published';
    const programs = await loadPrograms(target.uid, fieldName, entries, status);
    const signals = getService(strapi, 'signals').fromRequest(ctx, request.signals ?? {}, entries[0]?.locale ?? undefined);
    const requestedFields = toFieldList((ctx.query as { fields?: unknown }).fields);
    const auth = ctx.state.auth;

    const outcomes: Record<string, EntryOutcome> = {};
    for (const entry of entries) {
      const program = programs.get(entry)!;
      let outcome: EntryOutcome;
      if (request.variantId !== undefined) {
        const variant = program.variants.find((candidate) => candidate.id === request.variantId && candidate.enabled) ?? null;
        if (!variant && !list) throw new errors.NotFoundError(`Variant "${request.variantId}" not found on this entry`);
        outcome = { variant: variant?.id ?? null, reason: variant ? [{ rule: 'fixed', result: true }] : [] };
        if (variant) await applyVariant(entry, variant);
      } else {
        const data = { ...signals, $flagd: { flagKey: `${target.uid}:${entry.documentId}` } };
        const selection = getService(strapi, 'conditions').select(getService(strapi, 'programs').compiled(program), data);
        outcome = { variant: selection.variant?.id ?? null, reason: selection.reason };
        if (selection.variant) await applyVariant(entry, selection.variant);
      }
      outcomes[entry.documentId!] = outcome;
    }

    async function applyVariant(entry: Entry, variant: NonNullable<CachedProgram['variants'][number]>) {
      const overrides = getService(strapi, 'overrides');
      await overrides.apply(entry, variant, schema!, requestedFields);
      if (!overrides.isLocal(variant, schema!)) {
        // Fetched relations and media go through the same output sanitizer as the rest of the response.
        Object.assign(entry, await strapi.contentAPI.sanitize.output(entry, schema as never, { auth } as never));
      }
    }

    body.meta = {
      ...body.meta,
      personalize: list ? { entries: outcomes } : (outcomes[entries[0]?.documentId ?? ''] ?? { variant: null, reason: [] }),
    };
    const json = JSON.stringify(body);
    const etag = `"${createHash('sha1').update(json).digest('base64url')}"`;
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', request.variantId !== undefined && !request.signals ? cache.cacheControl : 'private, no-cache');
    ctx.vary(SIGNALS_HEADER);
    ctx.vary(VARIANT_HEADER);
    if (ctx.get('if-none-match').split(/\s*,\s*/).includes(etag)) {
      ctx.status = 304;
      ctx.body = null;
      return;
    }
    ctx.type = 'application/json';
    ctx.body = json;
  };
};
