import { createHash } from 'node:crypto';

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

import type { Signals } from '../../../contracts/src/signals/schema';
import { authCacheKey } from '../utils/auth-key';
import { getService } from '../utils/get-service';
import type { ReasonEntry } from '../../../contracts/src/reason';
import type { SchemaLike } from '../../../contracts/src/schema-types';
import { stableJson } from '../utils/stable-json';
import type { Variant } from '../../../contracts/src/variants/schema';
import type { ContentApiAuth } from './access';
import { typeTag, type CachedProgram, type CachedResponse } from './cache';
import type { Entry } from './overrides';
import type { ProgramRef } from './programs';

export interface ResolveRequest {
  uid: string;
  documentId?: string;
  locale?: string;
  populate?: unknown;
  fields?: unknown;
  signals: Signals;
  visitorId?: string;
  /** Serve this variant (fixed, cacheable URLs and previews) instead of choosing by signals. */
  variantId?: string;
}

export interface ResolveOutcome {
  /** JSON of the entry with the variant applied, as cached. */
  data: string;
  etag: string;
  variant: string | null;
  reason: ReasonEntry[];
}

export const toFieldList = (fields: unknown): string[] | null => {
  if (fields === undefined || fields === null) return null;
  if (typeof fields === 'string') return fields.split(',').map((field) => field.trim()).filter(Boolean);
  return Array.isArray(fields) ? fields.map(String) : null;
};

const etagOf = (data: string, variant: string | null) =>
  `"${createHash('sha1').update(data).update('\0').update(variant ?? '').digest('base64url')}"`;

/**
 * Resolution with caching: the entry's variant program and each (variant, query, caller) response
 * are cached until the entry changes, so a warm request reads no database row.
 */
const createResolverService = ({ strapi }: { strapi: Core.Strapi }) => {
  const service = <TName extends Parameters<typeof getService>[1]>(name: TName) => getService(strapi, name);

  /** Content types a response embeds (populated relations and media), for invalidation by type. */
  const dependencies = (schema: SchemaLike, entry: Record<string, unknown>, into = new Set<string>()): Set<string> => {
    for (const [name, attribute] of Object.entries(schema.attributes)) {
      const value = entry[name];
      if (value === undefined || value === null) continue;
      if (attribute.type === 'relation' && attribute.target) into.add(attribute.target);
      else if (attribute.type === 'media') into.add('plugin::upload.file');
      else if (attribute.type === 'component' || attribute.type === 'dynamiczone') {
        for (const item of Array.isArray(value) ? value : [value]) {
          const componentUid = attribute.type === 'component' ? attribute.component : (item as { __component?: string }).__component;
          const component = componentUid ? service('content-types').getComponent(componentUid) : undefined;
          if (component && typeof item === 'object' && item !== null) dependencies(component, item as Record<string, unknown>, into);
        }
      }
    }
    return into;
  };

  const chooseVariant = (
    program: CachedProgram,
    request: ResolveRequest,
    documentId: string | undefined
  ): { variant: Variant | null; reason: ReasonEntry[] } => {
    if (request.variantId !== undefined) {
      const variant = program.variants.find((candidate) => candidate.id === request.variantId && candidate.enabled);
      if (!variant) throw new errors.NotFoundError(`Variant "${request.variantId}" not found on this entry`);
      return { variant, reason: [{ rule: 'fixed', result: true }] };
    }
    const data = {
      ...request.signals,
      targetingKey: request.visitorId,
      $flagd: { flagKey: `${request.uid}:${documentId ?? ''}` },
    };
    return service('conditions').select(service('programs').compiled(program), data);
  };

  return {
    async resolve(request: ResolveRequest, auth: ContentApiAuth): Promise<ResolveOutcome> {
      const contentTypes = service('content-types');
      const schema = contentTypes.getSchema(request.uid) as SchemaLike;
      const fieldName = contentTypes.getVariantsFieldName(request.uid);
      const ref: ProgramRef = { uid: request.uid, documentId: request.documentId, locale: request.locale };
      const programs = service('programs');
      const cache = service('cache');

      const queryShape = stableJson({ populate: request.populate, fields: request.fields });
      let program = await programs.get(ref);
      let fetched: { entry: Entry; requestedFields: string[] | null } | null = null;

      const fetchEntry = async (): Promise<{ entry: Entry; requestedFields: string[] | null }> => {
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

      if (!program) {
        // One query serves both the program and, below, the response.
        fetched = await fetchEntry();
        program = await programs.remember(ref, fieldName ? fetched.entry[fieldName] : undefined);
      }

      const { variant, reason } = chooseVariant(program, request, request.documentId ?? fetched?.entry.documentId);
      const responseKey = `${programs.key(ref)}|${variant?.id ?? '-'}|${authCacheKey(auth)}|${queryShape}`;
      const tags = programs.tags(ref);
      const cached = await cache.responses().get(responseKey, tags);
      if (cached) return { data: cached.data, etag: cached.etag, variant: variant?.id ?? null, reason };

      const { entry, requestedFields } = fetched ?? (await fetchEntry());
      if (variant) await service('overrides').apply(entry, variant, schema, requestedFields);
      if (fieldName) delete entry[fieldName];
      const sanitized = (await strapi.contentAPI.sanitize.output(entry, schema as never, { auth } as never)) as Record<
        string,
        unknown
      >;
      const data = JSON.stringify(sanitized);
      const response: CachedResponse = { data, etag: etagOf(data, variant?.id ?? null) };
      const dependencyTags = [...dependencies(schema, sanitized)].map(typeTag);
      await cache.responses().set(responseKey, response, [...tags, ...dependencyTags]);
      return { data, etag: response.etag, variant: variant?.id ?? null, reason };
    },
  };
};

export type ResolverService = ReturnType<typeof createResolverService>;
export default createResolverService;
