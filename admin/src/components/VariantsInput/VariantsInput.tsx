import { forwardRef, useCallback, useMemo, useRef, useState } from 'react';

import { Box, Button, Field, Flex, Tooltip, Typography, VisuallyHidden } from '@strapi/design-system';
import { ChartPie, Plus } from '@strapi/icons';
import { unstable_useContentManagerContext, unstable_useDocument, useField, useForm, useQueryParams } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';

import { variantsValueSchema, type Variant } from '../../../../contracts/src/variants/schema';
import type { SchemaLike } from '../../../../contracts/src/schema-types';
import { audienceRules, useAudiences } from '../../hooks/useAudiences';
import { usePluginPermissions } from '../../hooks/usePluginPermissions';
import { newExperimentForEntry } from '../../experiments/paths';
import { getTranslation } from '../../utils/getTranslation';
import { checkVariants } from '../../utils/validateVariants';
import { ConfirmDialog } from '../ConfirmDialog';
import { TestPanel } from '../TestPanel/TestPanel';
import { VARIANT_DRAG_TYPE, VariantCard, type CardDrag } from './VariantCard';
import { VariantModal } from './VariantModal';
import { variantIdFrom } from './ids';
import { dropIndex, dropTargetAt, moveItem, type DropPosition } from './reorder';

interface VariantsInputProps {
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  disabled?: boolean;
  labelAction?: React.ReactNode;
}

type Editing = { index: number; variant: Variant; isNew: boolean } | null;

/** A card being dragged (`from`) and where it would land now. */
type Dragging = { from: number; over: number | null; position: DropPosition } | null;

/** React keys that follow a variant when the list is reordered (ids, numbered when repeated). */
const cardKeys = (variants: Variant[]) => {
  const seen = new Map<string, number>();
  return variants.map((variant) => {
    const n = seen.get(variant.id) ?? 0;
    seen.set(variant.id, n + 1);
    return n ? `${variant.id}#${n}` : variant.id;
  });
};

/**
 * Focuses what `find` returns once it is on the page: a card added or re-keyed by a save renders
 * after the dialog that saved it has closed.
 */
const focusWhenReady = (find: () => HTMLElement | null | undefined, attempts = 10) => {
  const element = find();
  if (element) element.focus();
  else if (attempts > 0) requestAnimationFrame(() => focusWhenReady(find, attempts - 1));
};

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
  const { canRead, canManageExperiments } = usePluginPermissions();
  const navigate = useNavigate();
  const { audiences } = useAudiences(canRead);
  const [editing, setEditing] = useState<Editing>(null);
  const [testing, setTesting] = useState(false);
  const [dragging, setDragging] = useState<Dragging>(null);
  const [announcement, setAnnouncement] = useState('');
  const [deleting, setDeleting] = useState<number | null>(null);
  const { formatMessage } = useIntl();
  /** What had focus when a dialog opened (an Edit button, Add), and the variant a save wrote, to focus after it closes. */
  const opener = useRef<HTMLElement | null>(null);
  const savedId = useRef<string | null>(null);
  const deleteConfirmed = useRef(false);
  const addButton = useRef<HTMLButtonElement>(null);

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

  const rememberOpener = () => {
    opener.current = globalThis.document.activeElement instanceof HTMLElement ? globalThis.document.activeElement : null;
    savedId.current = null;
  };

  const cardControl = (id: string, action: 'edit' | 'delete' | 'up' | 'down') =>
    listRef.current?.querySelector<HTMLElement>(`[data-testid="variant-card-${CSS.escape(id)}"] [data-action="${action}"]`);

  /** A closed variant dialog gives focus back: to the saved variant's card, or to what opened it. */
  const restoreFocus = (event: Event) => {
    event.preventDefault();
    const id = savedId.current;
    if (id) focusWhenReady(() => cardControl(id, 'edit'));
    else focusWhenReady(() => (opener.current?.isConnected ? opener.current : addButton.current));
  };

  const startNew = () => {
    rememberOpener();
    setEditing({
      index: variants.length,
      isNew: true,
      variant: { id: variantIdFrom('variant', variants.map((v) => v.id)), name: '', enabled: true, condition: null, overrides: {} },
    });
  };

  const askDelete = (index: number) => {
    deleteConfirmed.current = false;
    setDeleting(index);
  };

  /** Deleting is asked first; afterwards focus goes to the card now in its place, the one before, or Add. */
  const confirmDelete = () => {
    if (deleting === null) return;
    deleteConfirmed.current = true;
    const removed = variants[deleting];
    const next = variants.filter((_, i) => i !== deleting);
    const neighbour = next[deleting] ?? next[deleting - 1];
    commit(next);
    setDeleting(null);
    setAnnouncement(formatMessage({ id: getTranslation('variants.deleted'), defaultMessage: '“{name}” deleted' }, { name: removed.name }));
    setTimeout(() => focusWhenReady(() => (neighbour ? cardControl(neighbour.id, 'edit') : addButton.current)), 0);
  };

  const cancelDelete = () => {
    const index = deleting;
    setDeleting(null);
    if (deleteConfirmed.current || index === null) return;
    const id = variants[index]?.id;
    if (id) setTimeout(() => focusWhenReady(() => cardControl(id, 'delete')), 0);
  };

  /**
   * Moves a card to a new place in the order (arrows and drops), and says so to screen readers. The
   * arrow pressed keeps focus (React may re-insert the card, which drops it), or the other arrow
   * when the card reached the end and that one is disabled.
   */
  const moveTo = (from: number, to: number) => {
    if (to === from || to < 0 || to >= variants.length) return;
    const { id } = variants[from];
    const pressed = globalThis.document.activeElement?.getAttribute('data-action');
    commit(moveItem(variants, from, to));
    if (pressed === 'up' || pressed === 'down') {
      const atEdge = pressed === 'up' ? to === 0 : to === variants.length - 1;
      const target = atEdge ? (pressed === 'up' ? 'down' : 'up') : pressed;
      setTimeout(() => focusWhenReady(() => cardControl(id, target)), 0);
    }
    setAnnouncement(
      formatMessage(
        { id: getTranslation('variants.moved'), defaultMessage: '{name} moved to position {position} of {count}' },
        { name: variants[from].name, position: to + 1, count: variants.length }
      )
    );
  };

  const move = (index: number, offset: -1 | 1) => moveTo(index, index + offset);

  const listRef = useRef<HTMLOListElement>(null);

  /** Where a drop at this height would land, from the cards' boxes (gaps between cards included). */
  const targetAt = (clientY: number) => {
    const cards = Array.from(listRef.current?.children ?? []).filter((child) => child.tagName === 'LI');
    return dropTargetAt(clientY, cards.map((card) => card.getBoundingClientRect()));
  };

  const isVariantDrag = (event: React.DragEvent<HTMLElement>) =>
    dragging !== null && Array.from(event.dataTransfer.types).includes(VARIANT_DRAG_TYPE);

  const listDrag = {
    onDragOver: (event: React.DragEvent<HTMLOListElement>) => {
      if (!isVariantDrag(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'move';
      const target = targetAt(event.clientY);
      if (target && dragging && (dragging.over !== target.over || dragging.position !== target.position)) {
        setDragging({ ...dragging, ...target });
      }
    },
    onDrop: (event: React.DragEvent<HTMLOListElement>) => {
      if (!isVariantDrag(event) || !dragging) return;
      event.preventDefault();
      // Where the pointer is at the drop decides, not the last dragover (it can lag behind).
      const target = targetAt(event.clientY);
      if (target) moveTo(dragging.from, dropIndex(dragging.from, target.over, target.position));
      setDragging(null);
    },
  };

  const dragFor = (index: number): CardDrag => ({
    dragging: dragging?.from === index,
    dropAt:
      dragging && dragging.over === index && dropIndex(dragging.from, index, dragging.position) !== dragging.from
        ? dragging.position
        : null,
    onDragStart: () => setDragging({ from: index, over: null, position: 'before' }),
    onDragEnd: () => setDragging(null),
  });

  const duplicate = (index: number) => {
    const source = variants[index];
    const copyName = formatMessage(
      { id: getTranslation('variants.copyName'), defaultMessage: '{name} (copy)' },
      { name: source.name }
    ).slice(0, 120);
    const copy = { ...structuredClone(source), name: copyName, id: variantIdFrom(copyName, variants.map((v) => v.id)) };
    commit([...variants.slice(0, index + 1), copy, ...variants.slice(index + 1)]);
  };

  // A single type has no documentId in its URL: read it from the document itself (as the overrides do).
  const { document } = unstable_useDocument(
    { model: cm.model, collectionType: cm.collectionType, documentId: cm.id, params: query.plugins?.i18n?.locale ? { locale: query.plugins.i18n.locale } : {} },
    { skip: !cm.isSingleType || !canManageExperiments }
  );
  const savedDocumentId = cm.id && cm.id !== 'create' ? cm.id : (document as { documentId?: string } | undefined)?.documentId;
  const testVariants = () => {
    if (!savedDocumentId) return;
    const title = ['title', 'name', 'headline'].map((key) => currentValues[key]).find((value): value is string => typeof value === 'string' && value.trim() !== '');
    navigate(
      newExperimentForEntry({
        uid: cm.model,
        documentId: savedDocumentId,
        locale: query.plugins?.i18n?.locale ?? null,
        title: title ?? null,
        variants: variants.filter((variant) => variant.enabled).map((variant) => variant.id),
      })
    );
  };
  const testButton = (
    <Button variant="tertiary" startIcon={<ChartPie />} disabled={!savedDocumentId || variants.length === 0} onClick={testVariants}>
      {formatMessage({ id: getTranslation('variants.experiment'), defaultMessage: 'Test these variants' })}
    </Button>
  );

  const keys = cardKeys(variants);
  const fieldError = field.error ?? (check.general.length ? check.general.join('; ') : undefined);

  return (
    <>
      <Field.Root name={name} hint={hint} error={fieldError} required={required} ref={ref} data-testid="variants-field">
        <Flex direction="column" alignItems="stretch" gap={3}>
          <Field.Label action={labelAction}>{label}</Field.Label>
          <Typography variant="pi" textColor="neutral600">
            {formatMessage({
              id: getTranslation('variants.orderHint'),
              defaultMessage:
                'Order is priority: the first enabled variant whose condition matches the visitor is served. Otherwise the entry is served as is. Drag a card by its handle, or use its arrows, to change the order.',
            })}
          </Typography>
          {unreadable ? (
            <Typography textColor="danger600" role="alert">
              {formatMessage(
                {
                  id: getTranslation('variants.unreadable'),
                  defaultMessage: 'The stored value is not a valid variants list: {value}. Adding a variant replaces it.',
                },
                { value: JSON.stringify(field.value).slice(0, 200) }
              )}
            </Typography>
          ) : null}
          {variants.length ? (
            <Flex ref={listRef} tag="ol" direction="column" alignItems="stretch" gap={2} padding={0} margin={0} {...listDrag}>
              {variants.map((variant, index) => (
                <VariantCard
                  key={keys[index]}
                  drag={dragFor(index)}
                  variant={variant}
                  index={index}
                  count={variants.length}
                  issues={check.byVariant[index]}
                  audienceNames={audienceNames}
                  disabled={disabled}
                  onToggle={(enabled) => update(index, { ...variant, enabled })}
                  onMove={(offset) => move(index, offset)}
                  onEdit={() => {
                    rememberOpener();
                    setEditing({ index, variant, isNew: false });
                  }}
                  onDuplicate={() => duplicate(index)}
                  onDelete={() => askDelete(index)}
                />
              ))}
            </Flex>
          ) : (
            <Box background="neutral100" padding={4} hasRadius>
              <Typography textColor="neutral600">
                {formatMessage({ id: getTranslation('variants.empty'), defaultMessage: 'No variant yet: everyone gets this entry as it is.' })}
              </Typography>
            </Box>
          )}
          <Flex gap={2} wrap="wrap">
            <Button ref={addButton} variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={startNew}>
              {formatMessage({ id: getTranslation('variants.add'), defaultMessage: 'Add a variant' })}
            </Button>
            {canRead ? (
              <Button variant="tertiary" onClick={() => setTesting(!testing)} aria-expanded={testing}>
                {testing
                  ? formatMessage({ id: getTranslation('variants.test.hide'), defaultMessage: 'Hide the live test' })
                  : formatMessage({ id: getTranslation('variants.test.show'), defaultMessage: 'Test variants' })}
              </Button>
            ) : null}
            {canManageExperiments ? (
              savedDocumentId && variants.length > 0 ? (
                testButton
              ) : (
                <Tooltip
                  label={
                    savedDocumentId
                      ? formatMessage({ id: getTranslation('variants.experiment.noVariants'), defaultMessage: 'Add and save a variant first: an experiment compares variants.' })
                      : formatMessage({ id: getTranslation('variants.experiment.unsaved'), defaultMessage: 'Save the entry first: an experiment targets a saved entry.' })
                  }
                >
                  {/* A disabled button gets no pointer events: the tooltip hangs on its wrapper. */}
                  <span tabIndex={0}>{testButton}</span>
                </Tooltip>
              )
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
              audiences={library}
              audienceNames={audienceNames}
            />
          ) : null}
          <Field.Hint />
          <Field.Error />
          <VisuallyHidden aria-live="polite">{announcement}</VisuallyHidden>
        </Flex>
      </Field.Root>
      {/* Outside the field: the dialog's controls are named by their own labels, not by this field's. */}
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
          onCloseAutoFocus={restoreFocus}
          onSave={(variant) => {
            if (editing.isNew) commit([...variants, variant]);
            else update(editing.index, variant);
            savedId.current = variant.id;
            setAnnouncement(
              editing.isNew
                ? formatMessage({ id: getTranslation('variants.added'), defaultMessage: '“{name}” added at position {position}' }, { name: variant.name, position: variants.length + 1 })
                : formatMessage({ id: getTranslation('variants.updated'), defaultMessage: '“{name}” updated' }, { name: variant.name })
            );
            setEditing(null);
          }}
        />
      ) : null}
      <ConfirmDialog
        open={deleting !== null && variants[deleting] !== undefined}
        onCancel={cancelDelete}
        onConfirm={confirmDelete}
        title={formatMessage({ id: getTranslation('variants.delete.title'), defaultMessage: 'Delete this variant?' })}
        description={
          deleting !== null && variants[deleting]
            ? formatMessage(
                { id: getTranslation('variants.delete.body'), defaultMessage: '“{name}” will be removed from this entry. Until you save the entry, leaving without saving brings it back.' },
                { name: variants[deleting].name }
              )
            : ''
        }
        cancelLabel={formatMessage({ id: getTranslation('variants.delete.cancel'), defaultMessage: 'Cancel' })}
        confirmLabel={formatMessage({ id: getTranslation('variants.delete.confirm'), defaultMessage: 'Delete' })}
      />
    </>
  );
});

VariantsInput.displayName = 'VariantsInput';

export default VariantsInput;
