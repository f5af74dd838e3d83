import type { Core } from '@strapi/strapi';

import { isRelationToMany, type AttributeLike, type SchemaLike } from '../../../contracts/src/schema-types';
import { getService } from '../utils/get-service';
import type { Variant } from '../../../contracts/src/variants/schema';
import { whyNotOverridable } from '../../../contracts/src/variants/override-schemas';

export type Entry = Record<string, unknown> & { documentId?: string; locale?: string | null };

const POPULATABLE = new Set(['media', 'relation', 'component', 'dynamiczone']);

/** Lays a variant's overrides over entries as Strapi returns them, fetching media and relations. */
const createOverridesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const idsOf = <T>(value: unknown, key: string, isId: (id: unknown) => id is T): T[] =>
    (Array.isArray(value) ? value : [value])
      .map((item) => (typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[key] : item))
      .filter(isId);

  const fetchMedia = async (value: unknown): Promise<unknown> => {
    const ids = idsOf(value, 'id', (id): id is number => typeof id === 'number');
    if (ids.length === 0) return Array.isArray(value) ? [] : null;
    const files = (await strapi.documents('plugin::upload.file' as never).findMany({
      filters: { id: { $in: ids } },
    } as never)) as unknown as { id: number }[];
    const byId = new Map(files.map((file) => [file.id, file]));
    const ordered = ids.map((id) => byId.get(id)).filter(Boolean);
    return Array.isArray(value) ? ordered : (ordered[0] ?? null);
  };

  const fetchRelation = async (attribute: AttributeLike, value: unknown, locale: string | undefined) => {
    const ids = idsOf(value, 'documentId', (id): id is string => typeof id === 'string');
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

  return {
    /** True when applying the variant needs no database read (scalar and component overrides only). */
    isLocal(variant: Variant, schema: SchemaLike): boolean {
      return Object.keys(variant.overrides).every((name) => {
        const type = schema.attributes[name]?.type;
        return type !== 'media' && type !== 'relation';
      });
    },

    /**
     * Overrides only what the response carries: with a `fields` selection, an override of a field
     * not asked for is not added; relations, media and components only when they were populated.
     */
    async apply(entry: Entry, variant: Variant, schema: SchemaLike, requestedFields: readonly string[] | null) {
      for (const [name, value] of Object.entries(variant.overrides)) {
        if (whyNotOverridable(schema, name)) continue; // the schema changed since the variant was saved
        const attribute = schema.attributes[name];
        if (POPULATABLE.has(attribute.type)) {
          if (!(name in entry)) continue;
          if (attribute.type === 'media') entry[name] = await fetchMedia(value);
          else if (attribute.type === 'relation') entry[name] = await fetchRelation(attribute, value, entry.locale ?? undefined);
          else entry[name] = value;
          continue;
        }
        if (requestedFields && !requestedFields.includes(name)) continue;
        entry[name] = value;
      }
    },
  };
};

export type OverridesService = ReturnType<typeof createOverridesService>;
export default createOverridesService;
