import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';

import type { ExperimentMeta } from '../../../contracts/src/experiments';
import type { ReasonEntry } from '../../../contracts/src/reason';
import type { SchemaLike } from '../../../contracts/src/schema-types';
import type { Signals } from '../../../contracts/src/signals/schema';
import type { Variant } from '../../../contracts/src/variants/schema';
import type { ContentApiAuth } from '../platform/access';
import type { DecisionOutcome, DecisionRoute } from '../platform/metrics';
import { typeTag, type CachedProgram, type CachedResponse } from '../cache/service';
import type { ProgramRef } from './programs';
import { authCacheKey } from '../platform/auth-key';
import { stableJson } from '../utils/stable-json';
import { evaluationContext } from './context';
import type { Entry, Sanitize } from './overrides';
import { etagOf, type RenderedResponse } from './respond';
import { chooseVariant, type Choice, type ChoosePorts } from './choose';
import type { DeliveryPorts } from './ports';
import { countExposures, countServe, loadVisitor, withProfile, type VisitorState } from './visitor';

export type { Choice };

/**
 * The delivery pipeline, one for every route: request → evaluation context → variant selection →
 * overrides + sanitize → response. `/resolve`, the plain content API (findOne and list, collection
 * and single types) and the admin's evaluate/preview all call it; none re-implements a stage.
 * Programs (an entry's variants, compiled) and rendered responses are cached until the entry or a
 * type it embeds changes, so a warm request reads no database row.
 */

/** What the visitor's request brings to every entry it asks for. */
export interface VisitorRequest {
  /** Merged signals (server-derived keys already the server's, the profile's included). */
  signals: Signals;
  visitorId?: string;
  /** Serve this variant (fixed, cacheable URLs and previews) instead of choosing by signals. */
  variantId?: string;
  /** The visitor's stored profile and consent, read once per request (with a visitor id). */
  state?: VisitorState;
}

export interface EntryOutcome {
  variant: string | null;
  reason: ReasonEntry[];
  /** `meta.personalize.experiments`: present when an experiment took part. */
  experiments?: Record<string, ExperimentMeta>;
}

export interface ResolveEntryRequest {
  uid: string;
  /** Absent for single types. */
  documentId?: string;
  locale?: string;
  populate?: unknown;
  fields?: unknown;
}

export interface ResolvedEntry extends EntryOutcome {
  rendered: RenderedResponse;
  /** Whether the rendered response came from the response cache. */
  cache: 'hit' | 'miss';
  /** What was served, for the counting stage. */
  served: { target: { uid: string; documentId: string }; choice: Choice };
}

/** `fields` as Strapi accepts it (a comma list or an array) → the names, or null for "all". */
export const toFieldList = (fields: unknown): string[] | null => {
  if (fields === undefined || fields === null) return null;
  if (typeof fields === 'string') return fields.split(',').map((field) => field.trim()).filter(Boolean);
  return Array.isArray(fields) ? fields.map(String) : null;
};

/** A choice as the metrics count it (docs/design.md, "Observability"): the kind of outcome, never the entry. */
export const decisionOutcome = (choice: Pick<Choice, 'variant' | 'reason' | 'candidates'>, fixed: boolean): DecisionOutcome => {
  if (choice.variant) return fixed ? 'fixed' : 'variant';
  if (choice.reason.some((entry) => entry.rule === 'fatigue')) return 'fatigue';
  if (choice.reason.some((entry) => entry.rule === 'holdout')) return 'holdout';
  if (choice.candidates.length === 0 && !choice.reason.some((entry) => entry.rule === 'experiment')) return 'no-variants';
  return 'no-match';
};

const createDeliveryService = ({ strapi, ports }: { strapi: Core.Strapi; ports: DeliveryPorts }) => {

  const contentApiSanitizer =
    (schema: SchemaLike, auth: ContentApiAuth | undefined): Sanitize =>
    async (entry) =>
      (await strapi.contentAPI.sanitize.output(entry, schema as never, { auth } as never)) as Record<string, unknown>;

  const maxPerSession = () => ports.settings.get().caps.maxPersonalizedPerSession;

  /** What stage 2 needs, from the plugin's services (resolved per call: services are singletons once loaded). */
  const choosePorts = (): ChoosePorts => {
    const conditions = ports.conditions;
    return {
      experiments: ports.experiments,
      explainMatch: conditions.explainMatch,
      onConditionError: conditions.logConditionError,
      maxPersonalizedPerSession: maxPerSession,
      holdoutShare: () => ports.settings.get().holdout.share,
    };
  };

  /** Stage 2 for one entry (delivery/choose.ts), in the entry's evaluation context. */
  const choose = (program: CachedProgram, target: { uid: string; documentId: string }, visitor: VisitorRequest): Choice =>
    chooseVariant(choosePorts(), {
      program: ports.programs.compiled(program),
      target,
      context: evaluationContext(visitor.signals, target, visitor.visitorId),
      visitorId: visitor.visitorId,
      state: visitor.state,
      ...(visitor.variantId !== undefined ? { fixed: { variantId: visitor.variantId } } : {}),
    });

  /** Response cache key: entry (or list), variant(s), the caller's permissions and the query shape. */
  const responseKey = (scope: string, variants: string, auth: ContentApiAuth | undefined, queryShape: string) =>
    `${scope}|${variants}|${authCacheKey(auth)}|${queryShape}`;

  /** Tags of a rendered response: its own entries' and every content type it embeds. */
  const responseTags = (schema: SchemaLike, tags: string[], rendered: Record<string, unknown>[]) => {
    const embedded = new Set<string>();
    for (const entry of rendered) ports.overrides.embeddedTypes(schema, entry, embedded);
    return [...tags, ...[...embedded].map(typeTag)];
  };

  /** What `meta.personalize` says of one entry. */
  const outcomeOf = (choice: Choice): EntryOutcome => ({
    variant: choice.variant?.id ?? null,
    reason: choice.reason,
    ...(choice.experiments && Object.keys(choice.experiments).length > 0 ? { experiments: choice.experiments } : {}),
  });

  return {
    choose,
    outcomeOf,

    /**
     * Stage 1, per request: the visitor's signals (the client's merged with the server's by the
     * caller) with the stored profile's, read once, in one round trip, when a visitor id is given.
     */
    async visitorRequest(
      ctx: Context,
      request: { signals: Signals; visitorId?: string; variantId?: string }
    ): Promise<VisitorRequest> {
      const state =
        request.visitorId !== undefined && request.variantId === undefined
          ? await loadVisitor(ports.visitors, request.visitorId, { gpc: ports.visitors.gpcOf(ctx) })
          : undefined;
      return { ...request, signals: withProfile(ports.visitors, request.signals, state), state };
    },

    /** The counting stage, after the response: never awaited by it, never failing it. */
    count(visitor: VisitorRequest, target: { uid: string; documentId: string }, choice: Pick<Choice, 'variant' | 'parts' | 'exposures'>) {
      countServe(ports, visitor.state, target, choice.parts ?? (choice.variant ? [choice.variant] : []), maxPerSession());
      countExposures(ports, visitor.state, choice.exposures);
    },

    /**
     * Counts a request's decisions (one per entry) and its time since `startedAt` (performance.now()
     * when the request came in), for the metrics: nothing when they are off.
     */
    observe(route: DecisionRoute, visitor: VisitorRequest, choices: Iterable<Choice>, startedAt: number, cache: 'hit' | 'miss') {
      const metrics = ports.metrics;
      if (!metrics.enabled) return;
      const fixed = visitor.variantId !== undefined;
      for (const choice of choices) metrics.decision(route, decisionOutcome(choice, fixed));
      metrics.decisionTime(route, cache, (performance.now() - startedAt) / 1000);
    },

    responseKey,
    responseTags,
    contentApiSanitizer,

    /**
     * One entry, as `/resolve` serves it: the published version, the caller's read permission
     * already checked (`auth`), `populate`/`fields` validated and sanitized as Strapi does.
     */
    async resolveEntry(request: ResolveEntryRequest, visitor: VisitorRequest, auth: ContentApiAuth): Promise<ResolvedEntry> {
      const contentTypes = ports.contentTypes;
      const programs = ports.programs;
      const cache = ports.cache;
      const schema = contentTypes.getSchema(request.uid) as SchemaLike;
      const fieldName = contentTypes.getVariantsFieldName(request.uid);
      const ref: ProgramRef = { uid: request.uid, documentId: request.documentId, locale: request.locale };

      let fetched: { entry: Entry; requestedFields: string[] | null } | null = null;
      const fetchEntry = async () => {
        const query: Record<string, unknown> = {};
        if (request.locale !== undefined) query.locale = request.locale;
        if (request.populate !== undefined) query.populate = request.populate;
        if (request.fields !== undefined) query.fields = request.fields;
        await strapi.contentAPI.validate.query(query, schema as never, { auth } as never);
        const sanitizedQuery = (await strapi.contentAPI.sanitize.query(query, schema as never, { auth } as never)) as Record<
          string,
          unknown
        >;
        const requestedFields = toFieldList(sanitizedQuery.fields);
        const params: Record<string, unknown> = { ...sanitizedQuery, status: 'published' };
        if (fieldName && requestedFields) params.fields = [...requestedFields, fieldName];
        const entry = (await contentTypes.findEntry(request.uid, request.documentId, params)) as Entry | null;
        if (!entry) throw new errors.NotFoundError('Entry not found');
        return { entry, requestedFields };
      };

      let program = await programs.get(ref);
      if (!program?.documentId) {
        // One query serves both the program and, below, the response.
        fetched = await fetchEntry();
        program = await programs.remember(ref, fieldName ? fetched.entry[fieldName] : undefined, fetched.entry.documentId);
      }
      const documentId = program.documentId!;
      const selection = choose(program, { uid: request.uid, documentId }, visitor);
      if (selection.fixedMissing) throw new errors.NotFoundError(`Variant "${visitor.variantId}" not found on this entry`);
      const outcome = outcomeOf(selection);

      const key = responseKey(programs.key(ref), outcome.variant ?? '-', auth, stableJson({ populate: request.populate, fields: request.fields }));
      const served = { target: { uid: request.uid, documentId }, choice: selection };
      const cached = await cache.responses().get(key, programs.tags(ref));
      if (cached) return { ...outcome, rendered: cached, cache: 'hit', served };

      const { entry, requestedFields } = fetched ?? (await fetchEntry());
      const data = await ports.overrides.render(entry, selection.variant, {
        schema,
        fieldName,
        requestedFields,
        sanitize: contentApiSanitizer(schema, auth),
      });
      const json = JSON.stringify(data);
      const rendered: CachedResponse = { data: json, etag: etagOf(json, outcome.variant ?? '') };
      await cache.responses().set(key, rendered, responseTags(schema, programs.tags(ref), [data]));
      return { ...outcome, rendered, cache: 'miss', served };
    },

    /**
     * Variants for entries Strapi's own controller already read (the plain API's cold path): each
     * entry's program is cached, read in one query for those that are not.
     */
    async programsFor(uid: string, entries: Entry[], refOf: (entry: Entry) => ProgramRef): Promise<Map<Entry, CachedProgram>> {
      const programs = ports.programs;
      const fieldName = ports.contentTypes.getVariantsFieldName(uid);
      const result = new Map<Entry, CachedProgram>();
      const missing: Entry[] = [];
      for (const entry of entries) {
        const program = await programs.get(refOf(entry));
        if (program) result.set(entry, program);
        else missing.push(entry);
      }
      if (missing.length === 0 || !fieldName) {
        for (const entry of missing) result.set(entry, { variants: [], documentId: entry.documentId });
        return result;
      }
      const first = refOf(missing[0]);
      const stored = (await strapi.documents(uid as never).findMany({
        filters: { documentId: { $in: missing.map((entry) => entry.documentId) } },
        fields: [fieldName],
        status: first.status ?? 'published',
        ...(first.locale ? { locale: first.locale } : {}),
      } as never)) as unknown as Entry[];
      const byDocumentId = new Map(stored.map((row) => [row.documentId, row]));
      for (const entry of missing) {
        const row = byDocumentId.get(entry.documentId);
        result.set(entry, await programs.remember(refOf(entry), row?.[fieldName], entry.documentId));
      }
      return result;
    },

    /** Stage 3 for an entry Strapi already read and sanitized: overrides on, through the same policy. */
    render(
      entry: Entry,
      variant: Variant | null,
      options: { schema: SchemaLike; fieldName: string | null; requestedFields: string[] | null; auth: ContentApiAuth | undefined }
    ) {
      return ports.overrides.render(entry, variant, {
        schema: options.schema,
        fieldName: options.fieldName,
        requestedFields: options.requestedFields,
        sanitize: contentApiSanitizer(options.schema, options.auth),
      });
    },
  };
};

export type DeliveryService = ReturnType<typeof createDeliveryService>;
export default createDeliveryService;
