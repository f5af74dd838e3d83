import { Box, Button, Flex, IconButton, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';

import { EXPERIMENT_LIMITS } from '../../../../../contracts/src/experiments';
import { Section } from '../../../components/Section';
import { emptyGoal } from '../../../experiments/draft';
import { GoalFields } from './GoalFields';
import type { CardProps } from './props';

/** The primary goal, and the secondary goals measured beside it. */
export const GoalCard = ({ draft, change, errors, readOnly, started, t }: CardProps) => (
  <Section
    title={t('section.goal', 'Goal')}
    description={t(
      'section.goal.description',
      'A conversion is a track event of this name from a visitor in the experiment, within the window after they first saw it.'
    )}
  >
    <GoalFields
      goal={draft.goal}
      prefix="goal"
      errors={errors}
      disabled={readOnly}
      locked={started}
      t={t}
      onChange={(goal) => change({ ...draft, goal })}
    />
    {started ? (
      <Box paddingTop={2}>
        <Typography variant="pi" textColor="neutral600">
          {t('goal.locked', 'Event, kind and cap are fixed once started: the counts are per goal. The window can still change.')}
        </Typography>
      </Box>
    ) : null}
    <Box paddingTop={6}>
      <Typography variant="delta" tag="h3">
        {t('section.secondary', 'Secondary goals')}
      </Typography>
      <Typography variant="pi" textColor="neutral600" tag="p">
        {t(
          'section.secondary.description',
          'Also measured, never decisive on their own: their p-values are adjusted for testing several goals (Holm), so one of many is less likely to look like a win by chance.'
        )}
      </Typography>
      {draft.secondary.map((goal, index) => (
        <Box key={index} paddingTop={4} data-testid={`secondary-goal-${index}`}>
          <Flex justifyContent="space-between" alignItems="center" paddingBottom={2}>
            <Typography variant="sigma">{t('secondary.title', 'Secondary goal {n}', { n: index + 1 })}</Typography>
            <IconButton
              label={t('secondary.remove', 'Remove secondary goal {n}', { n: index + 1 })}
              disabled={readOnly || started}
              variant="ghost"
              onClick={() => change({ ...draft, secondary: draft.secondary.filter((_, position) => position !== index) })}
            >
              <Trash />
            </IconButton>
          </Flex>
          <GoalFields
            goal={goal}
            prefix={`secondary.${index}`}
            errors={errors}
            disabled={readOnly}
            locked={started}
            t={t}
            onChange={(next) =>
              change({
                ...draft,
                secondary: draft.secondary.map((current, position) => (position === index ? next : current)),
              })
            }
          />
        </Box>
      ))}
      <Box paddingTop={4}>
        <Button
          variant="secondary"
          startIcon={<Plus />}
          disabled={readOnly || started || draft.secondary.length >= EXPERIMENT_LIMITS.maxSecondaryGoals}
          onClick={() => change({ ...draft, secondary: [...draft.secondary, emptyGoal()] })}
        >
          {t('secondary.add', 'Add a secondary goal')}
        </Button>
      </Box>
    </Box>
  </Section>
);
