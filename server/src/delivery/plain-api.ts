import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context, Next } from 'koa';

import { personalizeQuerySchema } from '../../../contracts/src/delivery';
import { QUERY_PARAMETER, SIGNALS_HEADER, VARIANT_HEADER, VISITOR_HEADER } from '../../../contracts/src/wire';
import { variantIdSchema, visitorIdSchema } from '../../../contracts/src/ids';
import type { SchemaLike } from '../../../contracts/src/schema-types';
import type { Signals } from '../../../contracts/src/signals/schema';
import type { ContentApiAuth } from '../platform/access';
import { typeTag, type CachedProgram, type CachedResponse } from '../cache/service';
import type { ProgramRef } from './programs';
import { decodeSignals } from '../signals/decode';
import { parseOrThrow } from '../utils/errors';
import { assertRequestDepth } from '../utils/json-limits';
import { restPrefix } from '../utils/rest-prefix';
import { stableJson } from '../utils/stable-json';
import { requestSignals } from './context';
import type { Entry } from './overrides';
import { toFieldList, type Choice, type EntryOutcome, type VisitorRequest } from './pipeline';
import type { DeliveryPorts } from './ports';
import { etagOf, sendPersonalized } from './respond';

/**
 * The plain content API's entry to the delivery pipeline: `GET /api/<plural>[/:documentId]` and
 * single types with `x-personalize-signals` / `personalize[signals]`, a visitor id
 * (`x-personalize-visitor` / `personalize[visitor]`) or a fixed variant. Requests without any of
 * them go straight through: Strapi's responses stay exactly its own.
 *
 * Cold, Strapi's own route runs (its controller, auth and query validation) and its response is
 * personalized and cached. Warm, a request for a route already seen to be the content type's core
 * `find`/`findOne` (no policies or middlewares of the app's) is authorized with Strapi's own
 * content-API auth for the same scope and answered from the response cache, reading no row.
 */

export interface PlainRequest {
  clientSignals?: Signals;
  variantId?: string;
  visitorId?: string;
}

type RouteKind = 'entry' | 'list';

interface KnownRoute {
  uid: string;
  action: 'find' | 'findOne';
  kind: RouteKind;
  pattern: RegExp;
}

/** True when the request asks for personalization: a personalize header or `personalize[...]`. */
export const asksPersonalization = (ctx: Context) =>
  Boolean(ctx.get(SIGNALS_HEADER) || ctx.get(VARIANT_HEADER) || ctx.get(VISITOR_HEADER)) ||
  Object.prototype.hasOwnProperty.call(ctx.query, QUERY_PARAMETER);

/** Reads (and removes from the query, so Strapi's validator never sees it) the personalize params. */
export const readRequest = (ctx: Context, signalsLimit: number): PlainRequest => {
  const headerSignals = ctx.get(SIGNALS_HEADER);
  const headerVariant = ctx.get(VARIANT_HEADER);
  const headerVisitor = ctx.get(VISITOR_HEADER);
  const query = ctx.query as Record<string, unknown>;
  const hasParam = Object.prototype.hasOwnProperty.call(query, QUERY_PARAMETER);

  let param: { signals?: string; variant?: string; visitor?: string } = {};
  if (hasParam) {
    const { [QUERY_PARAMETER]: personalize, ...rest } = query;
    ctx.query = rest as typeof ctx.query;
    param = parseOrThrow(personalizeQuerySchema, personalize, 'Invalid personalize parameters');
  }
  // The query becomes a cache key (stableJson): nothing deeper than the request limit gets that far.
  assertRequestDepth(ctx.query, 'Invalid query');
  const encoded = headerSignals || param.signals;
  return {
    clientSignals: encoded ? decodeSignals(encoded, signalsLimit) : undefined,
    variantId: headerVariant ? parseOrThrow(variantIdSchema, headerVariant, `Invalid ${VARIANT_HEADER} header`) : param.variant,
    visitorId: headerVisitor ? parseOrThrow(visitorIdSchema, headerVisitor, `Invalid ${VISITOR_HEADER} header`) : param.visitor,
  };
};

/** `api::article.article.findOne` → uid and action of a core content-API route. */
const routeTarget = (ctx: Context): { uid: string; action: 'find' | 'findOne' } | null => {
  const handler = (ctx.state.route as { handler?: unknown } | undefined)?.handler;
  if (typeof handler !== 'string') return null;
  const match = /^(api::[^.]+\.[^.]+)\.(find|findOne)$/.exec(handler);
  return match ? { uid: match[1], action: match[2] as 'find' | 'findOne' } : null;
};

/** decodeURIComponent, or null for a malformed percent-encoding (which it would throw on). */
const safeDecode = (text: string): string | null => {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
};

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `/articles/:id` under the prefix → a pattern whose one group is the documentId. */
const routePattern = (prefix: string, path: string) =>
  new RegExp(`^${escapeRegExp(`${prefix}${path}`).replace(/:[A-Za-z0-9_]+/g, '([^/]+)')}/?$`);

export const plainApiMiddleware = (strapi: Core.Strapi, ports: DeliveryPorts) => {
  /** Core find/findOne routes of personalizable types, as the router served them: safe to answer warm. */
  const knownRoutes = new Map<string, KnownRoute>();

  const rememberRoute = (ctx: Context, target: { uid: string; action: 'find' | 'findOne' }, schema: SchemaLike) => {
    const key = `${target.uid}.${target.action}`;
    if (knownRoutes.has(key)) return;
    const route = ctx.state.route as {
      path?: string;
      config?: { auth?: false | { scope?: unknown[] }; policies?: unknown[]; middlewares?: unknown[] };
    };
    const config = route.config ?? {};
    // Strapi's default: authenticated with the scope of the handler itself, which is what the warm path checks.
    const defaultAuth =
      config.auth === undefined ||
      (config.auth !== false && config.auth.scope?.length === 1 && config.auth.scope[0] === key);
    if (!defaultAuth || (config.policies ?? []).length > 0 || (config.middlewares ?? []).length > 0) return;
    if (typeof route.path !== 'string') return;
    const pattern = [routePattern(restPrefix(strapi), route.path), routePattern('', route.path)].find((candidate) =>
      candidate.test(ctx.path)
    );
    if (!pattern) return;
    const kind: RouteKind = target.action === 'find' && schema.kind === 'collectionType' ? 'list' : 'entry';
    knownRoutes.set(key, { ...target, kind, pattern });
  };

  const matchRoute = (path: string): { route: KnownRoute; documentId?: string } | null => {
    for (const route of knownRoutes.values()) {
      const match = route.pattern.exec(path);
      if (!match) continue;
      if (route.action !== 'findOne') return { route };
      const documentId = safeDecode(match[1]);
      // A malformed percent-encoding (`%zz`, `%E0%A4%A`): Strapi's own route answers it (a 400).
      return documentId === null ? null : { route, documentId };
    }
    return null;
  };

  const queryOf = (ctx: Context) => {
    const query = ctx.query as Record<string, unknown>;
    return {
      shape: stableJson(query),
      locale: typeof query.locale === 'string' ? query.locale : undefined,
      status: (query.status === 'draft' ? 'draft' : 'published') as 'draft' | 'published',
    };
  };

  const visitorOf = (ctx: Context, request: PlainRequest, locale: string | undefined): Promise<VisitorRequest> =>
    ports.delivery.visitorRequest(ctx, {
      signals: requestSignals(ctx, request.clientSignals ?? {}, ports.settings.get(), locale),
      visitorId: request.visitorId,
      variantId: request.variantId,
    });

  const cacheControlOf = (request: PlainRequest) =>
    request.variantId !== undefined && !request.clientSignals && !request.visitorId
      ? ports.settings.get().cache.cacheControl
      : 'private, no-cache';

  const respond = (
    ctx: Context,
    request: PlainRequest,
    cached: CachedResponse,
    personalize: EntryOutcome | { entries: Record<string, EntryOutcome> }
  ) => {
    const meta = cached.meta ? (JSON.parse(cached.meta) as Record<string, unknown>) : {};
    sendPersonalized(ctx, cached, { cacheControl: cacheControlOf(request), meta: { ...meta, personalize } });
  };

  const entryRef = (uid: string, schema: SchemaLike, documentId: string | undefined, query: ReturnType<typeof queryOf>): ProgramRef => ({
    uid,
    documentId: schema.kind === 'collectionType' ? documentId : undefined,
    locale: query.locale,
    status: query.status,
  });

  const listRef =
    (uid: string, status: 'draft' | 'published') =>
    (entry: { documentId?: string; locale?: string | null }): ProgramRef => ({
      uid,
      documentId: entry.documentId,
      locale: entry.locale ?? undefined,
      status,
    });

  const listScope = (uid: string) => `rest-list:${uid}`;

  /** A warm answer from the caches, or false to take Strapi's own route. */
  const answerWarm = async (ctx: Context, request: PlainRequest, startedAt: number): Promise<boolean> => {
    const match = matchRoute(ctx.path);
    if (!match) return false;
    const { uid, action, kind } = match.route;
    const schema = ports.contentTypes.getSchema(uid);
    const query = queryOf(ctx);
    if (!schema || query.status === 'draft') return false;
    let auth: ContentApiAuth;
    try {
      auth = await ports.access.authorize(ctx, `${uid}.${action}`);
    } catch {
      return false; // Strapi's route answers the 401/403 in its own words.
    }
    const delivery = ports.delivery;
    const programs = ports.programs;
    const responses = ports.cache.responses();
    const visitor = await visitorOf(ctx, request, query.locale);

    if (kind === 'entry') {
      const ref = entryRef(uid, schema, match.documentId, query);
      const program = await programs.get(ref);
      if (!program?.documentId) return false;
      const selection = delivery.choose(program, { uid, documentId: program.documentId }, visitor);
      if (selection.fixedMissing) return false;
      const key = delivery.responseKey(`rest:${programs.key(ref)}`, selection.variant?.id ?? '-', auth, query.shape);
      const cached = await responses.get(key, programs.tags(ref));
      if (!cached) return false;
      respond(ctx, request, cached, delivery.outcomeOf(selection));
      delivery.observe('plain', visitor, [selection], startedAt, 'hit');
      delivery.count(visitor, { uid, documentId: program.documentId }, selection);
      return true;
    }

    const tags = [typeTag(uid)];
    const skeleton = await responses.get(delivery.responseKey(listScope(uid), '*', auth, query.shape), tags);
    if (!skeleton?.entries) return false;
    const outcomes: Record<string, EntryOutcome> = {};
    const chosen: string[] = [];
    const served: [string, Choice][] = [];
    for (const entry of skeleton.entries) {
      const program = await programs.get(listRef(uid, query.status)(entry));
      if (!program) return false;
      const selection = delivery.choose(program, { uid, documentId: entry.documentId }, visitor);
      outcomes[entry.documentId] = delivery.outcomeOf(selection);
      chosen.push(selection.variant?.id ?? '-');
      served.push([entry.documentId, selection]);
    }
    const cached = await responses.get(delivery.responseKey(listScope(uid), chosen.join(','), auth, query.shape), tags);
    if (!cached) return false;
    respond(ctx, request, cached, { entries: outcomes });
    delivery.observe('plain', visitor, served.map(([, choice]) => choice), startedAt, 'hit');
    for (const [documentId, choice] of served) delivery.count(visitor, { uid, documentId }, choice);
    return true;
  };

  /** Personalizes the response Strapi's own route made, and caches it for the next request. */
  const personalizeCold = async (ctx: Context, request: PlainRequest, startedAt: number) => {
    const target = routeTarget(ctx);
    const body = ctx.body as { data?: unknown; meta?: Record<string, unknown> } | undefined;
    if (!target || ctx.status !== 200 || !body || typeof body !== 'object' || !('data' in body)) return;
    const contentTypes = ports.contentTypes;
    const fieldName = contentTypes.getVariantsFieldName(target.uid);
    const schema = contentTypes.getSchema(target.uid);
    if (!fieldName || !schema) return;
    rememberRoute(ctx, target, schema);

    const delivery = ports.delivery;
    const programs = ports.programs;
    const responses = ports.cache.responses();
    const query = queryOf(ctx);
    const auth = ctx.state.auth as ContentApiAuth | undefined;
    const list = Array.isArray(body.data);
    const entries = (list ? (body.data as Entry[]) : body.data ? [body.data as Entry] : []).filter(
      (entry): entry is Entry & { documentId: string } => Boolean(entry) && typeof entry.documentId === 'string'
    );
    const refOf = list ? listRef(target.uid, query.status) : (entry: Entry) => entryRef(target.uid, schema, entry.documentId, query);
    const programByEntry = await delivery.programsFor(target.uid, entries, refOf);
    const visitor = await visitorOf(ctx, request, query.locale);
    const requestedFields = toFieldList((ctx.query as { fields?: unknown }).fields);

    const outcomes: Record<string, EntryOutcome> = {};
    const rendered: Record<string, unknown>[] = [];
    const chosen: string[] = [];
    const served: [string, Choice][] = [];
    for (const entry of entries) {
      const program = programByEntry.get(entry) as CachedProgram;
      const selection = delivery.choose(program, { uid: target.uid, documentId: entry.documentId }, visitor);
      if (selection.fixedMissing && !list) throw new errors.NotFoundError(`Variant "${request.variantId}" not found on this entry`);
      outcomes[entry.documentId] = delivery.outcomeOf(selection);
      chosen.push(selection.variant?.id ?? '-');
      served.push([entry.documentId, selection]);
      rendered.push(await delivery.render(entry, selection.variant, { schema, fieldName, requestedFields, auth }));
    }

    const { meta: strapiMeta = {} } = body;
    const data = list ? rendered : (rendered[0] ?? null);
    const json = JSON.stringify(data);
    const cached: CachedResponse = { data: json, etag: etagOf(json, chosen.join(',')), meta: JSON.stringify(strapiMeta) };
    if (list) {
      const tags = delivery.responseTags(schema, [typeTag(target.uid)], rendered);
      const skeleton: CachedResponse = {
        data: 'null',
        etag: '',
        entries: entries.map((entry) => ({ documentId: entry.documentId, ...(entry.locale ? { locale: entry.locale } : {}) })),
      };
      if (query.status === 'published') {
        await responses.set(delivery.responseKey(listScope(target.uid), '*', auth, query.shape), skeleton, tags);
        await responses.set(delivery.responseKey(listScope(target.uid), chosen.join(','), auth, query.shape), cached, tags);
      }
      respond(ctx, request, cached, { entries: outcomes });
      delivery.observe('plain', visitor, served.map(([, choice]) => choice), startedAt, 'miss');
      for (const [documentId, choice] of served) delivery.count(visitor, { uid: target.uid, documentId }, choice);
      return;
    }
    const entry = entries[0];
    if (entry && query.status === 'published') {
      const ref = refOf(entry);
      const key = delivery.responseKey(`rest:${programs.key(ref)}`, chosen[0], auth, query.shape);
      await responses.set(key, cached, delivery.responseTags(schema, programs.tags(ref), rendered));
    }
    respond(ctx, request, cached, outcomes[entry?.documentId ?? ''] ?? { variant: null, reason: [] });
    delivery.observe('plain', visitor, served.map(([, choice]) => choice), startedAt, 'miss');
    for (const [documentId, choice] of served) delivery.count(visitor, { uid: target.uid, documentId }, choice);
  };

  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const prefix = restPrefix(strapi);
    if (!ctx.path.startsWith(`${prefix}/`) || ctx.path.startsWith(`${prefix}/personalize/`)) return next();
    if (!asksPersonalization(ctx)) return next();
    const startedAt = performance.now();
    // Limited like resolve, in a budget of its own (docs/delivery.md, "Rate limits"); Strapi's own
    // requests, without personalization, stay untouched.
    await ports.rateLimit.consume(ctx, 'plain');
    const request = readRequest(ctx, ports.settings.get().limits.signalsBytes);
    if (await answerWarm(ctx, request, startedAt)) return;
    await next();
    await personalizeCold(ctx, request, startedAt);
  };
};
