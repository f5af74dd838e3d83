import { Box, Button, Flex, IconButton, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';

import type { GoalDraft } from '../../../experiments/draft';
import type { T } from '../../../experiments/i18n';
import { GoalFields } from './GoalFields';

/**
 * A list of goals beyond the primary one (the secondary goals, the guardrails): each with its title, a remove
 * button and the goal's fields (plus what `extra` adds), and a button to add one. Goals are fixed once started, so
 * none is added or removed then.
 */
export const GoalList = <G extends GoalDraft>({
  goals,
  path,
  testId,
  title,
  removeLabel,
  addLabel,
  max,
  create,
  extra,
  onChange,
  errors,
  readOnly,
  started,
  t,
}: {
  goals: G[];
  /** The draft's field: its errors are `<path>.<index>.<field>`. */
  path: string;
  /** Each goal's box is `<testId>-<index>`. */
  testId: string;
  title: (n: number) => string;
  removeLabel: (n: number) => string;
  addLabel: string;
  max: number;
  create: () => G;
  /** Fields of one goal beyond a goal's own. */
  extra?: (goal: G, index: number) => React.ReactNode;
  onChange: (goals: G[]) => void;
  errors: Record<string, string | undefined>;
  readOnly: boolean;
  started: boolean;
  t: T;
}) => (
  <>
    {goals.map((goal, index) => (
      <Box key={index} paddingTop={4} data-testid={`${testId}-${index}`}>
        <Flex justifyContent="space-between" alignItems="center" paddingBottom={2}>
          <Typography variant="sigma">{title(index + 1)}</Typography>
          <IconButton
            label={removeLabel(index + 1)}
            disabled={readOnly || started}
            variant="ghost"
            onClick={() => onChange(goals.filter((_, position) => position !== index))}
          >
            <Trash />
          </IconButton>
        </Flex>
        <GoalFields
          goal={goal}
          prefix={`${path}.${index}`}
          errors={errors}
          disabled={readOnly}
          locked={started}
          t={t}
          onChange={(next) =>
            onChange(goals.map((current, position) => (position === index ? { ...current, ...next } : current)))
          }
        />
        {extra?.(goal, index)}
      </Box>
    ))}
    <Box paddingTop={4}>
      <Button
        variant="secondary"
        startIcon={<Plus />}
        disabled={readOnly || started || goals.length >= max}
        onClick={() => onChange([...goals, create()])}
      >
        {addLabel}
      </Button>
    </Box>
  </>
);
