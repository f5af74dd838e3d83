import { useCallback, useEffect, useState } from 'react';

import { useFetchClient } from '@strapi/strapi/admin';

import { getContentTypes, getEntries, getEntry, getMainField, type CmEntry } from '../../api';
import { errorMessage } from '../../utils/api';

/** A content type that has the variants field: experiments can target its entries. */
export interface TargetType {
  uid: string;
  displayName: string;
  kind: 'collectionType' | 'singleType';
  /** The variants field's name. */
  field: string;
  localized: boolean;
}

export interface TargetEntry {
  documentId: string;
  label: string;
}

/** A variant of the target entry, as the arms editor offers it. */
export interface TargetVariant {
  id: string;
  name: string;
  enabled: boolean;
  /** The fields its overrides set (the multivariate editor warns when two factors set the same one). */
  fields: string[];
}

const VARIANTS_FIELD = 'plugin::personalize.variants';

/** The content types with a variants field (read from the Content Manager's API, as its pages do). */
export const useTargetTypes = () => {
  const client = useFetchClient();
  const [types, setTypes] = useState<TargetType[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    getContentTypes(client)
      .then((contentTypes) => {
        if (!live) return;
        setTypes(
          contentTypes.flatMap((type) => {
            const field = Object.entries(type.attributes).find(([, attribute]) => attribute.customField === VARIANTS_FIELD)?.[0];
            return field
              ? [{ uid: type.uid, displayName: type.info?.displayName ?? type.uid, kind: type.kind, field, localized: Boolean(type.pluginOptions?.i18n?.localized) }]
              : [];
          })
        );
      })
      .catch((reason: unknown) => live && setError(errorMessage(reason)));
    return () => {
      live = false;
    };
  }, [client]);
  return { types, error };
};

const labelOf = (entry: CmEntry, mainField: string | undefined) => {
  const candidates = [mainField, 'title', 'name', 'headline', 'slug'];
  for (const field of candidates) {
    const value = field ? entry[field] : undefined;
    if (typeof value === 'string' && value.trim()) return value;
  }
  return String(entry.documentId ?? '');
};

/** Entries of a target type (the first 100, by the Content Manager's list), for the entry picker. */
export const useTargetEntries = (type: TargetType | undefined, locale: string | null) => {
  const client = useFetchClient();
  const [entries, setEntries] = useState<TargetEntry[] | null>(null);
  useEffect(() => {
    if (!type) {
      setEntries(null);
      return;
    }
    let live = true;
    const params = locale ? { locale } : {};
    const load = async (): Promise<TargetEntry[]> => {
      const mainField = await getMainField(client, type.uid).catch(() => undefined);
      if (type.kind === 'singleType') {
        const entry = await getEntry(client, type, undefined, params);
        return entry?.documentId ? [{ documentId: String(entry.documentId), label: labelOf(entry, mainField) }] : [];
      }
      const found = await getEntries(client, type.uid, { ...params, page: 1, pageSize: 100 });
      return found.map((entry) => ({ documentId: String(entry.documentId), label: labelOf(entry, mainField) }));
    };
    load()
      .then((found) => live && setEntries(found))
      .catch(() => live && setEntries([]));
    return () => {
      live = false;
    };
  }, [client, type, locale]);
  return entries;
};

/** The variants of the target entry (its draft, in its locale), read through the Content Manager's API. */
export const useTargetVariants = (type: TargetType | undefined, documentId: string | undefined, locale: string | null) => {
  const client = useFetchClient();
  const [variants, setVariants] = useState<TargetVariant[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    if (!type || !documentId) {
      setVariants(null);
      return;
    }
    try {
      const entry = await getEntry(client, type, documentId, locale ? { locale } : {});
      const value = entry?.[type.field] as
        | { variants?: { id?: unknown; name?: unknown; enabled?: unknown; overrides?: unknown }[] }
        | null
        | undefined;
      setVariants(
        (value?.variants ?? [])
          .filter((variant) => typeof variant?.id === 'string')
          .map((variant) => ({
            id: String(variant.id),
            name: typeof variant.name === 'string' ? variant.name : String(variant.id),
            enabled: variant.enabled !== false,
            fields:
              typeof variant.overrides === 'object' && variant.overrides !== null && !Array.isArray(variant.overrides)
                ? Object.keys(variant.overrides)
                : [],
          }))
      );
      setError(null);
    } catch (reason) {
      setVariants(null);
      setError(errorMessage(reason));
    }
  }, [client, type, documentId, locale]);
  useEffect(() => {
    void load();
  }, [load]);
  return { variants, error };
};
