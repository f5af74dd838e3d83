import { z } from 'zod';

import { jsonValueSchema } from '../json';
import { isRelationToMany, type AttributeLike, type SchemaLike } from '../schema-types';
import { VARIANTS_CUSTOM_FIELD_UID } from './schema';

/** Fields a variant may never override: identity, bookkeeping and the variants field itself. */
const SYSTEM_FIELDS = new Set([
  'id',
  'documentId',
  'createdAt',
  'updatedAt',
  'publishedAt',
  'createdBy',
  'updatedBy',
  'locale',
  'localizations',
]);

const NOT_OVERRIDABLE_TYPES = new Set(['password']);

export type ComponentLookup = (uid: string) => SchemaLike | undefined;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;
const INT32 = { min: -2147483648, max: 2147483647 };

const toNumber = (value: number | string | undefined) => (value === undefined ? undefined : Number(value));

const withLengthBounds = (schema: z.ZodString, attribute: AttributeLike) => {
  let bounded = schema;
  if (attribute.minLength !== undefined) bounded = bounded.min(attribute.minLength);
  if (attribute.maxLength !== undefined) bounded = bounded.max(attribute.maxLength);
  return bounded;
};

const withNumberBounds = (schema: z.ZodNumber, attribute: AttributeLike) => {
  let bounded = schema;
  const min = toNumber(attribute.min);
  const max = toNumber(attribute.max);
  if (min !== undefined && Number.isFinite(min)) bounded = bounded.min(min);
  if (max !== undefined && Number.isFinite(max)) bounded = bounded.max(max);
  return bounded;
};

// Checked without recursion: a JSON or blocks override nested thousands deep is a 400, not a stack overflow.
const jsonValue = jsonValueSchema;

const mediaId = z.union([z.number().int().positive(), z.object({ id: z.number().int().positive() }).loose()]);
const documentIdRef = z.union([
  z.string().min(1).max(64),
  z.object({ documentId: z.string().min(1).max(64) }).loose(),
]);

/**
 * The zod schema for one attribute's override value. Components are checked against their own
 * schema, recursively, so a bad nested value is refused with its full path.
 */
export const attributeValueSchema = (
  attribute: AttributeLike,
  getComponent: ComponentLookup,
  depth = 0
): z.ZodType<unknown> => {
  const base = ((): z.ZodType<unknown> => {
    switch (attribute.type) {
      case 'string':
      case 'text':
      case 'richtext':
      case 'uid':
        return withLengthBounds(z.string(), attribute);
      case 'email':
        return withLengthBounds(z.string(), attribute).pipe(z.email());
      case 'enumeration':
        return z.enum((attribute.enum ?? []) as [string, ...string[]]);
      case 'blocks':
        return z.array(z.record(z.string(), jsonValue));
      case 'integer':
        return withNumberBounds(z.number().int().min(INT32.min).max(INT32.max), attribute);
      case 'biginteger':
        return z.union([z.string().regex(/^-?\d+$/, 'must be an integer, as a string of digits'), z.number().int()]);
      case 'float':
      case 'decimal':
        return withNumberBounds(z.number(), attribute);
      case 'boolean':
        return z.boolean();
      case 'date':
        return z.string().regex(DATE, 'must be a date as YYYY-MM-DD');
      case 'time':
        return z.string().regex(TIME, 'must be a time as HH:mm, HH:mm:ss or HH:mm:ss.SSS');
      case 'datetime':
      case 'timestamp':
        return z.iso.datetime({ offset: true, local: false });
      case 'json':
        return jsonValue;
      case 'media':
        return attribute.multiple ? z.array(mediaId) : mediaId;
      case 'relation':
        return isRelationToMany(attribute) ? z.array(documentIdRef) : documentIdRef;
      case 'component': {
        const componentSchema = componentObjectSchema(attribute.component ?? '', getComponent, depth + 1);
        return attribute.repeatable ? z.array(componentSchema) : componentSchema;
      }
      case 'dynamiczone':
        return z.array(dynamicZoneItemSchema(attribute.components ?? [], getComponent, depth + 1));
      default:
        return z.never({ error: `attributes of type "${attribute.type}" cannot be overridden` });
    }
  })();
  // A value of null clears a field; a required field cannot be cleared.
  return attribute.required ? base : base.nullable();
};

const MAX_COMPONENT_DEPTH = 10;

const componentObjectSchema = (uid: string, getComponent: ComponentLookup, depth: number): z.ZodType<unknown> => {
  const component = getComponent(uid);
  if (!component || depth > MAX_COMPONENT_DEPTH) {
    return z.never({ error: `unknown component "${uid}"` });
  }
  const shape: Record<string, z.ZodType<unknown>> = {
    // Existing component rows may be referenced by id; Strapi ignores it on read-only resolution.
    id: z.number().int().optional(),
  };
  for (const [name, attribute] of Object.entries(component.attributes)) {
    if (NOT_OVERRIDABLE_TYPES.has(attribute.type)) continue;
    const valueSchema = z.lazy(() => attributeValueSchema(attribute, getComponent, depth));
    shape[name] = attribute.required ? valueSchema : valueSchema.optional();
  }
  return z.object(shape).strict();
};

const dynamicZoneItemSchema = (components: string[], getComponent: ComponentLookup, depth: number) =>
  z
    .object({ __component: z.enum(components as [string, ...string[]]) })
    .loose()
    .superRefine((item, ctx) => {
      const { __component: uid, ...rest } = item;
      const result = componentObjectSchema(uid, getComponent, depth).safeParse(rest);
      if (!result.success) {
        for (const issue of result.error.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
        }
      }
    });

export interface OverridableField {
  name: string;
  attribute: AttributeLike;
}

/** The attributes of a content type that a variant may override, in schema order. */
export const overridableFields = (schema: SchemaLike): OverridableField[] =>
  Object.entries(schema.attributes)
    .filter(
      ([name, attribute]) =>
        !SYSTEM_FIELDS.has(name) &&
        !attribute.private &&
        !NOT_OVERRIDABLE_TYPES.has(attribute.type) &&
        attribute.customField !== VARIANTS_CUSTOM_FIELD_UID
    )
    .map(([name, attribute]) => ({ name, attribute }));

/** Why a field name cannot be overridden, or null when it can. */
export const whyNotOverridable = (schema: SchemaLike, name: string): string | null => {
  const attribute = schema.attributes[name];
  if (!attribute) return `"${name}" is not a field of ${schema.uid}`;
  if (SYSTEM_FIELDS.has(name)) return `"${name}" is a system field and cannot be overridden`;
  if (attribute.customField === VARIANTS_CUSTOM_FIELD_UID) return 'the variants field cannot override itself';
  if (attribute.private) return `"${name}" is a private field and cannot be overridden`;
  if (NOT_OVERRIDABLE_TYPES.has(attribute.type)) return `fields of type "${attribute.type}" cannot be overridden`;
  return null;
};
