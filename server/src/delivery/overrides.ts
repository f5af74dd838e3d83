import type { Core } from '@strapi/strapi';

import { isRelationToMany, type AttributeLike, type SchemaLike } from '../../../contracts/src/schema-types';
import type { Variant } from '../../../contracts/src/variants/schema';
import type { ContentTypesService } from '../platform/content-types';
import { whyNotOverridable } from '../../../contracts/src/variants/override-schemas';

export type Entry = Record<string, unknown> & { documentId?: string; locale?: string | null };

const POPULATABLE = new Set(['media', 'relation', 'component', 'dynamiczone']);

/** Turns an entry as read into what a caller may see: overrides laid on, then sanitized. */
export type Sanitize = (entry: Entry) => Promise<Record<string, unknown>>;

/**
 * Stage 3 of delivery: overrides and the one sanitize policy. A variant's overrides are laid over
 * the entry as Strapi returns it (media and relations fetched by id and documentId), the variants
 * field is removed, and the whole result goes through the caller's output sanitizer (Strapi's
 * content-API sanitizer for the public routes, the admin's permission checker for previews), so
 * private attributes never appear at any depth, whatever the override touched.
 */
const createOverridesService = ({ strapi, ports }: { strapi: Core.Strapi; ports: { contentTypes: ContentTypesService } }) => {
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
    const target = ports.contentTypes.getSchema(attribute.target);
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

  /** Content types a response embeds (populated relations and media), for invalidation by type. */
  const embeddedTypes = (schema: SchemaLike, entry: Record<string, unknown>, into = new Set<string>()): Set<string> => {
    for (const [name, attribute] of Object.entries(schema.attributes)) {
      const value = entry[name];
      if (value === undefined || value === null) continue;
      if (attribute.type === 'relation' && attribute.target) into.add(attribute.target);
      else if (attribute.type === 'media') into.add('plugin::upload.file');
      else if (attribute.type === 'component' || attribute.type === 'dynamiczone') {
        for (const item of Array.isArray(value) ? value : [value]) {
          const componentUid = attribute.type === 'component' ? attribute.component : (item as { __component?: string }).__component;
          const component = componentUid ? ports.contentTypes.getComponent(componentUid) : undefined;
          if (component && typeof item === 'object' && item !== null) embeddedTypes(component, item as Record<string, unknown>, into);
        }
      }
    }
    return into;
  };

  /**
   * Overrides only what the response carries: with a `fields` selection, an override of a field
   * not asked for is not added; relations, media and components only when they were populated.
   */
  const apply = async (entry: Entry, variant: Variant, schema: SchemaLike, requestedFields: readonly string[] | null) => {
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
  };

  return {
    embeddedTypes,
    apply,

    /**
     * The entry as served: a copy with the variant's overrides (if any), without the variants
     * field, through `sanitize`. The entry passed in is not changed.
     */
    async render(
      entry: Entry,
      variant: Variant | null,
      options: { schema: SchemaLike; fieldName: string | null; requestedFields: readonly string[] | null; sanitize: Sanitize }
    ): Promise<Record<string, unknown>> {
      const copy: Entry = { ...entry };
      if (variant) await apply(copy, variant, options.schema, options.requestedFields);
      if (options.fieldName) delete copy[options.fieldName];
      return options.sanitize(copy);
    },
  };
};

export type OverridesService = ReturnType<typeof createOverridesService>;
export default createOverridesService;
