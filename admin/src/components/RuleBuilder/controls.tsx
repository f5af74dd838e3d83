import { Button, Checkbox, IconButton, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { ActionProps, CombinatorSelectorProps, NotToggleProps, OperatorSelectorProps } from 'react-querybuilder';

import { getTranslation, type FormatMessage, type MessageDescriptor } from '../../utils/getTranslation';
import type { BuilderContext } from './context';

/**
 * A control's name with the rule it belongs to ("Rule 2: Operator", "Rule 3.1: Value" inside a
 * group), so a screen reader tells the rules apart. `path` is react-querybuilder's position of the
 * rule or group; the root group's controls ([]) keep their plain name.
 */
export const positional = (formatMessage: FormatMessage, path: readonly number[] | undefined, control: string, kind: 'rule' | 'group' = 'rule') =>
  path && path.length
    ? formatMessage(
        kind === 'rule'
          ? { id: getTranslation('rules.positional.rule'), defaultMessage: 'Rule {position}: {control}' }
          : { id: getTranslation('rules.positional.group'), defaultMessage: 'Group {position}: {control}' },
        { position: path.map((index) => index + 1).join('.'), control }
      )
    : control;

export const CombinatorSelector = ({ value, handleOnChange, disabled, path }: CombinatorSelectorProps) => {
  const { formatMessage } = useIntl();
  return (
    <SingleSelect
      aria-label={positional(formatMessage, path, formatMessage({ id: getTranslation('rules.combinator.label'), defaultMessage: 'Match' }), 'group')}
      size="S"
      value={value}
      disabled={disabled}
      onChange={(next: string | number) => handleOnChange(String(next))}
    >
      <SingleSelectOption value="and">
        {formatMessage({ id: getTranslation('rules.combinator.and'), defaultMessage: 'All of (and)' })}
      </SingleSelectOption>
      <SingleSelectOption value="or">
        {formatMessage({ id: getTranslation('rules.combinator.or'), defaultMessage: 'Any of (or)' })}
      </SingleSelectOption>
    </SingleSelect>
  );
};

export const NotToggle = ({ checked, handleOnChange, disabled, path }: NotToggleProps) => {
  const { formatMessage } = useIntl();
  const name = formatMessage({ id: getTranslation('rules.not'), defaultMessage: 'Not' });
  return (
    <Checkbox aria-label={path && path.length ? positional(formatMessage, path, name, 'group') : undefined} checked={Boolean(checked)} disabled={disabled} onCheckedChange={(next: boolean | 'indeterminate') => handleOnChange(next === true)}>
      {formatMessage({ id: getTranslation('rules.not'), defaultMessage: 'Not' })}
    </Checkbox>
  );
};

export const OperatorSelector = ({ value, options, handleOnChange, disabled, path }: OperatorSelectorProps) => {
  const { formatMessage } = useIntl();
  return (
    <SingleSelect
      aria-label={positional(formatMessage, path, formatMessage({ id: getTranslation('rules.operator.label'), defaultMessage: 'Operator' }))}
      size="S"
      value={value}
      disabled={disabled}
      onChange={(next: string | number) => handleOnChange(String(next))}
    >
      {options.map((option) =>
        'name' in option ? (
          <SingleSelectOption key={option.name} value={option.name}>
            {option.label}
          </SingleSelectOption>
        ) : null
      )}
    </SingleSelect>
  );
};

/** The builder's "+ Condition" / "+ Group" buttons: one look, their own label. */
const addAction = (label: MessageDescriptor, kind: 'rule' | 'group') => {
  const AddAction = ({ handleOnClick, disabled, path }: ActionProps) => {
    const { formatMessage } = useIntl();
    return (
      <Button
        data-add={kind}
        data-path={(path ?? []).join('.')}
        aria-label={path && path.length ? positional(formatMessage, path, formatMessage(label), 'group') : undefined}
        variant="tertiary"
        size="S"
        startIcon={<Plus />}
        disabled={disabled}
        onClick={(event: React.MouseEvent) => handleOnClick(event)}
      >
        {formatMessage(label)}
      </Button>
    );
  };
  return AddAction;
};

export const AddRuleAction = addAction({ id: getTranslation('rules.addRule'), defaultMessage: 'Condition' }, 'rule');
export const AddGroupAction = addAction({ id: getTranslation('rules.addGroup'), defaultMessage: 'Group' }, 'group');

export const RemoveAction = ({ handleOnClick, disabled, ruleOrGroup, context, path }: ActionProps) => {
  const { formatMessage } = useIntl();
  const problem = ruleOrGroup.id ? (context as BuilderContext).problems[ruleOrGroup.id] : undefined;
  const isGroup = 'rules' in ruleOrGroup;
  return (
    <>
      <IconButton
        label={positional(formatMessage, path, formatMessage({ id: getTranslation('rules.remove'), defaultMessage: 'Remove' }), isGroup ? 'group' : 'rule')}
        variant="ghost"
        disabled={disabled}
        onClick={(event: React.MouseEvent) => handleOnClick(event)}
      >
        <Trash />
      </IconButton>
      {problem ? (
        <Typography className="rule-problem" variant="pi" textColor="danger600" role="alert">
          {problem}
        </Typography>
      ) : null}
    </>
  );
};
