import type { Core } from '@strapi/strapi';

import type { SchemaLike } from '../../../contracts/src/schema-types';
import { VARIANTS_CUSTOM_FIELD_UID } from '../../../contracts/src/variants/schema';

/**
 * Reads content-type schemas through Strapi's public registry. Schemas do not change while Strapi
 * runs (a schema change restarts it), so the variants field lookup is memoised per uid.
 */
const createContentTypesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const variantsFieldByUid = new Map<string, string | null>();

  // `strapi.contentType(uid)` reads the registry directly; the `strapi.contentTypes` getter copies
  // every schema on each call, which showed up at 4% of a warm resolve's CPU profile.
  const getSchema = (uid: string): SchemaLike | undefined =>
    (strapi.contentType(uid as never) as unknown as SchemaLike | undefined) ?? undefined;

  const getComponent = (uid: string): SchemaLike | undefined =>
    (strapi.components as unknown as Record<string, SchemaLike | undefined>)[uid];

  const getVariantsFieldName = (uid: string): string | null => {
    if (!variantsFieldByUid.has(uid)) {
      const schema = getSchema(uid);
      const entry = schema
        ? Object.entries(schema.attributes).find(([, attribute]) => attribute.customField === VARIANTS_CUSTOM_FIELD_UID)
        : undefined;
      variantsFieldByUid.set(uid, entry ? entry[0] : null);
    }
    return variantsFieldByUid.get(uid) ?? null;
  };

  /** Content types the delivery routes serve: the app's own (`api::`) collection and single types. */
  const isDeliverable = (uid: string): boolean => {
    const schema = getSchema(uid);
    return Boolean(schema && uid.startsWith('api::') && (schema.kind === 'collectionType' || schema.kind === 'singleType'));
  };

  /**
   * One entry through the document service: by documentId for a collection type, the entry of a
   * single type otherwise. `params` are the document service's (status, locale, fields, populate).
   */
  const findEntry = async (
    uid: string,
    documentId: string | undefined,
    params: Record<string, unknown>
  ): Promise<Record<string, unknown> | null> => {
    const documents = strapi.documents(uid as never);
    const entry =
      getSchema(uid)?.kind === 'singleType'
        ? await documents.findFirst(params as never)
        : await documents.findOne({ ...params, documentId } as never);
    return (entry as Record<string, unknown> | null) ?? null;
  };

  const withVariantsField = () =>
    Object.keys(strapi.contentTypes).filter((uid) => getVariantsFieldName(uid) !== null);

  return { getSchema, getComponent, getVariantsFieldName, isDeliverable, findEntry, withVariantsField };
};

export type ContentTypesService = ReturnType<typeof createContentTypesService>;
export default createContentTypesService;
