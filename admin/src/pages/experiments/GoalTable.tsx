import { Box, Flex, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import type { ExperimentResult, ExperimentResults } from '../../api';
import { ColumnHeader } from '../../components/ColumnHeader';
import { verdictLabel, type T } from '../../experiments/i18n';
import type { ChanceReading } from '../../experiments/next-step';
import { shownInterval, verdictOf, type Verdict } from '../../experiments/verdict';
import { usePercent, type ChartArm } from './charts';

/**
 * A goal's comparison table and the chance-to-win reading of the results page, also used by the holdout report
 * (docs/experiments.md, "The holdout"), which has the same statistics for its two groups.
 */

/** What the table reads of the results: the arms (units, weight), each goal's counts per arm, and alpha. */
export type GoalTableResults = Pick<ExperimentResults, 'arms' | 'goals' | 'alpha'>;

const VERDICT_BADGE: Record<Verdict, 'success' | 'danger' | 'neutral' | 'secondary'> = {
  better: 'success',
  worse: 'danger',
  inconclusive: 'neutral',
  'no-data': 'secondary',
};

/** Long column names wrap, and the row of them stays aligned at the bottom. */
const WRAPPING: React.CSSProperties = { whiteSpace: 'normal', verticalAlign: 'bottom' };

/** One arm's chance to win read against its sequential verdict, in one line (docs/statistics.md, "Chance to win"). */
export const readingText = (reading: ChanceReading, arm: string, t: T, percent: (value: number) => string, number: (value: number) => string): string => {
  switch (reading.kind) {
    case 'no-data':
      return t('reading.noData', '{arm}: no chance to win yet (not enough data).', { arm });
    case 'conclusive':
      return reading.verdict === 'better'
        ? t('reading.better', '{arm}: {chance} chance to win (Bayesian, flat prior), and the always-valid interval lies above 0%: better, however often you looked.', {
            arm,
            chance: percent(reading.chance),
          })
        : t('reading.worse', '{arm}: {chance} chance to win (Bayesian, flat prior), and the always-valid interval lies below 0%: worse, however often you looked.', {
            arm,
            chance: percent(reading.chance),
          });
    case 'includes-zero':
      return t(
        'reading.includesZero',
        '{arm}: {chance} chance to win (Bayesian, flat prior), but the always-valid interval still includes 0%: not yet conclusive. Chance to win does not allow for looking every day; decide on the verdict.',
        { arm, chance: percent(reading.chance) }
      );
    case 'adjusted':
      return t(
        'reading.adjusted',
        '{arm}: {chance} chance to win (Bayesian, flat prior); the always-valid interval excludes 0%, but corrected for the other secondary goals (Holm) its p-value is {p}, not below {alpha}: not conclusive.',
        { arm, chance: percent(reading.chance), p: number(reading.pValue), alpha: number(reading.alpha) }
      );
  }
};

/**
 * A verdict in a pill that wraps (the design system's Badge keeps one line and clips a long French
 * label): the badge's colours, its text on two lines if the column is narrow.
 */
export const VerdictBadge = ({ verdict, t }: { verdict: Verdict; t: T }) => {
  const tone = VERDICT_BADGE[verdict];
  return (
    <Box background={`${tone}100`} borderColor={`${tone}200`} hasRadius paddingLeft={2} paddingRight={2} paddingTop={1} paddingBottom={1} style={{ display: 'inline-block' }}>
      <Typography variant="sigma" textColor={`${tone}700`} style={{ whiteSpace: 'normal' }}>
        {verdictLabel(verdict, t)}
      </Typography>
    </Box>
  );
};

/** Cells of the results table wrap, so the table fits its card at desktop width. */
const CELL: React.CSSProperties = { whiteSpace: 'normal' };

/** One goal's comparison of each arm with the baseline: visitors and conversions, lift, sequential interval, chance to win. */
export const GoalTable = ({ goal, rows, results, arms, kind, t }: { goal: string; rows: ExperimentResult[]; results: GoalTableResults; arms: ChartArm[]; kind: 'conversion' | 'mean'; t: T }) => {
  const percent = usePercent();
  const { formatNumber } = useIntl();
  const byArm = new Map(rows.map((row) => [row.arm, row]));
  const interval = (ci: [number, number]) => {
    const [low, high] = shownInterval(ci, kind);
    return t('table.interval', '{low} to {high}', { low: percent(low), high: percent(high) });
  };
  // This goal's counts per arm (the primary goal's are also arms[]'s).
  const counts = new Map((results.goals?.find((item) => item.goal === goal)?.arms ?? []).map((arm) => [arm.key, arm]));
  return (
    <Table colCount={8} rowCount={results.arms.length + 1} data-testid={`results-table-${goal}`}>
      <Thead>
        <Tr>
          <ColumnHeader style={WRAPPING}>{t('table.armWeight', 'Arm (weight)')}</ColumnHeader>
          <ColumnHeader style={WRAPPING}>{t('table.units', 'Visitors')}</ColumnHeader>
          <ColumnHeader style={WRAPPING}>{kind === 'mean' ? t('table.senders', 'Visitors who sent it') : t('table.conversions', 'Conversions')}</ColumnHeader>
          <ColumnHeader style={WRAPPING}>{kind === 'mean' ? t('table.mean', 'Mean') : t('table.rate', 'Conversion rate')}</ColumnHeader>
          <ColumnHeader style={WRAPPING}>{t('table.lift', 'Relative lift')}</ColumnHeader>
          <ColumnHeader style={WRAPPING}>{t('table.sequential', 'Sequential 95% interval')}</ColumnHeader>
          <ColumnHeader style={WRAPPING}>{t('table.chanceToWin', 'Chance to win')}</ColumnHeader>
          <ColumnHeader style={WRAPPING}>{t('table.verdict', 'Verdict')}</ColumnHeader>
        </Tr>
      </Thead>
      <Tbody>
        {results.arms.map((arm, index) => {
          const row = byArm.get(arm.key);
          const isBaseline = index === 0 || row?.baseline === arm.key;
          const verdict = verdictOf(row, results.alpha);
          const count = counts.get(arm.key);
          const value = count?.mean ?? null;
          const mean = value === null ? t('noData', 'not enough data') : kind === 'mean' ? formatNumber(value, { maximumFractionDigits: 3 }) : percent(value, 2);
          // Every row has its eight cells (no colSpan): the table's arrow keys move by column, and a
          // row with fewer cells would lose the table's one tab stop.
          const comparison = isBaseline
            ? [
                <Td key="lift" style={CELL}>
                  <Typography textColor="neutral600">{t('table.baseline', 'Baseline: the others are compared with it')}</Typography>
                </Td>,
                <Td key="interval" style={CELL}>
                  <Typography textColor="neutral600">—</Typography>
                </Td>,
                <Td key="chance" style={CELL}>
                  <Typography textColor="neutral600">—</Typography>
                </Td>,
                <Td key="verdict" style={CELL}>
                  <Typography textColor="neutral600">—</Typography>
                </Td>,
              ]
            : [
                <Td key="lift" style={CELL}>
                  <Typography>{row?.relative ? percent(row.relative.lift) : t('noData', 'not enough data')}</Typography>
                </Td>,
                <Td key="interval" style={CELL}>
                  <Typography>{row?.sequential ? interval(row.sequential.ci) : '—'}</Typography>
                </Td>,
                <Td key="chance" style={CELL}>
                  <Typography>{row?.chanceToWin === null || row?.chanceToWin === undefined ? '—' : percent(row.chanceToWin)}</Typography>
                </Td>,
                <Td key="verdict" style={CELL}>
                  <VerdictBadge verdict={verdict} t={t} />
                </Td>,
              ];
          return (
            <Tr key={arm.key} data-testid={`results-row-${arm.key}`}>
              <Td style={CELL}>
                <Flex gap={2}>
                  <Box width="1rem" height="1rem" hasRadius style={{ background: arms[index]?.color, flexShrink: 0 }} aria-hidden="true" />
                  <Flex direction="column" alignItems="flex-start">
                    <Typography fontWeight="bold">{arms[index]?.label ?? arm.key}</Typography>
                    <Typography variant="pi" textColor="neutral600">
                      {percent(arm.weight)}
                    </Typography>
                  </Flex>
                </Flex>
              </Td>
              <Td style={CELL}>
                <Typography data-testid={`units-${arm.key}`}>{formatNumber(arm.units)}</Typography>
              </Td>
              <Td style={CELL}>
                <Typography data-testid={`conversions-${arm.key}`}>{count ? formatNumber(count.conversions) : '—'}</Typography>
              </Td>
              <Td style={CELL}>
                <Typography>{mean}</Typography>
              </Td>
              {comparison}
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
};
