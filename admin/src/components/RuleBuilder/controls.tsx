import { Button, Checkbox, IconButton, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useIntl } from 'react-intl';
import type { ActionProps, CombinatorSelectorProps, NotToggleProps, OperatorSelectorProps } from 'react-querybuilder';

import { getTranslation, type MessageDescriptor } from '../../utils/getTranslation';
import type { BuilderContext } from './context';

export const CombinatorSelector = ({ value, handleOnChange, disabled }: CombinatorSelectorProps) => {
  const { formatMessage } = useIntl();
  return (
    <SingleSelect
      aria-label={formatMessage({ id: getTranslation('rules.combinator.label'), defaultMessage: 'Match' })}
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

export const NotToggle = ({ checked, handleOnChange, disabled }: NotToggleProps) => {
  const { formatMessage } = useIntl();
  return (
    <Checkbox checked={Boolean(checked)} disabled={disabled} onCheckedChange={(next: boolean | 'indeterminate') => handleOnChange(next === true)}>
      {formatMessage({ id: getTranslation('rules.not'), defaultMessage: 'Not' })}
    </Checkbox>
  );
};

export const OperatorSelector = ({ value, options, handleOnChange, disabled }: OperatorSelectorProps) => {
  const { formatMessage } = useIntl();
  return (
    <SingleSelect
      aria-label={formatMessage({ id: getTranslation('rules.operator.label'), defaultMessage: 'Operator' })}
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
const addAction = (label: MessageDescriptor) => {
  const AddAction = ({ handleOnClick, disabled }: ActionProps) => {
    const { formatMessage } = useIntl();
    return (
      <Button
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

export const AddRuleAction = addAction({ id: getTranslation('rules.addRule'), defaultMessage: 'Condition' });
export const AddGroupAction = addAction({ id: getTranslation('rules.addGroup'), defaultMessage: 'Group' });

export const RemoveAction = ({ handleOnClick, disabled, ruleOrGroup, context }: ActionProps) => {
  const { formatMessage } = useIntl();
  const problem = ruleOrGroup.id ? (context as BuilderContext).problems[ruleOrGroup.id] : undefined;
  return (
    <>
      <IconButton
        label={formatMessage({ id: getTranslation('rules.remove'), defaultMessage: 'Remove' })}
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
