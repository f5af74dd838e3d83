import { Box, Typography } from '@strapi/design-system';

import { EXPERIMENT_LIMITS } from '../../../../../contracts/src/experiments';
import { Section } from '../../../components/Section';
import { emptyGoal } from '../../../experiments/draft';
import { GoalFields } from './GoalFields';
import { GoalList } from './GoalList';
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
      <GoalList
        goals={draft.secondary}
        path="secondary"
        testId="secondary-goal"
        title={(n) => t('secondary.title', 'Secondary goal {n}', { n })}
        removeLabel={(n) => t('secondary.remove', 'Remove secondary goal {n}', { n })}
        addLabel={t('secondary.add', 'Add a secondary goal')}
        max={EXPERIMENT_LIMITS.maxSecondaryGoals}
        create={emptyGoal}
        onChange={(secondary) => change({ ...draft, secondary })}
        errors={errors}
        readOnly={readOnly}
        started={started}
        t={t}
      />
    </Box>
  </Section>
);
