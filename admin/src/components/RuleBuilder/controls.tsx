import { Button, Checkbox, IconButton, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import type { ActionProps, CombinatorSelectorProps, NotToggleProps, OperatorSelectorProps } from 'react-querybuilder';

import type { BuilderContext } from './context';

export const CombinatorSelector = ({ value, handleOnChange, disabled }: CombinatorSelectorProps) => (
  <SingleSelect
    aria-label="Match"
    size="S"
    value={value}
    disabled={disabled}
    onChange={(next: string | number) => handleOnChange(String(next))}
  >
    <SingleSelectOption value="and">All of (and)</SingleSelectOption>
    <SingleSelectOption value="or">Any of (or)</SingleSelectOption>
  </SingleSelect>
);

export const NotToggle = ({ checked, handleOnChange, disabled }: NotToggleProps) => (
  <Checkbox checked={Boolean(checked)} disabled={disabled} onCheckedChange={(next: boolean | 'indeterminate') => handleOnChange(next === true)}>
    Not
  </Checkbox>
);

export const OperatorSelector = ({ value, options, handleOnChange, disabled }: OperatorSelectorProps) => (
  <SingleSelect
    aria-label="Operator"
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

export const AddRuleAction = ({ handleOnClick, disabled }: ActionProps) => (
  <Button variant="tertiary" size="S" startIcon={<Plus />} disabled={disabled} onClick={(event: React.MouseEvent) => handleOnClick(event)}>
    Condition
  </Button>
);

export const AddGroupAction = ({ handleOnClick, disabled }: ActionProps) => (
  <Button variant="tertiary" size="S" startIcon={<Plus />} disabled={disabled} onClick={(event: React.MouseEvent) => handleOnClick(event)}>
    Group
  </Button>
);

export const RemoveAction = ({ handleOnClick, disabled, ruleOrGroup, context }: ActionProps) => {
  const problem = ruleOrGroup.id ? (context as BuilderContext).problems[ruleOrGroup.id] : undefined;
  return (
    <>
      <IconButton label="Remove" variant="ghost" disabled={disabled} onClick={(event: React.MouseEvent) => handleOnClick(event)}>
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
