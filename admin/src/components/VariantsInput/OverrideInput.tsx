import { useEffect, useState } from 'react';

import {
  Field,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Textarea,
  Toggle,
  Typography,
} from '@strapi/design-system';

import { useIntl, type IntlShape } from 'react-intl';

import type { AttributeLike } from '../../../../contracts/src/schema-types';
import { isRelationToMany } from '../../../../contracts/src/schema-types';
import { getTranslation } from '../../utils/getTranslation';
import { JsonEditor } from '../JsonEditor';
import { MediaOverride } from './MediaOverride';

interface OverrideInputProps {
  name: string;
  attribute: AttributeLike;
  value: unknown;
  onChange: (value: unknown) => void;
  error?: string;
  disabled?: boolean;
}

const JSON_TYPES = new Set(['json', 'component', 'dynamiczone', 'blocks']);

const hintFor = (attribute: AttributeLike, formatMessage: IntlShape['formatMessage']): string | undefined => {
  const t = (key: string, defaultMessage: string, values?: Record<string, string>) =>
    formatMessage({ id: getTranslation(`variants.override.hint.${key}`), defaultMessage }, values);
  switch (attribute.type) {
    case 'media':
      return attribute.multiple
        ? t('media.multiple', 'Files of the media library, served in this order')
        : t('media', 'A file of the media library');
    case 'relation':
      return isRelationToMany(attribute)
        ? t('relation.multiple', 'documentIds of the related entries, separated by commas')
        : t('relation', 'documentId of the related entry');
    case 'component':
      return attribute.repeatable
        ? t('component.repeatable', 'JSON of the {component} components (an array)', { component: attribute.component ?? '' })
        : t('component', 'JSON of the {component} component', { component: attribute.component ?? '' });
    case 'dynamiczone':
      return t('dynamiczone', 'JSON array of components, each with its "__component"');
    case 'blocks':
      return t('blocks', 'JSON of the blocks editor (an array of blocks)');
    case 'datetime':
      return t('datetime', 'Date and time, saved in ISO 8601 (UTC)');
    default:
      return undefined;
  }
};

/** JSON typed as text: handed over when it parses, so the schema check can point at what is wrong. */
const JsonOverride = ({ value, onChange, disabled, label }: { value: unknown; onChange: (value: unknown) => void; disabled?: boolean; label: string }) => {
  const { formatMessage } = useIntl();
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
      <JsonEditor
        label={label}
        hasError={parseError !== null}
        value={text}
        minHeight="8rem"
        disabled={disabled}
        onChange={(next: string) => {
          setText(next);
          try {
            onChange(JSON.parse(next));
            setParseError(null);
          } catch (error) {
            setParseError(
              formatMessage(
                { id: getTranslation('variants.override.invalidJson'), defaultMessage: 'Not valid JSON: {message}' },
                { message: (error as Error).message }
              )
            );
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

/** documentIds typed as text (commas between them), handed over as `{ documentId }` values. */
const RelationIdsInput = ({
  label,
  many,
  value,
  onChange,
  disabled,
}: {
  label: string;
  many: boolean;
  value: unknown;
  onChange: (value: unknown) => void;
  disabled?: boolean;
}) => {
  const [text, setText] = useState(() => idList(value));
  useEffect(() => {
    // Follow outside changes (copy current values), not the text being typed.
    if (parseIds(text).join(', ') !== idList(value)) setText(idList(value));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  return (
    <TextInput
      aria-label={label}
      value={text}
      disabled={disabled}
      onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
        setText(event.target.value);
        const refs = parseIds(event.target.value).map((documentId) => ({ documentId }));
        onChange(many ? refs : (refs[0] ?? null));
      }}
    />
  );
};

const parseIds = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The input that fits one attribute's type, for a variant's override of it. */
export const OverrideInput = ({ name, attribute, value, onChange, error, disabled }: OverrideInputProps) => {
  const { formatMessage } = useIntl();
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
            onLabel={formatMessage({ id: getTranslation('variants.override.true'), defaultMessage: 'True' })}
            offLabel={formatMessage({ id: getTranslation('variants.override.false'), defaultMessage: 'False' })}
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
            placeholder={formatMessage({ id: getTranslation('variants.override.pickValue'), defaultMessage: 'Pick a value' })}
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
        return <MediaOverride name={name} attribute={attribute} value={value} onChange={onChange} disabled={disabled} />;
      case 'relation':
        return <RelationIdsInput label={label} many={isRelationToMany(attribute)} value={value} onChange={onChange} disabled={disabled} />;
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
    <Field.Root name={`override-${name}`} error={error} hint={hintFor(attribute, formatMessage)}>
      <Field.Label>
        {formatMessage({ id: getTranslation('variants.override.label'), defaultMessage: '{name} ({type})' }, { name, type: attribute.type })}
      </Field.Label>
      {input}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};
