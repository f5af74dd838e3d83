import { Flex, SingleSelect, SingleSelectOption, TextInput } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { FieldSelectorProps } from 'react-querybuilder';

import { entryFor, keyOf } from '../../rules/fields';
import { getTranslation, type MessageDescriptor } from '../../utils/getTranslation';
import type { BuilderContext } from './context';
import { positional } from './controls';

const GROUP_LABELS: Record<string, MessageDescriptor> = {
  context: { id: getTranslation('rules.group.context'), defaultMessage: 'Context' },
  time: { id: getTranslation('rules.group.time'), defaultMessage: 'Time' },
  behavior: { id: getTranslation('rules.group.behavior'), defaultMessage: 'Behavior' },
  session: { id: getTranslation('rules.group.session'), defaultMessage: 'Session' },
  profile: { id: getTranslation('rules.group.profile'), defaultMessage: 'Profile' },
  experiments: { id: getTranslation('rules.group.experiments'), defaultMessage: 'Experiments' },
  custom: { id: getTranslation('rules.group.custom'), defaultMessage: 'Custom' },
  audience: { id: getTranslation('rules.group.audience'), defaultMessage: 'Audience' },
  advanced: { id: getTranslation('rules.group.advanced'), defaultMessage: 'Advanced' },
};

const KEY_PLACEHOLDERS: Record<string, MessageDescriptor> = {
  'profile.interests': { id: getTranslation('rules.field.key.tag'), defaultMessage: 'tag' },
  experiments: { id: getTranslation('rules.field.key.experiment'), defaultMessage: 'experiment key' },
};
const NAME_PLACEHOLDER: MessageDescriptor = { id: getTranslation('rules.field.key.name'), defaultMessage: 'name' };

/**
 * The signal picker: a group (context, behavior, session, profile, time...) then a signal of that
 * group, plus a name for keyed signals (`custom.{name}`, `profile.interests.{tag}`, `experiments.{key}`).
 */
export const FieldSelector = ({ rule, handleOnChange, context, disabled, path }: FieldSelectorProps) => {
  const { formatMessage } = useIntl();
  const { entries, groups } = context as BuilderContext;
  const current = entryFor(entries, rule.field);
  const group = current?.group ?? groups[0];
  const inGroup = entries.filter((entry) => entry.group === group);

  const pickEntry = (name: string) => {
    const entry = entries.find((candidate) => candidate.name === name);
    if (entry) handleOnChange(entry.keyed ? `${entry.name}.` : entry.name);
  };

  return (
    <Flex gap={2} wrap="wrap">
      <SingleSelect
        aria-label={positional(formatMessage, path, formatMessage({ id: getTranslation('rules.field.group'), defaultMessage: 'Signal group' }))}
        size="S"
        value={group}
        disabled={disabled}
        onChange={(value: string | number) => {
          const first = entries.find((entry) => entry.group === value);
          if (first) pickEntry(first.name);
        }}
      >
        {groups.map((name) => (
          <SingleSelectOption key={name} value={name}>
            {GROUP_LABELS[name] ? formatMessage(GROUP_LABELS[name]) : name}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      {inGroup.length > 1 || current?.keyed ? (
        <SingleSelect
          aria-label={positional(formatMessage, path, formatMessage({ id: getTranslation('rules.field.signal'), defaultMessage: 'Signal' }))}
          size="S"
          value={current?.name}
          disabled={disabled}
          onChange={(value: string | number) => pickEntry(String(value))}
        >
          {inGroup.map((entry) => (
            <SingleSelectOption key={entry.name} value={entry.name}>
              {entry.keyed ? `${entry.label} …` : entry.label}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      ) : null}
      {current?.keyed ? (
        <TextInput
          aria-label={positional(formatMessage, path, formatMessage({ id: getTranslation('rules.field.key'), defaultMessage: 'Signal name' }))}
          size="S"
          placeholder={formatMessage(KEY_PLACEHOLDERS[current.name] ?? NAME_PLACEHOLDER)}
          value={keyOf(current, rule.field)}
          disabled={disabled}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => handleOnChange(`${current.name}.${event.target.value.trim()}`)}
        />
      ) : null}
    </Flex>
  );
};
