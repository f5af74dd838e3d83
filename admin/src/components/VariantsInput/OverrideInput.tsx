import { useEffect, useState } from 'react';

import {
  Field,
  JSONInput,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Textarea,
  Toggle,
  Typography,
} from '@strapi/design-system';

import type { AttributeLike } from '../../../../contracts/src/schema-types';
import { isRelationToMany } from '../../../../contracts/src/schema-types';

interface OverrideInputProps {
  name: string;
  attribute: AttributeLike;
  value: unknown;
  onChange: (value: unknown) => void;
  error?: string;
  disabled?: boolean;
}

const JSON_TYPES = new Set(['json', 'component', 'dynamiczone', 'blocks']);

const hintFor = (attribute: AttributeLike): string | undefined => {
  switch (attribute.type) {
    case 'media':
      return attribute.multiple ? 'Media library file ids, separated by commas' : 'Media library file id';
    case 'relation':
      return isRelationToMany(attribute) ? 'documentIds of the related entries, separated by commas' : 'documentId of the related entry';
    case 'component':
      return `JSON of the ${attribute.component} component${attribute.repeatable ? 's (an array)' : ''}`;
    case 'dynamiczone':
      return 'JSON array of components, each with its "__component"';
    case 'blocks':
      return 'JSON of the blocks editor (an array of blocks)';
    case 'datetime':
      return 'Date and time, saved in ISO 8601 (UTC)';
    default:
      return undefined;
  }
};

/** JSON typed as text: handed over when it parses, so the schema check can point at what is wrong. */
const JsonOverride = ({ value, onChange, disabled, label }: { value: unknown; onChange: (value: unknown) => void; disabled?: boolean; label: string }) => {
  const [text, setText] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    try {
      if (JSON.stringify(JSON.parse(text)) === JSON.stringify(value)) return;
    } catch {
      // the text being typed is not JSON yet: keep it
      return;
    }
    setText(value === undefined ? '' : JSON.stringify(value, null, 2));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <>
      <JSONInput
        aria-label={label}
        value={text}
        minHeight="8rem"
        disabled={disabled}
        onChange={(next: string) => {
          setText(next);
          try {
            onChange(JSON.parse(next));
            setParseError(null);
          } catch (error) {
            setParseError(`Not valid JSON: ${(error as Error).message}`);
          }
        }}
      />
      {parseError ? (
        <Typography variant="pi" textColor="danger600">
          {parseError}
        </Typography>
      ) : null}
    </>
  );
};

const idList = (value: unknown): string =>
  (Array.isArray(value) ? value : value === null || value === undefined ? [] : [value])
    .map((item) => (typeof item === 'object' && item !== null ? ((item as { id?: unknown; documentId?: unknown }).documentId ?? (item as { id?: unknown }).id) : item))
    .join(', ');

const isoToLocal = (iso: unknown) => (typeof iso === 'string' && iso.length >= 16 ? iso.slice(0, 16) : '');

/** The input that fits one attribute's type, for a variant's override of it. */
export const OverrideInput = ({ name, attribute, value, onChange, error, disabled }: OverrideInputProps) => {
  const label = name;
  const input = (() => {
    if (JSON_TYPES.has(attribute.type)) return <JsonOverride label={label} value={value} onChange={onChange} disabled={disabled} />;
    switch (attribute.type) {
      case 'text':
      case 'richtext':
        return (
          <Textarea
            aria-label={label}
            value={typeof value === 'string' ? value : ''}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => onChange(event.target.value)}
          />
        );
      case 'integer':
      case 'float':
      case 'decimal':
        return (
          <NumberInput
            aria-label={label}
            value={typeof value === 'number' ? value : undefined}
            disabled={disabled}
            step={attribute.type === 'integer' ? 1 : 0.01}
            onValueChange={(next: number | undefined) => onChange(next ?? null)}
          />
        );
      case 'boolean':
        return (
          <Toggle
            aria-label={label}
            onLabel="True"
            offLabel="False"
            checked={value === true}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.checked)}
          />
        );
      case 'enumeration':
        return (
          <SingleSelect
            aria-label={label}
            value={typeof value === 'string' ? value : undefined}
            disabled={disabled}
            placeholder="Pick a value"
            onChange={(next: string | number) => onChange(String(next))}
          >
            {(attribute.enum ?? []).map((option) => (
              <SingleSelectOption key={option} value={option}>
                {option}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        );
      case 'date':
      case 'time':
        return (
          <TextInput
            aria-label={label}
            type={attribute.type}
            value={typeof value === 'string' ? value : ''}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value || null)}
          />
        );
      case 'datetime':
        return (
          <TextInput
            aria-label={label}
            type="datetime-local"
            value={isoToLocal(value)}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) =>
              onChange(event.target.value ? new Date(event.target.value).toISOString() : null)
            }
          />
        );
      case 'media':
      case 'relation': {
        const many = attribute.type === 'media' ? Boolean(attribute.multiple) : isRelationToMany(attribute);
        const numeric = attribute.type === 'media';
        return (
          <TextInput
            aria-label={label}
            value={idList(value)}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
              const ids = event.target.value
                .split(',')
                .map((item) => item.trim())
                .filter(Boolean)
                .map((item) => (numeric && /^\d+$/.test(item) ? Number(item) : item));
              onChange(many ? ids : (ids[0] ?? null));
            }}
          />
        );
      }
      case 'biginteger':
        return (
          <TextInput
            aria-label={label}
            inputMode="numeric"
            value={value === null || value === undefined ? '' : String(value)}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
          />
        );
      default:
        return (
          <TextInput
            aria-label={label}
            type={attribute.type === 'email' ? 'email' : 'text'}
            value={typeof value === 'string' ? value : ''}
            disabled={disabled}
            onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
          />
        );
    }
  })();

  return (
    <Field.Root name={`override-${name}`} error={error} hint={hintFor(attribute)}>
      <Field.Label>{`${name} (${attribute.type})`}</Field.Label>
      {input}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};
