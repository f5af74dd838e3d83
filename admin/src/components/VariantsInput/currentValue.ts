import type { AttributeLike } from '../../../../contracts/src/schema-types';
import { isRelationToMany } from '../../../../contracts/src/schema-types';

const UI_KEYS = new Set(['__temp_key__', 'id']);

/** A component value without the editor's own keys (`__temp_key__`, row ids). */
const cleanComponent = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(cleanComponent);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([key]) => !UI_KEYS.has(key))
      .map(([key, item]) => [key, cleanComponent(item)])
  );
};

/** A related entry as the content manager's relations endpoint returns it (or as a form item holds it). */
export interface RelationRef {
  id?: number;
  documentId: string;
}

/** A relation override value: what the variants schema accepts and delivery fetches by. */
export interface RelationOverride {
  documentId: string;
}

type Position = { start?: boolean; end?: boolean; before?: string; after?: string };

interface FormRelationItem {
  id?: number;
  documentId?: string;
  apiData?: { id?: number; documentId?: string; position?: Position };
  position?: Position;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

const refOf = (item: unknown): RelationRef | null => {
  if (typeof item === 'string') return item ? { documentId: item } : null;
  if (!isObject(item)) return null;
  const { id, documentId, apiData } = item as FormRelationItem;
  const ref = {
    id: typeof id === 'number' ? id : typeof apiData?.id === 'number' ? apiData.id : undefined,
    documentId: typeof documentId === 'string' && documentId ? documentId : (apiData?.documentId ?? ''),
  };
  return ref.documentId ? ref : null;
};

const sameRelation = (a: RelationRef, b: RelationRef) =>
  a.id !== undefined && b.id !== undefined ? a.id === b.id : a.documentId === b.documentId;

/** The edit form's value of a relation: `{ connect, disconnect }`, pending changes to what is saved. */
export const isRelationChanges = (value: unknown): value is { connect?: unknown[]; disconnect?: unknown[] } =>
  isObject(value) && !Array.isArray(value) && (Array.isArray(value.connect) || Array.isArray(value.disconnect));

/**
 * The related entries the edit form shows now, in order: what is saved (`persisted`, in display
 * order) without what the form disconnects, with what it connects placed as the server will place
 * it on save (`position`: start, end, before/after a documentId; appended when it has none).
 */
export const mergeRelationChanges = (persisted: readonly RelationRef[], formValue: unknown): RelationRef[] => {
  if (Array.isArray(formValue)) return formValue.map(refOf).filter((ref): ref is RelationRef => ref !== null);
  if (!isRelationChanges(formValue)) {
    const single = refOf(formValue);
    return single ? [single] : [...persisted];
  }
  const disconnect = (formValue.disconnect ?? []).map(refOf).filter((ref): ref is RelationRef => ref !== null);
  let list = persisted.filter((ref) => !disconnect.some((gone) => sameRelation(gone, ref)));
  for (const item of formValue.connect ?? []) {
    const ref = refOf(item);
    if (!ref) continue;
    list = list.filter((existing) => !sameRelation(existing, ref));
    const position = (item as FormRelationItem).apiData?.position ?? (item as FormRelationItem).position;
    const anchor = position?.before ?? position?.after;
    const at = anchor ? list.findIndex((existing) => existing.documentId === anchor) : -1;
    if (position?.start) list.unshift(ref);
    else if (at >= 0) list.splice(position?.before ? at : at + 1, 0, ref);
    else list.push(ref);
  }
  return list;
};

/** Media ids from a form value (file objects, ids, or a list of either). */
export const mediaIds = (value: unknown): number[] =>
  (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value])
    .map((file) => (isObject(file) ? file.id : file))
    .filter((id): id is number => typeof id === 'number' && Number.isInteger(id) && id > 0);

/** A component's schema by uid, to copy the fields inside components by their type. */
export type ComponentAttributes = (uid: string) => { attributes: Record<string, AttributeLike> } | undefined;

/** One component row, each field copied by its type (relations and media inside components too). */
const componentRow = (row: unknown, attributes: Record<string, AttributeLike> | undefined, getComponent: ComponentAttributes): unknown => {
  if (!attributes || !isObject(row)) return cleanComponent(row);
  return Object.fromEntries(
    Object.entries(row)
      .filter(([key]) => !UI_KEYS.has(key))
      .map(([key, value]) => {
        const attribute = attributes[key];
        if (key === '__component' || !attribute) return [key, cleanComponent(value)];
        return [key, toOverrideValue(attribute, value, undefined, getComponent)];
      })
  );
};

/**
 * An entry's current form value as an override value ("copy current values"). Media become file
 * ids; relations become `{ documentId }` values: the edit form only holds pending connect /
 * disconnect changes, so the saved relations (`persistedRelations`, fetched from the content
 * manager) are merged with them. Without them, a relation copies only what the form connects (as
 * for relations inside components). With `getComponent`, component fields are copied by type.
 */
export const toOverrideValue = (
  attribute: AttributeLike,
  formValue: unknown,
  persistedRelations?: readonly RelationRef[],
  getComponent?: ComponentAttributes
): unknown => {
  switch (attribute.type) {
    case 'relation': {
      const refs = mergeRelationChanges(persistedRelations ?? [], formValue);
      const values: RelationOverride[] = refs.map(({ documentId }) => ({ documentId }));
      return isRelationToMany(attribute) ? values : (values[values.length - 1] ?? null);
    }
    case 'media': {
      const ids = mediaIds(formValue);
      return attribute.multiple ? ids : (ids[0] ?? null);
    }
    case 'component': {
      const empty = attribute.repeatable ? [] : null;
      if (formValue === undefined || formValue === null) return empty;
      if (!getComponent) return cleanComponent(formValue);
      const attributes = getComponent(attribute.component ?? '')?.attributes;
      return Array.isArray(formValue)
        ? formValue.map((row) => componentRow(row, attributes, getComponent))
        : componentRow(formValue, attributes, getComponent);
    }
    case 'dynamiczone': {
      if (!Array.isArray(formValue)) return [];
      if (!getComponent) return cleanComponent(formValue);
      return formValue.map((row) =>
        componentRow(row, isObject(row) ? getComponent(String(row.__component))?.attributes : undefined, getComponent)
      );
    }
    default:
      return formValue === undefined ? null : formValue;
  }
};
