import type { AttributeLike } from '../../../../contracts/src/schema-types';

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

/**
 * An entry's current form value as an override value ("copy current values"). Relations are not
 * copied: the edit form holds pending connect/disconnect changes, not the related documentIds.
 */
export const toOverrideValue = (attribute: AttributeLike, formValue: unknown): unknown => {
  switch (attribute.type) {
    case 'relation':
      return attribute.relation && /ToMany$/i.test(attribute.relation) ? [] : null;
    case 'media': {
      const ids = (Array.isArray(formValue) ? formValue : formValue ? [formValue] : [])
        .map((file) => (typeof file === 'object' && file !== null ? (file as { id?: unknown }).id : file))
        .filter((id): id is number => typeof id === 'number');
      return attribute.multiple ? ids : (ids[0] ?? null);
    }
    case 'component':
    case 'dynamiczone':
      return cleanComponent(formValue ?? (attribute.repeatable || attribute.type === 'dynamiczone' ? [] : null));
    default:
      return formValue === undefined ? null : formValue;
  }
};
