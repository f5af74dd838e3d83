import { Flex, SingleSelect, SingleSelectOption, TextInput } from '@strapi/design-system';
import type { FieldSelectorProps } from 'react-querybuilder';

import { entryFor, keyOf } from '../../rules/fields';
import type { BuilderContext } from './context';

const GROUP_LABELS: Record<string, string> = {
  context: 'Context',
  time: 'Time',
  behavior: 'Behavior',
  session: 'Session',
  profile: 'Profile',
  experiments: 'Experiments',
  custom: 'Custom',
  audience: 'Audience',
  advanced: 'Advanced',
};

/**
 * The signal picker: a group (context, behavior, session, profile, time...) then a signal of that
 * group, plus a name for keyed signals (`custom.{name}`, `profile.interests.{tag}`, `experiments.{key}`).
 */
export const FieldSelector = ({ rule, handleOnChange, context, disabled }: FieldSelectorProps) => {
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
        aria-label="Signal group"
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
            {GROUP_LABELS[name] ?? name}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      {inGroup.length > 1 || current?.keyed ? (
        <SingleSelect
          aria-label="Signal"
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
          aria-label="Signal name"
          size="S"
          placeholder={current.name === 'profile.interests' ? 'tag' : current.name === 'experiments' ? 'experiment key' : 'name'}
          value={keyOf(current, rule.field)}
          disabled={disabled}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => handleOnChange(`${current.name}.${event.target.value.trim()}`)}
        />
      ) : null}
    </Flex>
  );
};
