import { Box, Flex, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import type { Experiment, ExperimentResults } from '../../api';
import { ColumnHeader } from '../../components/ColumnHeader';
import { Section } from '../../components/Section';
import { cellLabel, factorName, levelName } from '../../experiments/factors';
import type { T } from '../../experiments/i18n';
import { chanceReading } from '../../experiments/next-step';
import { liftRows, shownInterval, verdictOf, type Verdict } from '../../experiments/verdict';
import { ARM_COLORS, EmptyChart, LiftChart, usePercent, type ChartArm } from './charts';
import { readingText, VerdictBadge } from './GoalTable';

type FactorResults = NonNullable<ExperimentResults['factors']>[number];
type InteractionResult = NonNullable<ExperimentResults['interactions']>[number];
type Kind = 'conversion' | 'mean';

const CELL: React.CSSProperties = { whiteSpace: 'normal' };
const WRAPPING: React.CSSProperties = { whiteSpace: 'normal', verticalAlign: 'bottom' };

/** A value on the goal's scale: a rate in percent, a mean as a number. */
const useValue = (kind: Kind) => {
  const percent = usePercent();
  const { formatNumber } = useIntl();
  return (value: number) => (kind === 'mean' ? formatNumber(value, { maximumFractionDigits: 3 }) : percent(value, 2));
};

/**
 * A difference on the goal's scale, signed: conversion rates in percentage points ("+12 points"), means as
 * numbers ("+1.5").
 */
const useDifference = (kind: Kind, t: T) => {
  const { formatNumber } = useIntl();
  return (value: number, signed = true) => {
    const amount = formatNumber(kind === 'mean' ? value : value * 100, {
      maximumFractionDigits: kind === 'mean' ? 3 : 1,
      signDisplay: signed ? 'exceptZero' : 'auto',
    });
    return kind === 'mean' ? amount : t('factorial.points', '{amount} points', { amount });
  };
};

/** One factor: its levels' counts and each level's main effect against the first level, as a table and a chart. */
const FactorTable = ({ factor, experiment, alpha, kind, t }: { factor: FactorResults; experiment: Experiment; alpha: number; kind: Kind; t: T }) => {
  const percent = usePercent();
  const { formatNumber } = useIntl();
  const value = useValue(kind);
  const factors = experiment.factors ?? [];
  const name = factorName(factors, factor.key);
  const levels: ChartArm[] = factor.levels.map((level, index) => ({
    key: level.key,
    label: levelName(factors, factor.key, level.key),
    color: ARM_COLORS[index % ARM_COLORS.length],
  }));
  const labelOf = (key: string) => levels.find((level) => level.key === key)?.label ?? key;
  const effects = new Map(factor.effects.map((effect) => [effect.level, effect]));
  // The effects read as the arms' results do: the same verdict, interval and chance-to-win reading.
  const asResult = (level: string) => {
    const effect = effects.get(level);
    return effect ? { goal: experiment.goal.event, arm: level, ...effect } : undefined;
  };
  const rows = liftRows(
    factor.effects.map((effect) => ({ goal: experiment.goal.event, arm: effect.level, ...effect })),
    kind
  );
  const interval = (ci: [number, number]) => {
    const [low, high] = shownInterval(ci, kind);
    return t('table.interval', '{low} to {high}', { low: percent(low), high: percent(high) });
  };
  const title = t('factorial.factor', 'Factor: {factor}', { factor: name });
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid={`factorial-factor-${factor.key}`}>
      <Typography variant="delta" tag="h3">
        {title}
      </Typography>
      <Box style={{ overflowX: 'auto' }}>
        <Table colCount={8} rowCount={factor.levels.length + 1}>
          <Thead>
            <Tr>
              <ColumnHeader style={WRAPPING}>{t('factorial.level', 'Level')}</ColumnHeader>
              <ColumnHeader style={WRAPPING}>{t('table.units', 'Visitors')}</ColumnHeader>
              <ColumnHeader style={WRAPPING}>{kind === 'mean' ? t('table.senders', 'Visitors who sent it') : t('table.conversions', 'Conversions')}</ColumnHeader>
              <ColumnHeader style={WRAPPING}>{kind === 'mean' ? t('table.mean', 'Mean') : t('table.rate', 'Conversion rate')}</ColumnHeader>
              <ColumnHeader style={WRAPPING}>{t('factorial.effect', 'Main effect (relative lift)')}</ColumnHeader>
              <ColumnHeader style={WRAPPING}>{t('table.sequential', 'Sequential 95% interval')}</ColumnHeader>
              <ColumnHeader style={WRAPPING}>{t('table.chanceToWin', 'Chance to win')}</ColumnHeader>
              <ColumnHeader style={WRAPPING}>{t('table.verdict', 'Verdict')}</ColumnHeader>
            </Tr>
          </Thead>
          <Tbody>
            {factor.levels.map((level, index) => {
              const effect = effects.get(level.key);
              const verdict: Verdict = verdictOf(asResult(level.key), alpha);
              return (
                <Tr key={level.key} data-testid={`factorial-${factor.key}-${level.key}`}>
                  <Td style={CELL}>
                    <Flex gap={2}>
                      <Box width="1rem" height="1rem" hasRadius style={{ background: levels[index].color, flexShrink: 0 }} aria-hidden="true" />
                      <Typography fontWeight="bold">{levels[index].label}</Typography>
                    </Flex>
                  </Td>
                  <Td style={CELL}>
                    <Typography data-testid={`factorial-units-${factor.key}-${level.key}`}>{formatNumber(level.units)}</Typography>
                  </Td>
                  <Td style={CELL}>
                    <Typography data-testid={`factorial-conversions-${factor.key}-${level.key}`}>{formatNumber(level.conversions)}</Typography>
                  </Td>
                  <Td style={CELL}>
                    <Typography>{level.mean === null ? t('noData', 'not enough data') : value(level.mean)}</Typography>
                  </Td>
                  {index === 0 ? (
                    <>
                      <Td style={CELL}>
                        <Typography textColor="neutral600">{t('factorial.baseline', 'Baseline: the other levels are compared with it')}</Typography>
                      </Td>
                      <Td style={CELL}>
                        <Typography textColor="neutral600">—</Typography>
                      </Td>
                      <Td style={CELL}>
                        <Typography textColor="neutral600">—</Typography>
                      </Td>
                      <Td style={CELL}>
                        <Typography textColor="neutral600">—</Typography>
                      </Td>
                    </>
                  ) : (
                    <>
                      <Td style={CELL}>
                        <Typography>{effect?.relative ? percent(effect.relative.lift) : t('noData', 'not enough data')}</Typography>
                      </Td>
                      <Td style={CELL}>
                        <Typography>{effect?.sequential ? interval(effect.sequential.ci) : '—'}</Typography>
                      </Td>
                      <Td style={CELL}>
                        <Typography>{effect?.chanceToWin === null || effect?.chanceToWin === undefined ? '—' : percent(effect.chanceToWin)}</Typography>
                      </Td>
                      <Td style={CELL}>
                        <VerdictBadge verdict={verdict} t={t} />
                      </Td>
                    </>
                  )}
                </Tr>
              );
            })}
          </Tbody>
        </Table>
      </Box>
      <Flex tag="ul" direction="column" alignItems="stretch" gap={1}>
        {factor.effects.map((effect) => {
          const result = asResult(effect.level);
          return result ? (
            <Typography key={effect.level} tag="li" variant="pi" textColor="neutral700">
              {readingText(chanceReading(result, alpha), labelOf(effect.level), t, percent, (number) => formatNumber(number, { maximumSignificantDigits: 2 }))}
            </Typography>
          ) : null;
        })}
      </Flex>
      {rows.length > 0 ? (
        <LiftChart
          rows={rows}
          arms={levels}
          t={t}
          figure={{
            testId: `chart-factor-${factor.key}`,
            title: t('factorial.chart.title', 'Main effect of {factor}, with its sequential interval', { factor: name }),
            description: t(
              'factorial.chart.description',
              'Bars: each level’s relative lift against the first level, over all the visitors of the other factors. Whiskers: the sequential (always-valid) 95% interval.'
            ),
            column: t('factorial.level', 'Level'),
          }}
        />
      ) : (
        <EmptyChart
          testId={`chart-factor-${factor.key}-empty`}
          title={t('factorial.chart.title', 'Main effect of {factor}, with its sequential interval', { factor: name })}
          text={t('chart.lift.none', 'Not enough data yet: the lift appears once every arm has visitors and the baseline has conversions.')}
        />
      )}
    </Flex>
  );
};

/** One interaction in words: "Bold with Strong: +12 points more than the two effects added (interval …)". */
const InteractionLine = ({ interaction, experiment, kind, t }: { interaction: InteractionResult; experiment: Experiment; kind: Kind; t: T }) => {
  const difference = useDifference(kind, t);
  const { formatNumber } = useIntl();
  const factors = experiment.factors ?? [];
  const pair = t('factorial.pair', '{first} with {second}', {
    first: levelName(factors, interaction.factors[0], interaction.levels[0]),
    second: levelName(factors, interaction.factors[1], interaction.levels[1]),
  });
  const testId = `factorial-interaction-${interaction.levels.join('-')}`;
  const sequential = interaction.sequential;
  if (interaction.estimate === null || !sequential) {
    return (
      <Typography tag="li" data-testid={testId}>
        {t('factorial.interaction.none', '{pair}: not enough visitors yet in each of the four cells it compares.', { pair })}
      </Typography>
    );
  }
  const values = {
    pair,
    amount: difference(interaction.estimate >= 0 ? interaction.estimate : -interaction.estimate, interaction.estimate >= 0),
    // The always-valid interval, as the main effects': the page is read every day.
    low: difference(sequential.ci[0]),
    high: difference(sequential.ci[1]),
    p: formatNumber(sequential.pValue, { maximumSignificantDigits: 2 }),
  };
  return (
    <Typography tag="li" data-testid={testId}>
      {interaction.estimate >= 0
        ? t('factorial.interaction.more', '{pair}: {amount} more than the two effects added (always-valid 95% interval {low} to {high}, p = {p}).', values)
        : t('factorial.interaction.less', '{pair}: {amount} less than the two effects added (always-valid 95% interval {low} to {high}, p = {p}).', values)}
    </Typography>
  );
};

/**
 * A multivariate experiment's results (docs/experiments.md, "Multivariate"), for the primary goal: per factor its
 * levels and main effects against the first level (pooled over the other factors), the pairwise interactions in
 * words, and the best cell named by its levels.
 */
export const FactorialPanel = ({ experiment, results, t }: { experiment: Experiment; results: ExperimentResults; t: T }) => {
  const value = useValue(experiment.goal.kind);
  const { formatNumber } = useIntl();
  const factors = results.factors ?? [];
  const interactions = results.interactions ?? [];
  const best = results.bestCell ?? null;
  const kind = experiment.goal.kind;
  return (
    <Section
      title={t('factorial.title', 'Each change on its own, and together')}
      description={t(
        'factorial.description',
        'Goal “{goal}”. A level’s main effect compares its visitors with those of its factor’s first level, whatever their other levels: each factor is a test of its own with all the visitors. An interaction says how far two changes together differ from the sum of their effects.',
        { goal: experiment.goal.event }
      )}
      testId="factorial-panel"
    >
      <Flex direction="column" alignItems="stretch" gap={6} paddingTop={2}>
        <Typography data-testid="factorial-best" fontWeight="semiBold">
          {best
            ? t('factorial.best', 'Best cell so far: {cell}, {value} ({units} visitors). The highest observed, not a verdict: read the effects below.', {
                cell: cellLabel(experiment.factors ?? [], best.arm) ?? best.arm,
                value: value(best.mean),
                units: formatNumber(best.units),
              })
            : t('factorial.best.none', 'Best cell: none yet (no visitor in the experiment).')}
        </Typography>
        {factors.map((factor) => (
          <FactorTable key={factor.key} factor={factor} experiment={experiment} alpha={results.alpha} kind={kind} t={t} />
        ))}
        {interactions.length > 0 ? (
          <Flex direction="column" alignItems="stretch" gap={2} data-testid="factorial-interactions">
            <Typography variant="delta" tag="h3">
              {t('factorial.interactions', 'Interactions')}
            </Typography>
            <Box tag="ul" paddingLeft={5}>
              {interactions.map((interaction) => (
                <InteractionLine key={`${interaction.factors.join('-')}-${interaction.levels.join('-')}`} interaction={interaction} experiment={experiment} kind={kind} t={t} />
              ))}
            </Box>
          </Flex>
        ) : null}
      </Flex>
    </Section>
  );
};
