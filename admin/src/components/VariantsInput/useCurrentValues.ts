import { useCallback, useMemo } from 'react';

import {
  unstable_useContentManagerContext,
  unstable_useDocument,
  useFetchClient,
  useQueryParams,
} from '@strapi/strapi/admin';

import type { AttributeLike, SchemaLike } from '../../../../contracts/src/schema-types';
import { getRelations } from '../../api';
import { isRelationChanges, toOverrideValue, type ComponentAttributes, type RelationRef } from './currentValue';

const PAGE_SIZE = 100;
const MAX_PAGES = 20;

/**
 * The entry's current values as override values, relations included. The edit form holds only
 * pending connect / disconnect changes for relations, so the saved related entries are read from
 * the content manager's relations endpoint (as its relations input does) and merged with them.
 */
export const useCurrentOverrideValues = (schema: SchemaLike, currentValues: Record<string, unknown>) => {
  const client = useFetchClient();
  const cm = unstable_useContentManagerContext();
  const [{ query }] = useQueryParams<{ plugins?: { i18n?: { locale?: string } }; status?: string }>();
  const locale = query.plugins?.i18n?.locale;
  const status = query.status;
  const params = useMemo(() => ({ ...(locale ? { locale } : {}), ...(status ? { status } : {}) }), [locale, status]);
  // A single type has no documentId in its URL: read it from the document itself.
  const { document } = unstable_useDocument(
    { model: cm.model, collectionType: cm.collectionType, documentId: cm.id, params },
    { skip: !cm.isSingleType }
  );
  const documentId = cm.id ?? (document as { documentId?: string } | undefined)?.documentId;
  const getComponent: ComponentAttributes = useCallback(
    (uid: string) => (cm.components as unknown as Record<string, { attributes: Record<string, AttributeLike> } | undefined>)[uid],
    [cm.components]
  );

  const savedRelations = useCallback(
    async (field: string): Promise<RelationRef[]> => {
      if (!documentId) return [];
      const pages: RelationRef[][] = [];
      for (let page = 1; page <= MAX_PAGES; page += 1) {
        const data = await getRelations(client, cm.model, documentId, field, { ...params, page, pageSize: PAGE_SIZE });
        pages.push(data.results ?? []);
        if (!data.pagination || page >= data.pagination.pageCount) break;
      }
      // Newest first, page after page, as the content manager asks for them: reversed, the display order.
      return pages.flat().reverse();
    },
    [client, cm.model, documentId, params]
  );

  /**
   * Override values of the named fields, as the entry's edit form holds them now: `values` at once
   * (relations with only what the form connects), and `complete` when relations need the saved
   * related entries: it resolves to those fields' values with them merged in.
   */
  return useCallback(
    (names: string[]): { values: Record<string, unknown>; complete: Promise<Record<string, unknown>> | null } => {
      const values: Record<string, unknown> = {};
      const relations: string[] = [];
      for (const name of names) {
        const attribute = schema.attributes[name];
        if (!attribute) continue;
        const formValue = currentValues[name];
        values[name] = toOverrideValue(attribute, formValue, undefined, getComponent);
        if (attribute.type === 'relation' && documentId && (isRelationChanges(formValue) || formValue === undefined)) {
          relations.push(name);
        }
      }
      const complete = relations.length
        ? Promise.all(
            relations.map(async (name) => {
              const saved = await savedRelations(name).catch(() => [] as RelationRef[]);
              return [name, toOverrideValue(schema.attributes[name], currentValues[name], saved)] as const;
            })
          ).then((entries) => Object.fromEntries(entries))
        : null;
      return { values, complete };
    },
    [schema, currentValues, documentId, savedRelations, getComponent]
  );
};
