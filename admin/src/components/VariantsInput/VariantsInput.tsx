import { forwardRef, useCallback, useMemo, useState } from 'react';

import { Box, Button, Field, Flex, Typography } from '@strapi/design-system';
import { Plus } from '@strapi/icons';
import { unstable_useContentManagerContext, useField, useForm, useQueryParams } from '@strapi/strapi/admin';

import { variantsValueSchema, type Variant } from '../../../../contracts/src/variants/schema';
import type { SchemaLike } from '../../../../contracts/src/schema-types';
import { audienceRules, useAudiences } from '../../hooks/useAudiences';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { checkVariants } from '../../utils/validateVariants';
import { TestPanel } from '../TestPanel/TestPanel';
import { VariantCard } from './VariantCard';
import { VariantModal } from './VariantModal';
import { variantIdFrom } from './ids';

interface VariantsInputProps {
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  disabled?: boolean;
  labelAction?: React.ReactNode;
}

type Editing = { index: number; variant: Variant; isNew: boolean } | null;

const readVariants = (value: unknown): { variants: Variant[]; unreadable: boolean } => {
  if (value === null || value === undefined || value === '') return { variants: [], unreadable: false };
  const parsed = variantsValueSchema.safeParse(typeof value === 'string' ? safeParse(value) : value);
  return parsed.success ? { variants: parsed.data.variants, unreadable: false } : { variants: [], unreadable: true };
};

const safeParse = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * The variants field in the Content Manager: cards in priority order, each with its condition in
 * words, an on/off switch and edit / duplicate / delete; an editor with the rule builder and typed
 * overrides; and the live test panel. Problems are checked as the server will, before saving.
 */
export const VariantsInput = forwardRef<HTMLDivElement, VariantsInputProps>(({ name, label, hint, required, disabled, labelAction }, ref) => {
  const field = useField<unknown>(name);
  const cm = unstable_useContentManagerContext();
  const currentValues = useForm('VariantsInput', (state) => state.values) as Record<string, unknown>;
  const [{ query }] = useQueryParams<{ plugins?: { i18n?: { locale?: string } } }>();
  const { canRead } = usePluginPermissions();
  const { audiences } = useAudiences(canRead);
  const [editing, setEditing] = useState<Editing>(null);
  const [testing, setTesting] = useState(false);

  const schema = (cm.contentType as unknown as SchemaLike | undefined) ?? null;
  const getComponent = useCallback(
    (uid: string) => (cm.components as unknown as Record<string, SchemaLike | undefined>)[uid],
    [cm.components]
  );
  const library = useMemo(() => audienceRules(audiences), [audiences]);
  const audienceNames = useMemo(() => Object.fromEntries((audiences ?? []).map((audience) => [audience.key, audience.name])), [audiences]);

  const { variants, unreadable } = readVariants(field.value);
  const check = useMemo(
    () => checkVariants(variants, { schema, fieldName: name, getComponent, audiences: library }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [JSON.stringify(variants), schema, name, getComponent, library]
  );

  const commit = (next: Variant[]) => field.onChange(name, next.length ? { variants: next } : null);
  const update = (index: number, variant: Variant) => commit(variants.map((item, i) => (i === index ? variant : item)));

  const checkDraft = (index: number) => (draft: Variant) => {
    const next = index >= variants.length ? [...variants, draft] : variants.map((item, i) => (i === index ? draft : item));
    return checkVariants(next, { schema, fieldName: name, getComponent, audiences: library }).byVariant[index] ?? [];
  };

  const startNew = () =>
    setEditing({
      index: variants.length,
      isNew: true,
      variant: { id: variantIdFrom('variant', variants.map((v) => v.id)), name: '', enabled: true, condition: null, overrides: {} },
    });

  const move = (index: number, offset: -1 | 1) => {
    const next = variants.slice();
    const [moved] = next.splice(index, 1);
    next.splice(index + offset, 0, moved);
    commit(next);
  };

  const duplicate = (index: number) => {
    const source = variants[index];
    const copyName = `${source.name} (copy)`.slice(0, 120);
    const copy = { ...structuredClone(source), name: copyName, id: variantIdFrom(copyName, variants.map((v) => v.id)) };
    commit([...variants.slice(0, index + 1), copy, ...variants.slice(index + 1)]);
  };

  const fieldError = field.error ?? (check.general.length ? check.general.join('; ') : undefined);

  return (
    <Field.Root name={name} hint={hint} error={fieldError} required={required} ref={ref}>
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Field.Label action={labelAction}>{label}</Field.Label>
        <Typography variant="pi" textColor="neutral600">
          Order is priority: the first enabled variant whose condition matches the visitor is served. Otherwise the entry
          is served as is.
        </Typography>
        {unreadable ? (
          <Typography textColor="danger600" role="alert">
            {`The stored value is not a valid variants list: ${JSON.stringify(field.value).slice(0, 200)}. Adding a variant replaces it.`}
          </Typography>
        ) : null}
        {variants.length ? (
          <Flex tag="ol" direction="column" alignItems="stretch" gap={2}>
            {variants.map((variant, index) => (
              <VariantCard
                key={`${variant.id}-${index}`}
                variant={variant}
                index={index}
                count={variants.length}
                issues={check.byVariant[index]}
                audienceNames={audienceNames}
                disabled={disabled}
                onToggle={(enabled) => update(index, { ...variant, enabled })}
                onMove={(offset) => move(index, offset)}
                onEdit={() => setEditing({ index, variant, isNew: false })}
                onDuplicate={() => duplicate(index)}
                onDelete={() => commit(variants.filter((_, i) => i !== index))}
              />
            ))}
          </Flex>
        ) : (
          <Box background="neutral100" padding={4} hasRadius>
            <Typography textColor="neutral600">No variant yet: everyone gets this entry as it is.</Typography>
          </Box>
        )}
        <Flex gap={2}>
          <Button variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={startNew}>
            Add a variant
          </Button>
          {canRead ? (
            <Button variant="tertiary" onClick={() => setTesting(!testing)} aria-expanded={testing}>
              {testing ? 'Hide the live test' : 'Test variants'}
            </Button>
          ) : null}
        </Flex>
        {testing && canRead ? (
          <TestPanel
            request={{
              uid: cm.model,
              documentId: cm.id && cm.id !== 'create' ? cm.id : undefined,
              locale: query.plugins?.i18n?.locale,
              variants,
            }}
          />
        ) : null}
        <Field.Hint />
        <Field.Error />
      </Flex>
      {editing ? (
        <VariantModal
          initial={editing.variant}
          isNew={editing.isNew}
          takenIds={variants.filter((_, i) => i !== editing.index).map((v) => v.id)}
          schema={schema}
          audiences={audiences}
          currentValues={currentValues}
          check={checkDraft(editing.index)}
          onClose={() => setEditing(null)}
          onSave={(variant) => {
            if (editing.isNew) commit([...variants, variant]);
            else update(editing.index, variant);
            setEditing(null);
          }}
        />
      ) : null}
    </Field.Root>
  );
});

VariantsInput.displayName = 'VariantsInput';

export default VariantsInput;
