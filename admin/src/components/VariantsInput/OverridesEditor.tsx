import { useRef } from 'react';

import { Box, Button, Flex, Typography } from '@strapi/design-system';
import { Duplicate } from '@strapi/icons';
import { useIntl } from 'react-intl';

import { overridableFields } from '../../../../contracts/src/variants/override-schemas';
import type { SchemaLike } from '../../../../contracts/src/schema-types';
import { getTranslation } from '../../utils/getTranslation';
import { NamedMultiSelect } from '../NamedMultiSelect';
import { issuesAt, type VariantIssue } from '../../utils/validateVariants';
import { OverrideInput } from './OverrideInput';
import { useCurrentOverrideValues } from './useCurrentValues';

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
  const { formatMessage } = useIntl();
  const fields = overridableFields(schema);
  const picked = Object.keys(overrides);
  const attributeOf = (name: string) => schema.attributes[name];

  const currentOverrideValues = useCurrentOverrideValues(schema, currentValues);
  const latest = useRef({ overrides, onChange });
  latest.current = { overrides, onChange };

  /** Sets fields to the entry's current values; relations are completed once their saved entries are read. */
  const fillFromCurrent = (names: string[], base: Record<string, unknown>) => {
    const { values, complete } = currentOverrideValues(names);
    onChange({ ...base, ...values });
    void complete?.then((relations) => {
      const now = latest.current.overrides;
      // Only fields still picked and not edited since.
      const patch = Object.fromEntries(
        Object.entries(relations).filter(([name]) => name in now && JSON.stringify(now[name]) === JSON.stringify(values[name]))
      );
      if (Object.keys(patch).length) latest.current.onChange({ ...now, ...patch });
    });
  };

  const pick = (names: string[]) =>
    fillFromCurrent(
      names.filter((name) => !(name in overrides)),
      Object.fromEntries(names.filter((name) => name in overrides).map((name) => [name, overrides[name]]))
    );

  const copyCurrent = () => fillFromCurrent(picked, {});

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex gap={2} alignItems="flex-start" wrap="wrap">
        <Box flex="1 1 24rem" minWidth={0}>
          <NamedMultiSelect
            label={formatMessage({ id: getTranslation('overrides.fields'), defaultMessage: 'Fields to override' })}
            value={picked}
            disabled={disabled}
            onChange={(names) => pick(names)}
            options={fields.map(({ name, attribute }) => ({ value: name, label: `${name} (${attribute.type})` }))}
            testId="overrides-picked"
          />
        </Box>
        <Button variant="secondary" startIcon={<Duplicate />} disabled={disabled || picked.length === 0} onClick={copyCurrent}>
          {formatMessage({ id: getTranslation('overrides.copy'), defaultMessage: 'Copy current values' })}
        </Button>
      </Flex>
      {picked.length === 0 ? (
        <Typography variant="pi" textColor="neutral600">
          {formatMessage({
            id: getTranslation('overrides.empty'),
            defaultMessage: "Pick the fields this variant changes. New fields start from the entry's current values.",
          })}
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
          <Typography key={name} textColor="danger600">
            {formatMessage(
              { id: getTranslation('overrides.missingField'), defaultMessage: '"{name}" is no longer a field of this content type' },
              { name }
            )}
          </Typography>
        )
      )}
    </Flex>
  );
};
