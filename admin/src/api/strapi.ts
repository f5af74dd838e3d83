/**
 * The Strapi admin routes the plugin reads, as Strapi's own admin pages call them: the Content
 * Manager (content types, entries, relations), the media library and i18n. Their shapes are
 * Strapi's, not the plugin's contracts: only what the plugin reads is typed.
 */
import type { Envelope, FetchClient } from './client';

/** Query parameters (an undefined one is left out). */
type Params = Record<string, string | number | undefined>;

/** A content type as the Content Manager lists it. */
export interface CmContentType {
  uid: string;
  kind: 'collectionType' | 'singleType';
  isDisplayed?: boolean;
  info?: { displayName?: string };
  pluginOptions?: { i18n?: { localized?: boolean } };
  attributes: Record<string, { type?: string; customField?: string }>;
}

/** An entry as the Content Manager reads it: its fields by name. */
export type CmEntry = Record<string, unknown>;

/** A related entry, as the Content Manager's relations route lists it. */
export interface CmRelation {
  id?: number;
  documentId: string;
}

interface CmRelationsPage {
  results: CmRelation[];
  pagination?: { page: number; pageCount: number };
}

/** A file of the media library, as its admin API and dialog give it. */
export interface MediaFile {
  id: number;
  name: string;
  url: string;
  mime?: string;
  ext?: string;
  width?: number | null;
  height?: number | null;
  alternativeText?: string | null;
  formats?: { thumbnail?: { url: string } } | null;
}

export interface Locale {
  code: string;
  name: string;
}

export const getContentTypes = async (client: FetchClient): Promise<CmContentType[]> =>
  (await client.get<Envelope<CmContentType[]>>('/content-manager/content-types')).data.data;

/** The field that names a type's entries in the Content Manager (its list view's main field), if set. */
export const getMainField = async (client: FetchClient, uid: string): Promise<string | undefined> =>
  (
    await client.get<Envelope<{ contentType?: { settings?: { mainField?: string } } }>>(
      `/content-manager/content-types/${uid}/configuration`
    )
  ).data.data.contentType?.settings?.mainField;

/** An entry of a collection type, or the single type's entry (`documentId` is then not needed); null when there is none. */
export const getEntry = async (
  client: FetchClient,
  type: Pick<CmContentType, 'uid' | 'kind'>,
  documentId: string | undefined,
  params: Params
): Promise<CmEntry | null> => {
  const path =
    type.kind === 'singleType'
      ? `/content-manager/single-types/${type.uid}`
      : `/content-manager/collection-types/${type.uid}/${documentId}`;
  return (await client.get<Envelope<CmEntry | null>>(path, { params })).data.data ?? null;
};

/** One page of a collection type's entries, in the Content Manager's list order. */
export const getEntries = async (client: FetchClient, uid: string, params: Params): Promise<CmEntry[]> =>
  (await client.get<{ results: CmEntry[] }>(`/content-manager/collection-types/${uid}`, { params })).data.results;

/** One page of the saved related entries of a relation field. */
export const getRelations = async (
  client: FetchClient,
  model: string,
  documentId: string,
  field: string,
  params: Params
): Promise<CmRelationsPage> =>
  (await client.get<CmRelationsPage>(`/content-manager/relations/${model}/${documentId}/${field}`, { params })).data;

export const getUploadFile = async (client: FetchClient, id: number): Promise<MediaFile> =>
  (await client.get<MediaFile>(`/upload/files/${id}`)).data;

export const getLocales = async (client: FetchClient): Promise<Locale[]> => (await client.get<Locale[]>('/i18n/locales')).data;
