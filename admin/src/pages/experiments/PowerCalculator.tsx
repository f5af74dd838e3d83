import { useState } from 'react';

import { Box, Checkbox, Field, Flex, Grid, NumberInput, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';

import type { T } from '../../experiments/i18n';
import { planPower, type PowerInputs, type PowerProblem } from '../../experiments/power';
import { ChartFigure, usePercent } from './charts';

export interface PowerCalculatorProps {
  kind: 'conversion' | 'mean';
  arms: number;
  trafficPercent: number;
  t: T;
}

const TARGET = 0.8;

/**
 * How long to run (GrowthBook's power semantics): from the baseline, the smallest lift worth
 * detecting and the visitors per day, the days until the test has 80% power, and the power by day.
 */
export const PowerCalculator = ({ kind, arms, trafficPercent, t }: PowerCalculatorProps) => {
  const { formatNumber } = useIntl();
  const percent = usePercent();
  const [inputs, setInputs] = useState<Omit<PowerInputs, 'kind' | 'arms' | 'trafficPercent'>>({
    ratePercent: 5,
    mean: null,
    standardDeviation: null,
    mdePercent: 10,
    dailyVisitors: 1000,
    sequential: true,
  });
  const answer = planPower({ ...inputs, kind, arms, trafficPercent });
  const problems = new Set<PowerProblem>(answer.ok ? [] : answer.problems);
  const set = (patch: Partial<typeof inputs>) => setInputs({ ...inputs, ...patch });
  const invalid = t('power.invalid', 'Enter a positive number');

  const numberField = (name: keyof typeof inputs, label: string, problem: PowerProblem, hint?: string) => (
    <Field.Root name={`power-${name}`} error={problems.has(problem) ? invalid : undefined} hint={hint}>
      <Field.Label>{label}</Field.Label>
      <NumberInput value={(inputs[name] as number | null) ?? undefined} onValueChange={(value: number | undefined) => set({ [name]: value ?? null })} />
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );

  let summary: string;
  if (!answer.ok) {
    summary = problems.has('traffic')
      ? t('power.noTraffic', 'With no traffic in the experiment, it never reaches any power.')
      : t('power.incomplete', 'Fill in the numbers above to see how long to run.');
  } else if (answer.plan.daysToPower !== undefined) {
    summary = t(
      'power.days',
      'About {days, plural, one {# day} other {# days}} ({units} visitors in the experiment) to detect a lift of {mde} with 80% power.',
      { days: answer.plan.daysToPower, units: formatNumber(answer.plan.unitsToPower ?? 0), mde: percent((inputs.mdePercent ?? 0) / 100) }
    );
  } else {
    summary = answer.unitsNeeded
      ? t(
          'power.tooLong',
          'More than {days} days: {units} visitors in the experiment are needed to detect a lift of {mde} with 80% power ({perDay} a day now). Test a bigger change, or more traffic.',
          {
            days: 28,
            units: formatNumber(answer.unitsNeeded),
            mde: percent((inputs.mdePercent ?? 0) / 100),
            perDay: formatNumber(Math.round(answer.unitsPerDay)),
          }
        )
      : t('power.never', 'This lift cannot be detected with 80% power at any realistic size.');
  }
  const lastDay = answer.ok ? answer.plan.days[answer.plan.days.length - 1] : undefined;

  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="power-calculator">
      <Typography variant="pi" textColor="neutral600">
        {t(
          'power.intro',
          'Power is the chance that the experiment detects a lift of at least the size below, if there is one. Aim for 80%. {arms} arms, {traffic}% of eligible visitors in the experiment.',
          { arms, traffic: trafficPercent }
        )}
      </Typography>
      <Grid.Root gap={4}>
        {kind === 'conversion' ? (
          <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="stretch">
            {numberField('ratePercent', t('power.rate', 'Baseline conversion rate (%)'), 'rate', t('power.rate.hint', 'Today’s rate, without the change'))}
          </Grid.Item>
        ) : (
          <>
            <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="stretch">
              {numberField('mean', t('power.mean', 'Baseline mean per visitor'), 'mean')}
            </Grid.Item>
            <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="stretch">
              {numberField('standardDeviation', t('power.sd', 'Standard deviation per visitor'), 'standardDeviation')}
            </Grid.Item>
          </>
        )}
        <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="stretch">
          {numberField('mdePercent', t('power.mde', 'Smallest lift worth detecting (%)'), 'mde', t('power.mde.hint', 'Relative: 10 means +10% of the baseline'))}
        </Grid.Item>
        <Grid.Item col={3} s={6} xs={12} direction="column" alignItems="stretch">
          {numberField('dailyVisitors', t('power.daily', 'Eligible visitors per day'), 'dailyVisitors')}
        </Grid.Item>
      </Grid.Root>
      <Checkbox checked={inputs.sequential} onCheckedChange={(checked: boolean | 'indeterminate') => set({ sequential: checked === true })}>
        {t('power.sequential', 'Read daily with the sequential interval (as the results page does; needs more visitors)')}
      </Checkbox>
      <Box background={answer.ok && answer.plan.daysToPower !== undefined ? 'success100' : 'neutral100'} padding={4} hasRadius>
        <Typography fontWeight="semiBold" data-testid="power-summary">
          {summary}
        </Typography>
        {lastDay?.mde !== undefined ? (
          <Typography tag="p" variant="pi" textColor="neutral600">
            {t('power.mdeAt', 'In 28 days, the smallest lift detectable with 80% power is {mde}.', { mde: percent(lastDay.mde) })}
          </Typography>
        ) : null}
      </Box>
      {answer.ok ? (
        <ChartFigure
          testId="chart-power"
          title={t('power.chart.title', 'Power by day')}
          description={t('power.chart.description', 'The chance to detect the lift above if the experiment stops on that day. The line marks 80%.')}
          table={{
            columns: [t('power.chart.day', 'Day'), t('power.chart.power', 'Power'), t('power.chart.mde', 'Lift detectable with 80% power')],
            rows: answer.plan.days.map((day) => [
              String(day.day),
              percent(day.power),
              day.mde === undefined ? t('power.chart.tooFew', 'too few visitors') : percent(day.mde),
            ]),
          }}
        >
          <LineChart data={answer.plan.days} margin={{ top: 8, right: 24, bottom: 24, left: 16 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="day"
              tick={{ fontSize: 12 }}
              label={{ value: t('power.chart.day', 'Day'), position: 'insideBottom', offset: -4, style: { fontSize: 12 } }}
            />
            <YAxis
              domain={[0, 1]}
              tickFormatter={(value: number) => percent(value, 0)}
              tick={{ fontSize: 12 }}
              label={{ value: t('power.chart.power', 'Power'), angle: -90, position: 'insideLeft', style: { fontSize: 12 } }}
            />
            <Tooltip formatter={(value) => (typeof value === 'number' ? percent(value) : String(value))} />
            <ReferenceLine y={TARGET} stroke="#0c9b6d" strokeDasharray="4 4" />
            <Line dataKey="power" name={t('power.chart.power', 'Power')} stroke="#4945ff" strokeWidth={2} dot={false} isAnimationActive={false} />
          </LineChart>
        </ChartFigure>
      ) : null}
    </Flex>
  );
};
