import { Box, Button, Flex, MultiSelect, MultiSelectOption, Typography } from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';

import { overridableFields } from '../../../../contracts/src/variants/override-schemas';
import type { SchemaLike } from '../../../../contracts/src/schema-types';
import { issuesAt, type VariantIssue } from '../../utils/validateVariants';
import { OverrideInput } from './OverrideInput';
import { toOverrideValue } from './currentValue';

interface OverridesEditorProps {
  schema: SchemaLike;
  overrides: Record<string, unknown>;
  onChange: (overrides: Record<string, unknown>) => void;
  /** The entry's values as the edit form holds them now. */
  currentValues: Record<string, unknown>;
  issues?: VariantIssue[];
  disabled?: boolean;
}

/** Pick the fields a variant overrides; each gets an input that fits its type, checked as you type. */
export const OverridesEditor = ({ schema, overrides, onChange, currentValues, issues, disabled }: OverridesEditorProps) => {
  const fields = overridableFields(schema);
  const picked = Object.keys(overrides);
  const attributeOf = (name: string) => schema.attributes[name];

  const pick = (names: string[]) => {
    const next: Record<string, unknown> = {};
    for (const name of names) {
      next[name] = name in overrides ? overrides[name] : toOverrideValue(attributeOf(name), currentValues[name]);
    }
    onChange(next);
  };

  const copyCurrent = () =>
    onChange(Object.fromEntries(picked.map((name) => [name, toOverrideValue(attributeOf(name), currentValues[name])])));

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex gap={2} alignItems="flex-end">
        <Box flex="1">
          <MultiSelect
            aria-label="Fields to override"
            placeholder="Fields to override"
            value={picked}
            withTags
            disabled={disabled}
            onChange={(names: string[]) => pick(names)}
          >
            {fields.map(({ name, attribute }) => (
              <MultiSelectOption key={name} value={name}>
                {`${name} (${attribute.type})`}
              </MultiSelectOption>
            ))}
          </MultiSelect>
        </Box>
        <Button variant="secondary" startIcon={<Duplicate />} disabled={disabled || picked.length === 0} onClick={copyCurrent}>
          Copy current values
        </Button>
      </Flex>
      {picked.length === 0 ? (
        <Typography variant="pi" textColor="neutral600">
          Pick the fields this variant changes. New fields start from the entry's current values.
        </Typography>
      ) : null}
      {picked.map((name) =>
        attributeOf(name) ? (
          <OverrideInput
            key={name}
            name={name}
            attribute={attributeOf(name)}
            value={overrides[name]}
            disabled={disabled}
            error={issuesAt(issues, 'overrides', name).join('; ') || undefined}
            onChange={(value) => onChange({ ...overrides, [name]: value })}
          />
        ) : (
          <Typography key={name} textColor="danger600">{`"${name}" is no longer a field of this content type`}</Typography>
        )
      )}
    </Flex>
  );
};
