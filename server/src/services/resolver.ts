import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { LRUCache } from 'lru-cache';

import type { ResolveBody } from '../validation/resolve';
import type { Signals } from '../signals/schema';
import type { ReasonEntry } from '../utils/reason';
import { isRelationToMany, type AttributeLike, type SchemaLike } from '../utils/schema-types';
import { getService } from '../utils/get-service';
import { variantsValueSchema, type Variant } from '../variants/schema';
import { whyNotOverridable } from '../variants/override-schemas';
import type { CompiledVariant } from './conditions';
import type { ContentApiAuth } from './access';

type Entry = Record<string, unknown> & { documentId?: string; locale?: string | null; updatedAt?: unknown };

export interface ResolveResult {
  data: Record<string, unknown>;
  meta: { personalize: { variant: string | null; reason: ReasonEntry[] } };
}

const POPULATABLE = new Set(['media', 'relation', 'component', 'dynamiczone']);

const toFieldList = (fields: unknown): string[] | null => {
  if (fields === undefined || fields === null) return null;
  if (typeof fields === 'string') return fields.split(',').map((field) => field.trim()).filter(Boolean);
  return Array.isArray(fields) ? fields.map(String) : null;
};

/**
 * Loads a published entry through the document service, picks its variant for the request's
 * signals, lays the overrides over it and sanitizes it for the caller as the content API does.
 */
const createResolverService = ({ strapi }: { strapi: Core.Strapi }) => {
  // Compiled variant lists per stored version of an entry: a new save changes `updatedAt`.
  const programs = new LRUCache<string, CompiledVariant[]>({ max: 10_000 });

  const compiledVariantsOf = (uid: string, entry: Entry, fieldName: string): CompiledVariant[] => {
    const audiencesVersion = getService(strapi, 'audiences').version();
    const key = `${uid}|${entry.documentId}|${entry.locale ?? ''}|${String(entry.updatedAt)}|${audiencesVersion}`;
    let program = programs.get(key);
    if (!program) {
      const parsed = variantsValueSchema.safeParse(entry[fieldName]);
      // A stored value that no longer parses (edited in the database, say) personalizes nothing.
      program = parsed.success ? getService(strapi, 'conditions').compileVariants(parsed.data.variants) : [];
      programs.set(key, program);
    }
    return program;
  };

  const fetchMedia = async (value: unknown): Promise<unknown> => {
    const ids = (Array.isArray(value) ? value : [value])
      .map((item) => (typeof item === 'object' && item !== null ? (item as { id: unknown }).id : item))
      .filter((id): id is number => typeof id === 'number');
    if (ids.length === 0) return Array.isArray(value) ? [] : null;
    const files = (await strapi.documents('plugin::upload.file' as never).findMany({
      filters: { id: { $in: ids } },
    } as never)) as unknown as { id: number }[];
    const byId = new Map(files.map((file) => [file.id, file]));
    const ordered = ids.map((id) => byId.get(id)).filter(Boolean);
    return Array.isArray(value) ? ordered : (ordered[0] ?? null);
  };

  const fetchRelation = async (attribute: AttributeLike, value: unknown, locale: string | undefined) => {
    const ids = (Array.isArray(value) ? value : [value])
      .map((item) => (typeof item === 'object' && item !== null ? (item as { documentId: unknown }).documentId : item))
      .filter((id): id is string => typeof id === 'string');
    const many = isRelationToMany(attribute);
    if (!attribute.target || ids.length === 0) return many ? [] : null;
    const target = getService(strapi, 'content-types').getSchema(attribute.target);
    const localized = Boolean(target?.pluginOptions?.i18n?.localized);
    const related = (await strapi.documents(attribute.target as never).findMany({
      filters: { documentId: { $in: ids } },
      ...(target?.options?.draftAndPublish ? { status: 'published' } : {}),
      ...(localized && locale ? { locale } : {}),
    } as never)) as unknown as { documentId: string }[];
    const byDocumentId = new Map(related.map((item) => [item.documentId, item]));
    const ordered = ids.map((id) => byDocumentId.get(id)).filter(Boolean);
    return many ? ordered : (ordered[0] ?? null);
  };

  /** Lays a variant's overrides over the entry, only for fields the response carries. */
  const applyOverrides = async (
    entry: Entry,
    variant: Variant,
    schema: SchemaLike,
    requestedFields: string[] | null,
    locale: string | undefined
  ) => {
    for (const [name, value] of Object.entries(variant.overrides)) {
      if (whyNotOverridable(schema, name)) continue; // the schema changed since the variant was saved
      const attribute = schema.attributes[name];
      if (POPULATABLE.has(attribute.type)) {
        // Relations, media and components appear only when populated; keep the response's shape.
        if (!(name in entry)) continue;
        if (attribute.type === 'media') entry[name] = await fetchMedia(value);
        else if (attribute.type === 'relation') entry[name] = await fetchRelation(attribute, value, locale);
        else entry[name] = value;
        continue;
      }
      if (requestedFields && !requestedFields.includes(name)) continue;
      entry[name] = value;
    }
  };

  return {
    async resolve(body: ResolveBody, auth: ContentApiAuth, signals: Signals): Promise<ResolveResult> {
      const contentTypes = getService(strapi, 'content-types');
      const schema = contentTypes.getSchema(body.uid) as SchemaLike;

      const query: Record<string, unknown> = {};
      if (body.locale !== undefined) query.locale = body.locale;
      if (body.populate !== undefined) query.populate = body.populate;
      if (body.fields !== undefined) query.fields = body.fields;
      await strapi.contentAPI.validate.query(query, schema as never, { auth } as never);
      const sanitizedQuery = (await strapi.contentAPI.sanitize.query(query, schema as never, { auth } as never)) as Record<
        string,
        unknown
      >;

      const fieldName = contentTypes.getVariantsFieldName(body.uid);
      const requestedFields = toFieldList(sanitizedQuery.fields);
      const params: Record<string, unknown> = { ...sanitizedQuery, status: 'published' };
      if (fieldName && requestedFields) params.fields = [...requestedFields, fieldName];

      const documents = strapi.documents(body.uid as never);
      const entry = (
        schema.kind === 'singleType'
          ? await documents.findFirst(params as never)
          : await documents.findOne({ ...params, documentId: body.documentId } as never)
      ) as Entry | null;
      if (!entry) throw new errors.NotFoundError('Entry not found');

      let selection: { variant: Variant | null; reason: ReasonEntry[] } = { variant: null, reason: [] };
      if (fieldName) {
        const program = compiledVariantsOf(body.uid, entry, fieldName);
        const data = {
          ...signals,
          targetingKey: body.visitorId,
          $flagd: { flagKey: `${body.uid}:${entry.documentId}` },
        };
        selection = getService(strapi, 'conditions').select(program, data);
        if (selection.variant) {
          await applyOverrides(entry, selection.variant, schema, requestedFields, body.locale ?? entry.locale ?? undefined);
        }
        delete entry[fieldName];
      }

      const data = (await strapi.contentAPI.sanitize.output(entry, schema as never, { auth } as never)) as Record<
        string,
        unknown
      >;
      return {
        data,
        meta: { personalize: { variant: selection.variant?.id ?? null, reason: selection.reason } },
      };
    },

    clear() {
      programs.clear();
    },
  };
};

export type ResolverService = ReturnType<typeof createResolverService>;
export default createResolverService;
