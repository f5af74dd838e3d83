import { Box, Field, SingleSelect, SingleSelectOption, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import type { HoldoutResults } from '../../api';
import { Card, Code } from '../../components/Figure';
import { HOLDOUT_CONFIG_EXAMPLE, holdoutView } from '../../experiments/holdout';
import type { T } from '../../experiments/i18n';
import { chanceReading } from '../../experiments/next-step';
import { chartArms, usePercent } from './charts';
import { GoalTable, readingText } from './GoalTable';

/**
 * The holdout report's body (docs/experiments.md, "The holdout"): how to turn it on when it is off, else the goal
 * picker, the personalized visitors against the held-out ones (the results page's table) and the reading in words.
 */
export const HoldoutReport = ({ data, onGoal, t }: { data: HoldoutResults; onGoal: (goal: string) => void; t: T }) => {
  const percent = usePercent();
  const { formatNumber } = useIntl();
  const view = holdoutView(data);
  if (view.state === 'off' || view.state === 'no-goals')
    return (
      <Card testId="holdout-off">
        <Typography fontWeight="bold">
          {view.state === 'off'
            ? t('holdout.off', 'The holdout is off: every visitor gets personalized content, so there is nothing to compare with.')
            : t('holdout.noGoals', 'The holdout is on ({share} of visitors) but compares no goal.', { share: percent(view.share) })}
        </Typography>
        <Typography textColor="neutral600">
          {t(
            'holdout.howTo',
            'To measure the total lift of personalization, set holdout in the plugin’s configuration (config/plugins.ts): a share of visitors, at most 0.5, who get every entry as published and are in no experiment, and the goals to compare. Then restart Strapi.'
          )}
        </Typography>
        <Code>{HOLDOUT_CONFIG_EXAMPLE}</Code>
      </Card>
    );
  const arms = chartArms(
    view.table.arms.map((arm) => ({
      key: arm.key,
      name: arm.key === 'holdout' ? t('holdout.arm.holdout', 'Held out (no personalization)') : t('holdout.arm.personalized', 'Personalized'),
    }))
  );
  const labelOf = (key: string) => arms.find((arm) => arm.key === key)?.label ?? key;
  return (
    <Card testId="holdout-report">
      <Typography textColor="neutral600">
        {t('holdout.summary', '{share} of visitors get every entry as published and are in no experiment; everyone else is personalized. Both groups count from the first entry with variants delivered to them.', {
          share: percent(view.share),
        })}
      </Typography>
      <Box maxWidth="24rem">
        <Field.Root name="holdout-goal">
          <Field.Label>{t('holdout.goal', 'Goal')}</Field.Label>
          <SingleSelect value={view.goal} onChange={(next: string | number) => onGoal(String(next))}>
            {view.goals.map((goal) => (
              <SingleSelectOption key={goal.event} value={goal.event}>
                {goal.kind === 'mean' ? t('holdout.goalMean', '{event} (mean value)', { event: goal.event }) : goal.event}
              </SingleSelectOption>
            ))}
          </SingleSelect>
        </Field.Root>
      </Box>
      <Box style={{ overflowX: 'auto' }}>
        <GoalTable goal={view.goal} rows={view.rows} results={view.table} arms={arms} kind={view.kind} t={t} />
      </Box>
      <Typography data-testid="holdout-reading">
        {readingText(chanceReading(view.comparison, view.table.alpha), labelOf('personalized'), t, percent, (value) =>
          formatNumber(value, { maximumSignificantDigits: 2 })
        )}
      </Typography>
    </Card>
  );
};
