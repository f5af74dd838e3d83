import { useCallback, useEffect, useState } from 'react';

import { useFetchClient } from '@strapi/strapi/admin';

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
}

interface CmContentType {
  uid: string;
  kind: 'collectionType' | 'singleType';
  isDisplayed?: boolean;
  info?: { displayName?: string };
  pluginOptions?: { i18n?: { localized?: boolean } };
  attributes: Record<string, { type?: string; customField?: string }>;
}

const VARIANTS_FIELD = 'plugin::personalize.variants';

/** The content types with a variants field (read from the Content Manager's API, as its pages do). */
export const useTargetTypes = () => {
  const { get } = useFetchClient();
  const [types, setTypes] = useState<TargetType[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    get<{ data: CmContentType[] }>('/content-manager/content-types')
      .then(({ data }) => {
        if (!live) return;
        setTypes(
          data.data.flatMap((type) => {
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
  }, [get]);
  return { types, error };
};

const entryPath = (type: TargetType, documentId: string) =>
  type.kind === 'singleType' ? `/content-manager/single-types/${type.uid}` : `/content-manager/collection-types/${type.uid}/${documentId}`;

const labelOf = (entry: Record<string, unknown>, mainField: string | undefined) => {
  const candidates = [mainField, 'title', 'name', 'headline', 'slug'];
  for (const field of candidates) {
    const value = field ? entry[field] : undefined;
    if (typeof value === 'string' && value.trim()) return value;
  }
  return String(entry.documentId ?? '');
};

/** Entries of a target type (the first 100, by the Content Manager's list), for the entry picker. */
export const useTargetEntries = (type: TargetType | undefined, locale: string | null) => {
  const { get } = useFetchClient();
  const [entries, setEntries] = useState<TargetEntry[] | null>(null);
  useEffect(() => {
    if (!type) {
      setEntries(null);
      return;
    }
    let live = true;
    const params = locale ? { locale } : {};
    const load = async (): Promise<TargetEntry[]> => {
      const configuration = await get<{ data: { contentType?: { settings?: { mainField?: string } } } }>(
        `/content-manager/content-types/${type.uid}/configuration`
      ).catch(() => null);
      const mainField = configuration?.data.data.contentType?.settings?.mainField;
      if (type.kind === 'singleType') {
        const { data } = await get<{ data: Record<string, unknown> }>(`/content-manager/single-types/${type.uid}`, { params });
        return data.data?.documentId ? [{ documentId: String(data.data.documentId), label: labelOf(data.data, mainField) }] : [];
      }
      const { data } = await get<{ results: Record<string, unknown>[] }>(`/content-manager/collection-types/${type.uid}`, {
        params: { ...params, page: 1, pageSize: 100 },
      });
      return data.results.map((entry) => ({ documentId: String(entry.documentId), label: labelOf(entry, mainField) }));
    };
    load()
      .then((found) => live && setEntries(found))
      .catch(() => live && setEntries([]));
    return () => {
      live = false;
    };
  }, [get, type, locale]);
  return entries;
};

/** The variants of the target entry (its draft, in its locale), read through the Content Manager's API. */
export const useTargetVariants = (type: TargetType | undefined, documentId: string | undefined, locale: string | null) => {
  const { get } = useFetchClient();
  const [variants, setVariants] = useState<TargetVariant[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    if (!type || !documentId) {
      setVariants(null);
      return;
    }
    try {
      const { data } = await get<{ data: Record<string, unknown> }>(entryPath(type, documentId), { params: locale ? { locale } : {} });
      const value = data.data?.[type.field] as { variants?: { id?: unknown; name?: unknown; enabled?: unknown }[] } | null | undefined;
      setVariants(
        (value?.variants ?? [])
          .filter((variant) => typeof variant?.id === 'string')
          .map((variant) => ({ id: String(variant.id), name: typeof variant.name === 'string' ? variant.name : String(variant.id), enabled: variant.enabled !== false }))
      );
      setError(null);
    } catch (reason) {
      setVariants(null);
      setError(errorMessage(reason));
    }
  }, [get, type, documentId, locale]);
  useEffect(() => {
    void load();
  }, [load]);
  return { variants, error };
};
