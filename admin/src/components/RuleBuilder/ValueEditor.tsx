import { useEffect, useState } from 'react';

import { Flex, NumberInput, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { ValueEditorProps } from 'react-querybuilder';

import { entryFor, type FieldEntry } from '../../rules/fields';
import { signalUnit } from '../../rules/signalLabels';
import { getTranslation } from '../../utils/getTranslation';
import { JsonEditor } from '../JsonEditor';
import type { BuilderContext } from './context';
import { positional } from './controls';

const listText = (value: unknown) => (Array.isArray(value) ? value.join(', ') : '');

const parseList = (text: string, numeric: boolean): unknown[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => (numeric && item !== '' && !Number.isNaN(Number(item)) ? Number(item) : item));

/** A list typed as "a, b, c", kept as text while typing and handed over as an array. */
const ListInput = ({ value, onChange, numeric, label, disabled }: { value: unknown; onChange: (value: unknown[]) => void; numeric: boolean; label: string; disabled?: boolean }) => {
  const [text, setText] = useState(listText(value));
  useEffect(() => {
    if (JSON.stringify(parseList(text, numeric)) !== JSON.stringify(value)) setText(listText(value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <TextInput
      aria-label={label}
      size="S"
      placeholder="a, b, c"
      value={text}
      disabled={disabled}
      onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
        setText(event.target.value);
        onChange(parseList(event.target.value, numeric));
      }}
    />
  );
};

/** Raw JSON-logic for what the builder has no control for; handed over only when it parses. */
const JsonValue = ({ value, onChange, label, disabled }: { value: unknown; onChange: (value: unknown) => void; label: string; disabled?: boolean }) => {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [error, setError] = useState<string | null>(null);
  return (
    <Flex direction="column" alignItems="stretch" gap={1} width="100%">
      <JsonEditor
        label={label}
        hasError={error !== null}
        value={text}
        minHeight="6rem"
        disabled={disabled}
        onChange={(next: string) => {
          setText(next);
          try {
            onChange(JSON.parse(next));
            setError(null);
          } catch (reason) {
            setError((reason as Error).message);
          }
        }}
      />
      {error ? (
        <Typography variant="pi" textColor="danger600">
          {error}
        </Typography>
      ) : null}
    </Flex>
  );
};

const NumberValue = ({ entry, value, onChange, label, disabled }: { entry?: FieldEntry; value: unknown; onChange: (value: number | undefined) => void; label: string; disabled?: boolean }) => (
  <Flex gap={1}>
    <NumberInput
      aria-label={label}
      size="S"
      value={typeof value === 'number' ? value : undefined}
      disabled={disabled}
      onValueChange={onChange}
    />
    {entry && signalUnit(entry.name) ? <Typography variant="pi">{signalUnit(entry.name).trim()}</Typography> : null}
  </Flex>
);

/** Value inputs that fit the signal: allowed values as a select, numbers, lists, audiences, arms. */
export const ValueEditor = ({ rule, operator, value, handleOnChange, context, disabled, path }: ValueEditorProps) => {
  const { formatMessage } = useIntl();
  const named = (descriptor: { id: string; defaultMessage: string }) => positional(formatMessage, path, formatMessage(descriptor));
  const { entries, audiences } = context as BuilderContext;
  const entry = entryFor(entries, rule.field);
  if (operator === 'isSet' || operator === 'isNotSet') return null;

  switch (entry?.kind) {
    case 'json':
      return <JsonValue key={rule.id} label={named({ id: getTranslation('rules.value.json'), defaultMessage: 'JSON-logic' })} value={value} onChange={handleOnChange} disabled={disabled} />;
    case 'audience':
      return audiences ? (
        <SingleSelect
          aria-label={named({ id: getTranslation('rules.value.audience'), defaultMessage: 'Audience' })}
          size="S"
          placeholder={formatMessage({ id: getTranslation('rules.value.audience.placeholder'), defaultMessage: 'Pick an audience' })}
          value={typeof value === 'string' ? value : undefined}
          disabled={disabled}
          onChange={(next: string | number) => handleOnChange(String(next))}
        >
          {audiences.map((audience) => (
            <SingleSelectOption key={audience.key} value={audience.key}>
              {`${audience.name} (${audience.key})`}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      ) : (
        <TextInput
          aria-label={named({ id: getTranslation('rules.value.audienceKey'), defaultMessage: 'Audience key' })}
          size="S"
          value={typeof value === 'string' ? value : ''}
          disabled={disabled}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => handleOnChange(event.target.value)}
        />
      );
    case 'experiment': {
      const [key, arm] = Array.isArray(value) ? (value as string[]) : ['', ''];
      return (
        <Flex gap={2}>
          <TextInput
            aria-label={named({ id: getTranslation('rules.value.experimentKey'), defaultMessage: 'Experiment key' })}
            size="S"
            placeholder={formatMessage({ id: getTranslation('rules.field.key.experiment'), defaultMessage: 'experiment key' })}
            value={key ?? ''}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => handleOnChange([event.target.value, arm ?? ''])}
          />
          <TextInput
            aria-label={named({ id: getTranslation('rules.value.arm'), defaultMessage: 'Arm' })}
            size="S"
            placeholder={formatMessage({ id: getTranslation('rules.value.arm.placeholder'), defaultMessage: 'arm' })}
            value={arm ?? ''}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => handleOnChange([key ?? '', event.target.value])}
          />
        </Flex>
      );
    }
    default:
      break;
  }

  const numeric = entry?.kind === 'number';
  if (operator === 'in' || operator === 'notIn') {
    return <ListInput value={value} numeric={numeric} label={named({ id: getTranslation('rules.value.list'), defaultMessage: 'Values' })} disabled={disabled} onChange={handleOnChange} />;
  }
  if (operator === 'between') {
    const [low, high] = Array.isArray(value) ? value : [undefined, undefined];
    return (
      <Flex gap={2}>
        <NumberValue label={named({ id: getTranslation('rules.value.from'), defaultMessage: 'From' })} value={low} disabled={disabled} onChange={(next) => handleOnChange([next, high])} />
        <Typography variant="pi">{formatMessage({ id: getTranslation('rules.value.and'), defaultMessage: 'and' })}</Typography>
        <NumberValue entry={entry} label={named({ id: getTranslation('rules.value.to'), defaultMessage: 'To' })} value={high} disabled={disabled} onChange={(next) => handleOnChange([low, next])} />
      </Flex>
    );
  }
  if (entry?.kind === 'enum') {
    return (
      <SingleSelect
        aria-label={named({ id: getTranslation('rules.value'), defaultMessage: 'Value' })}
        size="S"
        value={typeof value === 'string' ? value : undefined}
        disabled={disabled}
        onChange={(next: string | number) => handleOnChange(String(next))}
      >
        {(entry.values ?? []).map((option) => (
          <SingleSelectOption key={option} value={option}>
            {option}
          </SingleSelectOption>
        ))}
      </SingleSelect>
    );
  }
  if (entry?.kind === 'boolean') {
    return (
      <SingleSelect
        aria-label={named({ id: getTranslation('rules.value'), defaultMessage: 'Value' })}
        size="S"
        value={value === false ? 'false' : 'true'}
        disabled={disabled}
        onChange={(next: string | number) => handleOnChange(next === 'true')}
      >
        <SingleSelectOption value="true">{formatMessage({ id: getTranslation('common.true'), defaultMessage: 'true' })}</SingleSelectOption>
        <SingleSelectOption value="false">{formatMessage({ id: getTranslation('common.false'), defaultMessage: 'false' })}</SingleSelectOption>
      </SingleSelect>
    );
  }
  if (numeric) return <NumberValue entry={entry} label={named({ id: getTranslation('rules.value'), defaultMessage: 'Value' })} value={value} disabled={disabled} onChange={handleOnChange} />;
  return (
    <TextInput
      aria-label={named({ id: getTranslation('rules.value'), defaultMessage: 'Value' })}
      size="S"
      value={typeof value === 'string' || typeof value === 'number' ? String(value) : ''}
      disabled={disabled}
      onChange={(event: React.ChangeEvent<HTMLInputElement>) => handleOnChange(event.target.value)}
    />
  );
};
