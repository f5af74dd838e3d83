import { Box, Field, TextInput } from '@strapi/design-system';

/**
 * A name and a key side by side, as an experiment's arms, factors and levels have them: the name is free text, the
 * key is required and can be locked (once the experiment has started, visitors are bucketed by it).
 */
export const NameAndKeyFields = ({
  id,
  name,
  keyValue,
  labels,
  errors,
  disabled,
  keyLocked,
  lockedHint,
  nameMinWidth,
  onChange,
}: {
  /** The fields' names are `${id}-name` and `${id}-key`. */
  id: string;
  name: string;
  keyValue: string;
  labels: { name: string; key: string };
  errors: { name?: string; key?: string };
  disabled: boolean;
  keyLocked: boolean;
  /** The key's hint while it is locked. */
  lockedHint: string;
  nameMinWidth: string;
  onChange: (change: { name: string } | { key: string }) => void;
}) => (
  <>
    <Box flex="2" minWidth={nameMinWidth}>
      <Field.Root name={`${id}-name`} error={errors.name}>
        <Field.Label>{labels.name}</Field.Label>
        <TextInput
          value={name}
          disabled={disabled}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange({ name: event.target.value })}
        />
        <Field.Error />
      </Field.Root>
    </Box>
    <Box flex="1" minWidth="12rem">
      <Field.Root name={`${id}-key`} required error={errors.key} hint={keyLocked ? lockedHint : undefined}>
        <Field.Label>{labels.key}</Field.Label>
        <TextInput
          value={keyValue}
          disabled={disabled || keyLocked}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange({ key: event.target.value })}
        />
        <Field.Hint />
        <Field.Error />
      </Field.Root>
    </Box>
  </>
);
