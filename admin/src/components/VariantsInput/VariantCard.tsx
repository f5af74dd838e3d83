import { useRef } from 'react';

import { Badge, Box, Flex, IconButton, Switch, Typography } from '@strapi/design-system';
import { ArrowDown, ArrowUp, Drag, Duplicate, Pencil, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';

import type { Variant } from '../../../../contracts/src/variants/schema';
import { capsSummary } from '../../rules/caps';
import { describeCondition } from '../../rules/summary';
import { getTranslation } from '../../utils/getTranslation';
import type { VariantIssue } from '../../utils/validateVariants';
import type { DropPosition } from './reorder';

/** The MIME type a dragged variant card carries (its index), so other drops ignore it. */
export const VARIANT_DRAG_TYPE = 'application/x-personalize-variant';

/** Drag and drop of one card, wired by the list: native HTML5 drag events from the card's handle. */
export interface CardDrag {
  /** This card is the one being dragged. */
  dragging: boolean;
  /** Where the dragged card would land if dropped now, relative to this card. */
  dropAt: DropPosition | null;
  onDragStart: () => void;
  onDragEnd: () => void;
}

interface VariantCardProps {
  variant: Variant;
  index: number;
  count: number;
  issues?: VariantIssue[];
  audienceNames: Record<string, string>;
  disabled?: boolean;
  drag: CardDrag;
  onToggle: (enabled: boolean) => void;
  onMove: (offset: -1 | 1) => void;
  onEdit: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
}

/**
 * One variant in the field: priority, name, on/off, its condition in words, what it overrides.
 * It is reordered by dragging its handle, or with the arrow buttons (the keyboard's way).
 */
export const VariantCard = ({
  variant,
  index,
  count,
  issues,
  audienceNames,
  disabled,
  drag,
  onToggle,
  onMove,
  onEdit,
  onDuplicate,
  onDelete,
}: VariantCardProps) => {
  const { formatMessage } = useIntl();
  const cardRef = useRef<HTMLLIElement>(null);
  const overridden = Object.keys(variant.overrides);
  const t = (key: string, defaultMessage: string, values?: Record<string, string | number>) =>
    formatMessage({ id: getTranslation(`variants.card.${key}`), defaultMessage }, values);

  const startDrag = (event: React.DragEvent<HTMLElement>) => {
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData(VARIANT_DRAG_TYPE, String(index));
    event.dataTransfer.setData('text/plain', variant.id);
    if (cardRef.current) {
      // The whole card follows the pointer, held where it was grabbed.
      const card = cardRef.current.getBoundingClientRect();
      event.dataTransfer.setDragImage(cardRef.current, event.clientX - card.left, event.clientY - card.top);
    }
    drag.onDragStart();
  };

  return (
    <Box
      ref={cardRef}
      tag="li"
      position="relative"
      background="neutral0"
      hasRadius
      borderColor={issues?.length ? 'danger600' : 'neutral200'}
      padding={4}
      shadow={drag.dragging ? undefined : 'tableShadow'}
      style={{ opacity: drag.dragging ? 0.45 : 1, listStyle: 'none' }}
      data-testid={`variant-card-${variant.id}`}
      aria-label={t('label', 'Variant {name}', { name: variant.name })}
    >
      {drag.dropAt ? (
        <Box
          aria-hidden
          position="absolute"
          background="primary600"
          hasRadius
          left={0}
          right={0}
          height="0.3rem"
          style={drag.dropAt === 'before' ? { top: '-0.6rem' } : { bottom: '-0.6rem' }}
          data-testid="variant-drop-indicator"
        />
      ) : null}
      {/* Wraps at phone width: the actions go under the text rather than squeezing it to a word a line. */}
      <Flex gap={3} alignItems="flex-start" wrap="wrap">
        <Flex
          tag="span"
          draggable={!disabled}
          onDragStart={startDrag}
          onDragEnd={drag.onDragEnd}
          title={t('drag', 'Drag to reorder')}
          aria-hidden
          alignItems="center"
          justifyContent="center"
          height="2.4rem"
          width="2.4rem"
          hasRadius
          color="neutral500"
          style={{ cursor: disabled ? 'not-allowed' : 'grab', touchAction: 'none' }}
          data-testid="variant-drag-handle"
        >
          <Drag width="1.6rem" height="1.6rem" />
        </Flex>
        <Badge aria-label={t('priority', 'Priority {position}', { position: index + 1 })}>{index + 1}</Badge>
        <Flex direction="column" alignItems="stretch" gap={1} flex="1 1 20rem" style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
          <Flex gap={2} wrap="wrap">
            <Typography fontWeight="bold">{variant.name}</Typography>
            <Typography variant="pi" textColor="neutral600">
              {variant.id}
            </Typography>
          </Flex>
          <Typography variant="omega" textColor="neutral800" data-testid="variant-summary">
            {t('when', 'When {condition}', {
              condition: describeCondition(variant.condition ?? null, { audienceNames, formatMessage }),
            })}
          </Typography>
          <Typography variant="pi" textColor="neutral600">
            {overridden.length
              ? t('overrides', 'Overrides: {fields}', { fields: overridden.join(', ') })
              : t('overridesNothing', 'Overrides nothing yet')}
          </Typography>
          {variant.caps?.length ? (
            <Typography variant="pi" textColor="neutral600" data-testid="variant-caps">
              {t('caps', 'Caps: {caps}', { caps: capsSummary(variant.caps, formatMessage) })}
            </Typography>
          ) : null}
          {issues?.map((issue) => (
            <Typography key={`${issue.path.join('.')}:${issue.message}`} variant="pi" textColor="danger600" role="alert">
              {t('issue', '{path}: {message}', { path: issue.path.join('.') || t('issueVariant', 'variant'), message: issue.message })}
            </Typography>
          ))}
        </Flex>
        <Flex gap={1} wrap="wrap" marginLeft="auto">
          <Switch
            aria-label={t('enabled', 'Enabled: {name}', { name: variant.name })}
            checked={variant.enabled}
            disabled={disabled}
            onCheckedChange={(checked: boolean) => onToggle(checked)}
            onLabel={t('on', 'On')}
            offLabel={t('off', 'Off')}
            visibleLabels
          />
          <IconButton label={t('moveUp', 'Move up (higher priority)')} variant="ghost" disabled={disabled || index === 0} onClick={() => onMove(-1)} data-action="up">
            <ArrowUp />
          </IconButton>
          <IconButton label={t('moveDown', 'Move down')} variant="ghost" disabled={disabled || index === count - 1} onClick={() => onMove(1)} data-action="down">
            <ArrowDown />
          </IconButton>
          <IconButton label={t('edit', 'Edit {name}', { name: variant.name })} variant="ghost" disabled={disabled} onClick={onEdit} data-action="edit">
            <Pencil />
          </IconButton>
          <IconButton label={t('duplicate', 'Duplicate {name}', { name: variant.name })} variant="ghost" disabled={disabled} onClick={onDuplicate}>
            <Duplicate />
          </IconButton>
          <IconButton label={t('delete', 'Delete {name}', { name: variant.name })} variant="ghost" disabled={disabled} onClick={onDelete} data-action="delete">
            <Trash />
          </IconButton>
        </Flex>
      </Flex>
    </Box>
  );
};
