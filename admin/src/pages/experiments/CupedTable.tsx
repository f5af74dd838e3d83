import { Box, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { useIntl } from 'react-intl';

import type { ExperimentResult } from '../../api';
import { ColumnHeader } from '../../components/ColumnHeader';
import type { T } from '../../experiments/i18n';
import { shownInterval } from '../../experiments/verdict';
import { usePercent } from './charts';

const CELL: React.CSSProperties = { whiteSpace: 'normal' };

/**
 * CUPED beside the raw result (docs/statistics.md, "CUPED"): per arm, the raw relative lift and sequential interval,
 * the adjusted ones, and the variance reduction achieved (the share of visitors the same precision saves). Nothing
 * when the experiment has CUPED off (no `cuped` on the rows).
 */
export const CupedTable = ({
  goal,
  rows,
  kind,
  labelOf,
  t,
}: {
  goal: string;
  rows: readonly ExperimentResult[];
  kind: 'conversion' | 'mean';
  labelOf: (key: string) => string;
  t: T;
}) => {
  const percent = usePercent();
  const { formatNumber } = useIntl();
  const compared = rows.filter((row) => row.arm !== row.baseline && row.cuped !== undefined);
  if (compared.length === 0) return null;
  const interval = (ci: [number, number] | undefined | null) => {
    if (!ci) return t('noData', 'not enough data');
    const [low, high] = shownInterval(ci, kind);
    return t('table.interval', '{low} to {high}', { low: percent(low), high: percent(high) });
  };
  const lift = (value: number | undefined | null) => (value === undefined || value === null ? t('noData', 'not enough data') : percent(value));
  return (
    <Box style={{ overflowX: 'auto' }}>
      <Table colCount={6} rowCount={compared.length + 1} data-testid={`cuped-table-${goal}`}>
        <Thead>
          <Tr>
            <ColumnHeader style={CELL}>{t('cuped.arm', 'Arm (CUPED: pre-exposure adjusted)')}</ColumnHeader>
            <ColumnHeader style={CELL}>{t('cuped.rawLift', 'Raw lift')}</ColumnHeader>
            <ColumnHeader style={CELL}>{t('cuped.adjustedLift', 'Adjusted lift')}</ColumnHeader>
            <ColumnHeader style={CELL}>{t('cuped.rawInterval', 'Raw sequential interval')}</ColumnHeader>
            <ColumnHeader style={CELL}>{t('cuped.adjustedInterval', 'Adjusted sequential interval')}</ColumnHeader>
            <ColumnHeader style={CELL}>{t('cuped.reduction', 'Variance reduction')}</ColumnHeader>
          </Tr>
        </Thead>
        <Tbody>
          {compared.map((row) => {
            const cuped = row.cuped ?? null;
            const reduction =
              cuped === null || cuped.varianceReduction === null
                ? t('noData', 'not enough data')
                : cuped.adjusted
                  ? t('cuped.reductionValue', '{share} fewer visitors for the same precision', { share: percent(Math.max(0, cuped.varianceReduction)) })
                  : t('cuped.noCovariate', 'none: no visitor did the goal before exposure');
            return (
              <Tr key={row.arm} data-testid={`cuped-${goal}-${row.arm}`}>
                <Td style={CELL}>
                  <Typography fontWeight="semiBold">{labelOf(row.arm)}</Typography>
                </Td>
                <Td style={CELL}>
                  <Typography>{lift(row.relative?.lift)}</Typography>
                </Td>
                <Td style={CELL}>
                  <Typography fontWeight="semiBold">{lift(cuped?.relative.lift)}</Typography>
                </Td>
                <Td style={CELL}>
                  <Typography>{interval(row.sequential?.ci)}</Typography>
                </Td>
                <Td style={CELL}>
                  <Typography>{interval(cuped?.sequential.ci)}</Typography>
                </Td>
                <Td style={CELL}>
                  <Typography title={cuped ? `θ = ${formatNumber(cuped.theta, { maximumSignificantDigits: 4 })}` : undefined}>{reduction}</Typography>
                </Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>
    </Box>
  );
};
