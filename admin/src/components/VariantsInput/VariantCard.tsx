import { Badge, Box, Flex, IconButton, Switch, Typography } from '@strapi/design-system';
import { ArrowDown, ArrowUp, Duplicate, Pencil, Trash } from '@strapi/icons';

import type { Variant } from '../../../../contracts/src/variants/schema';
import { describeCondition } from '../../rules/summary';
import type { VariantIssue } from '../../utils/validateVariants';

interface VariantCardProps {
  variant: Variant;
  index: number;
  count: number;
  issues?: VariantIssue[];
  audienceNames: Record<string, string>;
  disabled?: boolean;
  onToggle: (enabled: boolean) => void;
  onMove: (offset: -1 | 1) => void;
  onEdit: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
}

/** One variant in the field: priority, name, on/off, its condition in words, what it overrides. */
export const VariantCard = ({ variant, index, count, issues, audienceNames, disabled, onToggle, onMove, onEdit, onDuplicate, onDelete }: VariantCardProps) => {
  const overridden = Object.keys(variant.overrides);
  return (
    <Box
      tag="li"
      background="neutral0"
      hasRadius
      borderColor={issues?.length ? 'danger600' : 'neutral200'}
      padding={4}
      data-testid={`variant-card-${variant.id}`}
      aria-label={`Variant ${variant.name}`}
    >
      <Flex gap={3} alignItems="flex-start">
        <Badge aria-label={`Priority ${index + 1}`}>{index + 1}</Badge>
        <Flex direction="column" alignItems="stretch" gap={1} flex="1">
          <Flex gap={2} wrap="wrap">
            <Typography fontWeight="bold">{variant.name}</Typography>
            <Typography variant="pi" textColor="neutral600">
              {variant.id}
            </Typography>
          </Flex>
          <Typography variant="omega" textColor="neutral800" data-testid="variant-summary">
            {`When ${describeCondition(variant.condition ?? null, { audienceNames })}`}
          </Typography>
          <Typography variant="pi" textColor="neutral600">
            {overridden.length ? `Overrides: ${overridden.join(', ')}` : 'Overrides nothing yet'}
          </Typography>
          {issues?.map((issue) => (
            <Typography key={`${issue.path.join('.')}:${issue.message}`} variant="pi" textColor="danger600" role="alert">
              {`${issue.path.join('.') || 'variant'}: ${issue.message}`}
            </Typography>
          ))}
        </Flex>
        <Flex gap={1}>
          <Switch
            aria-label={`Enabled: ${variant.name}`}
            checked={variant.enabled}
            disabled={disabled}
            onCheckedChange={(checked: boolean) => onToggle(checked)}
            onLabel="On"
            offLabel="Off"
            visibleLabels
          />
          <IconButton label="Move up (higher priority)" variant="ghost" disabled={disabled || index === 0} onClick={() => onMove(-1)}>
            <ArrowUp />
          </IconButton>
          <IconButton label="Move down" variant="ghost" disabled={disabled || index === count - 1} onClick={() => onMove(1)}>
            <ArrowDown />
          </IconButton>
          <IconButton label={`Edit ${variant.name}`} variant="ghost" disabled={disabled} onClick={onEdit}>
            <Pencil />
          </IconButton>
          <IconButton label={`Duplicate ${variant.name}`} variant="ghost" disabled={disabled} onClick={onDuplicate}>
            <Duplicate />
          </IconButton>
          <IconButton label={`Delete ${variant.name}`} variant="ghost" disabled={disabled} onClick={onDelete}>
            <Trash />
          </IconButton>
        </Flex>
      </Flex>
    </Box>
  );
};
