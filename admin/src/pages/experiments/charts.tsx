import { useEffect, useRef } from 'react';

import { Box, Flex, Typography, VisuallyHidden } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ErrorBar,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import { SectionTitle } from '../../components/SectionTitle';
import type { BanditPoint, CumulativeDay } from '../../experiments/daily';
import type { T } from '../../experiments/i18n';
import type { LiftRow } from '../../experiments/verdict';

/**
 * Colors of the arms, in order: the admin's primary first, distinguishable with common color
 * blindness, and each at least 4.5:1 against white, so a legend's text in it reads at WCAG AA (and
 * its lines and bars are well above the 3:1 of graphics).
 */
export const ARM_COLORS = ['#4945ff', '#ad5700', '#007a55', '#d02b20', '#8a4bd6', '#0a6aa1', '#a3437a', '#666687'];

export interface ChartArm {
  key: string;
  label: string;
  color: string;
}

export const chartArms = (arms: readonly { key: string; name?: string | null }[]): ChartArm[] =>
  arms.map((arm, index) => ({ key: arm.key, label: arm.name || arm.key, color: ARM_COLORS[index % ARM_COLORS.length] }));

export interface ChartTable {
  columns: string[];
  rows: (string | number)[][];
}

const HEIGHT = 280;
const AXIS_FONT = { fontSize: 12 };
/** The admin's root font is 10 px: the legend, HTML inside the chart, says its own size. */
const LEGEND_STYLE: React.CSSProperties = { fontSize: 14, lineHeight: '20px' };

/**
 * Keeps a chart's drawing out of the tab order. Recharts draws its layers (grid, axes, labels) into
 * `<g>` elements through React portals; React listens for focus events on every portal's container,
 * and Chromium makes an SVG element with focus listeners a tab stop: half a dozen invisible, 0×0 tab
 * stops per chart, inside the drawing's `aria-hidden`. An explicit `tabindex="-1"` takes them out of
 * the tab order (a mouse still gets the tooltips, which `inert` would switch off).
 */
const useNoTabStops = () => {
  const drawing = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = drawing.current;
    if (!root) return undefined;
    const untab = () => {
      for (const element of Array.from(root.querySelectorAll('svg, g'))) {
        if (!element.hasAttribute('tabindex')) element.setAttribute('tabindex', '-1');
      }
    };
    untab();
    // Layers come and go as the chart redraws (resizes, new data).
    const observer = new MutationObserver(untab);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return drawing;
};

/**
 * A chart with its title, what it shows, and the same data as a table for screen readers (the
 * drawing itself is hidden from them). Every chart sets `accessibilityLayer={false}`: recharts would
 * otherwise make its drawing a tab stop inside that `aria-hidden` drawing, a focus nobody can see or
 * hear; the table says the same to a screen reader. For the same reason its layers are no tab stops
 * (`useNoTabStops`).
 */
export const ChartFigure = ({
  title,
  description,
  table,
  testId,
  children,
}: {
  title: string;
  description?: string;
  table: ChartTable;
  testId: string;
  children: React.ReactElement;
}) => {
  const drawing = useNoTabStops();
  return (
    <Flex
      tag="figure"
      direction="column"
      alignItems="stretch"
      gap={3}
      margin={0}
      padding={5}
      hasRadius
      background="neutral0"
      shadow="tableShadow"
      data-testid={testId}
    >
      <SectionTitle title={title} description={description} level="h3" tag="figcaption" />
      <Box ref={drawing} aria-hidden="true" style={{ width: '100%', height: HEIGHT }} data-testid={`${testId}-drawing`}>
        <ResponsiveContainer width="100%" height={HEIGHT}>
          {children}
        </ResponsiveContainer>
      </Box>
      <VisuallyHidden>
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              {table.columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row, index) => (
              <tr key={index}>
                {row.map((cell, column) =>
                  column === 0 ? (
                    <th key={column} scope="row">
                      {cell}
                    </th>
                  ) : (
                    <td key={column}>{cell}</td>
                  )
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </VisuallyHidden>
    </Flex>
  );
};

/** A chart's place while it has nothing to draw: its title and why. */
export const EmptyChart = ({ title, text, testId }: { title: string; text: string; testId: string }) => (
  <Flex
    direction="column"
    alignItems="stretch"
    gap={3}
    padding={5}
    hasRadius
    background="neutral0"
    shadow="tableShadow"
    data-testid={testId}
  >
    <Typography variant="delta" tag="h3">
      {title}
    </Typography>
    <Typography textColor="neutral600">{text}</Typography>
  </Flex>
);

/** `2026-11-25` as the admin's language writes a short day. */
export const useDayFormat = () => {
  const { formatDate } = useIntl();
  return (day: string) => formatDate(`${day}T00:00:00Z`, { month: 'short', day: 'numeric', timeZone: 'UTC' });
};

export const usePercent = () => {
  const { formatNumber } = useIntl();
  return (value: number, digits = 1) => formatNumber(value, { style: 'percent', maximumFractionDigits: digits });
};

const axisLabel = (value: string, axis: 'x' | 'y') =>
  axis === 'x'
    ? { value, position: 'insideBottom' as const, offset: -4, style: { fontSize: 12, fill: '#666687' } }
    : {
        value,
        angle: -90,
        position: 'insideLeft' as const,
        style: { fontSize: 12, fill: '#666687', textAnchor: 'middle' as const },
      };

const MARGIN = { top: 8, right: 24, bottom: 24, left: 16 };

/** Cumulative units per arm per day. */
export const UnitsChart = ({ days, arms, t }: { days: CumulativeDay[]; arms: ChartArm[]; t: T }) => {
  const day = useDayFormat();
  const { formatNumber } = useIntl();
  return (
    <ChartFigure
      testId="chart-units"
      title={t('chart.units.title', 'Visitors in each arm (cumulative)')}
      description={t('chart.units.description', 'Visitors exposed to each arm since the start, by day (UTC).')}
      table={{
        columns: [t('chart.day', 'Day'), ...arms.map((arm) => arm.label)],
        rows: days.map((row) => [day(row.date), ...arms.map((arm) => formatNumber(row.arms[arm.key]?.units ?? 0))]),
      }}
    >
      <LineChart data={days} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="date" tickFormatter={day} tick={AXIS_FONT} label={axisLabel(t('chart.day', 'Day'), 'x')} />
        <YAxis allowDecimals={false} tick={AXIS_FONT} label={axisLabel(t('chart.units.axis', 'Visitors'), 'y')} />
        <Tooltip labelFormatter={(label) => day(String(label))} />
        <Legend verticalAlign="top" wrapperStyle={LEGEND_STYLE} itemSorter={null} />
        {arms.map((arm) => (
          <Line
            key={arm.key}
            type="monotone"
            dataKey={(row: CumulativeDay) => row.arms[arm.key]?.units ?? 0}
            name={arm.label}
            stroke={arm.color}
            strokeWidth={2}
            dot={days.length < 30}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFigure>
  );
};

/** Cumulative conversion rate per arm per day. */
export const RateChart = ({ days, arms, goal, t }: { days: CumulativeDay[]; arms: ChartArm[]; goal: string; t: T }) => {
  const day = useDayFormat();
  const percent = usePercent();
  return (
    <ChartFigure
      testId="chart-rate"
      title={t('chart.rate.title', 'Conversion rate of each arm (cumulative)')}
      description={t(
        'chart.rate.description',
        'Share of each arm’s visitors who sent “{goal}”, counted from the start, by day of first exposure.',
        { goal }
      )}
      table={{
        columns: [t('chart.day', 'Day'), ...arms.map((arm) => arm.label)],
        rows: days.map((row) => [
          day(row.date),
          ...arms.map((arm) => {
            const rate = row.arms[arm.key]?.rate;
            return rate === null || rate === undefined ? t('noData.short', 'no data') : percent(rate, 2);
          }),
        ]),
      }}
    >
      <LineChart data={days} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="date" tickFormatter={day} tick={AXIS_FONT} label={axisLabel(t('chart.day', 'Day'), 'x')} />
        <YAxis
          tickFormatter={(value: number) => percent(value)}
          tick={AXIS_FONT}
          label={axisLabel(t('chart.rate.axis', 'Conversion rate'), 'y')}
        />
        <Tooltip
          labelFormatter={(label) => day(String(label))}
          formatter={(value) => (typeof value === 'number' ? percent(value, 2) : String(value))}
        />
        <Legend verticalAlign="top" wrapperStyle={LEGEND_STYLE} itemSorter={null} />
        {arms.map((arm) => (
          <Line
            key={arm.key}
            type="monotone"
            dataKey={(row: CumulativeDay) => row.arms[arm.key]?.rate ?? null}
            name={arm.label}
            stroke={arm.color}
            strokeWidth={2}
            dot={days.length < 30}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFigure>
  );
};

/**
 * Relative lift of each arm against the baseline, with its sequential interval as error bars. `figure` names it
 * otherwise (a multivariate factor's levels against its first level).
 */
export const LiftChart = ({
  rows,
  arms,
  t,
  figure,
}: {
  rows: LiftRow[];
  arms: ChartArm[];
  t: T;
  figure?: { testId: string; title: string; description: string; column: string };
}) => {
  const percent = usePercent();
  const labelOf = (key: string) => arms.find((arm) => arm.key === key)?.label ?? key;
  const data = rows.map((row) => ({ ...row, label: labelOf(row.arm) }));
  return (
    <ChartFigure
      testId={figure?.testId ?? 'chart-lift'}
      title={figure?.title ?? t('chart.lift.title', 'Lift against the baseline, with its sequential interval')}
      description={
        figure?.description ??
        t(
          'chart.lift.description',
          'Bars: relative lift of each arm. Whiskers: the sequential (always-valid) 95% interval, the one to read every day. An interval entirely above 0% means the arm is better.'
        )
      }
      table={{
        columns: [
          figure?.column ?? t('chart.arm', 'Arm'),
          t('chart.lift.lift', 'Relative lift'),
          t('chart.lift.interval', 'Sequential 95% interval'),
        ],
        rows: data.map((row) => [
          row.label,
          percent(row.lift),
          t('table.interval', '{low} to {high}', { low: percent(row.low), high: percent(row.high) }),
        ]),
      }}
    >
      <BarChart data={data} layout="vertical" margin={{ ...MARGIN, left: 24 }} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" horizontal={false} />
        <XAxis
          type="number"
          tickFormatter={(value: number) => percent(value, 0)}
          domain={['auto', 'auto']}
          tick={AXIS_FONT}
          label={axisLabel(t('chart.lift.axis', 'Relative lift against the baseline'), 'x')}
        />
        <YAxis type="category" dataKey="label" width={140} tick={AXIS_FONT} />
        <Tooltip
          formatter={(value, _name, item) => {
            const row = item.payload as LiftRow;
            return [
              `${percent(Number(value))} (${t('table.interval', '{low} to {high}', { low: percent(row.low), high: percent(row.high) })})`,
              t('chart.lift.lift', 'Relative lift'),
            ];
          }}
        />
        <ReferenceLine x={0} stroke="#32324d" ifOverflow="extendDomain" />
        <Bar dataKey="lift" name={t('chart.lift.lift', 'Relative lift')} isAnimationActive={false} barSize={22}>
          {data.map((row) => (
            <Cell key={row.arm} fill={arms.find((arm) => arm.key === row.arm)?.color ?? ARM_COLORS[1]} />
          ))}
          {/* Not animated: recharts 3 grows the whiskers from a scaled transform, and a screenshot (or a reader) caught
              mid-way sees them short of their interval. */}
          <ErrorBar dataKey="error" direction="x" width={8} strokeWidth={2} stroke="#32324d" isAnimationActive={false} />
        </Bar>
      </BarChart>
    </ChartFigure>
  );
};

/** Bandit weights (or P(best)) of each arm over time, from the start record and each update. */
export const BanditChart = ({
  points,
  arms,
  metric,
  t,
}: {
  points: BanditPoint[];
  arms: ChartArm[];
  metric: 'weights' | 'pBest';
  t: T;
}) => {
  const { formatDate } = useIntl();
  const percent = usePercent();
  const at = (value: string) => formatDate(value, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const data = metric === 'weights' ? points : points.filter((point) => point.pBest !== null);
  const valueOf = (point: BanditPoint, key: string) => (metric === 'weights' ? point.weights[key] : point.pBest?.[key]) ?? null;
  const title =
    metric === 'weights'
      ? t('chart.weights.title', 'Bandit weights over time')
      : t('chart.pBest.title', 'Chance of being the best arm over time');
  return (
    <ChartFigure
      testId={metric === 'weights' ? 'chart-weights' : 'chart-pbest'}
      title={title}
      description={
        metric === 'weights'
          ? t(
              'chart.weights.description',
              'Share of new visitors sent to each arm, at the start and after each update. Visitors already in an arm stay in it.'
            )
          : t('chart.pBest.description', 'P(best): the probability that each arm has the highest mean, computed at each update.')
      }
      table={{
        columns: [t('chart.time', 'Time'), ...arms.map((arm) => arm.label)],
        rows: data.map((point) => [
          at(point.at),
          ...arms.map((arm) => {
            const value = valueOf(point, arm.key);
            return value === null ? '' : percent(value);
          }),
        ]),
      }}
    >
      <LineChart data={data} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="at" tickFormatter={at} tick={AXIS_FONT} label={axisLabel(t('chart.time', 'Time'), 'x')} />
        <YAxis
          domain={[0, 1]}
          tickFormatter={(value: number) => percent(value, 0)}
          tick={AXIS_FONT}
          label={axisLabel(metric === 'weights' ? t('chart.weights.axis', 'Weight') : t('chart.pBest.axis', 'P(best)'), 'y')}
        />
        <Tooltip
          labelFormatter={(label) => at(String(label))}
          formatter={(value) => (typeof value === 'number' ? percent(value) : String(value))}
        />
        <Legend verticalAlign="top" wrapperStyle={LEGEND_STYLE} itemSorter={null} />
        {arms.map((arm) => (
          <Line
            key={arm.key}
            type={metric === 'weights' ? 'stepAfter' : 'monotone'}
            dataKey={(point: BanditPoint) => valueOf(point, arm.key)}
            name={arm.label}
            stroke={arm.color}
            strokeWidth={2}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ChartFigure>
  );
};
