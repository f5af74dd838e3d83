import { useCallback, useEffect, useState } from 'react';

import { Badge, Box, Button, Flex, Grid, Link, Typography } from '@strapi/design-system';
import { ArrowClockwise, Database, Server } from '@strapi/icons';
import { Layouts, Page, useFetchClient } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link as RouterLink } from 'react-router-dom';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

import { HEALTH_EVENT_RESULTS, type HealthEventResult } from '../../../contracts/src/admin/health';
import { getHealth, type HealthData, type HealthMinute, type HealthSrm } from '../api';
import { Figure } from '../components/Figure';
import { Section } from '../components/Section';
import { PLUGIN_ID } from '../pluginId';
import { PERMISSIONS } from '../utils/api';
import { getTranslation, type MessageValues } from '../utils/getTranslation';
import { ARM_COLORS, ChartFigure, EmptyChart, type ChartTable } from './experiments/charts';
import { eventsOf, hitRatio, hourTotals, meanMs } from './healthView';

type T = (key: string, defaultMessage: string, values?: MessageValues) => string;

/** The page reads the server again every minute, when the next bucket starts filling. */
const REFRESH_MS = 60_000;

const AXIS_FONT = { fontSize: 12 };
const LEGEND_STYLE: React.CSSProperties = { fontSize: 14, lineHeight: '20px' };
const MARGIN = { top: 8, right: 16, bottom: 8, left: 0 };
const PRIMARY = ARM_COLORS[0];
/** Every minute's point drawn: a minute with traffic between two without is a point, not a segment. */
const DOT = { r: 2.5 };
/** Every line of the page: a dot on each minute (one minute of traffic still draws), no animation. */
const LINE = { strokeWidth: 2, dot: DOT, connectNulls: true, isAnimationActive: false } as const;
const SECOND = ARM_COLORS[1];

const useT = (): T => {
  const { formatMessage } = useIntl();
  return useCallback<T>(
    (key, defaultMessage, values) => formatMessage({ id: getTranslation(`health.${key}`), defaultMessage }, values),
    [formatMessage]
  );
};

/** `10:42` in the admin's language. */
const useMinuteFormat = () => {
  const { formatTime } = useIntl();
  return (start: string) => formatTime(start, { hour: '2-digit', minute: '2-digit' });
};

const useNumbers = () => {
  const { formatNumber } = useIntl();
  return {
    count: (value: number) => formatNumber(value),
    ms: (value: number) => formatNumber(value, { maximumFractionDigits: value < 10 ? 2 : 0 }),
    percent: (value: number) => formatNumber(value, { style: 'percent', maximumFractionDigits: 1 }),
  };
};

/** The rows of a chart's table: the minutes with some of its traffic (an hour of zeros says nothing). */
const tableOf = (
  minutes: readonly HealthMinute[],
  columns: string[],
  has: (minute: HealthMinute) => boolean,
  cells: (minute: HealthMinute) => (string | number)[],
  minuteLabel: (start: string) => string
): ChartTable => ({
  columns,
  rows: minutes.filter(has).map((minute) => [minuteLabel(minute.start), ...cells(minute)]),
});

const EVENT_LABELS = (t: T): Record<HealthEventResult, string> => ({
  accepted: t('events.accepted', 'Accepted'),
  rejected: t('events.rejected', 'Rejected (malformed)'),
  duplicate: t('events.duplicate', 'Duplicate batch'),
  no_consent: t('events.noConsent', 'No consent'),
  suppressed: t('events.suppressed', 'Erased or opted out'),
  bot: t('events.bot', 'Bots'),
  rate_limited: t('events.rateLimited', 'Rate limited'),
  store_unavailable: t('events.storeUnavailable', 'Store unavailable'),
});

/* ---------------------------------------------------------------------------------------------- */

const StateFigures = ({ health, t }: { health: HealthData; t: T }) => {
  const storeKinds: Record<HealthData['store']['kind'], string> = {
    database: t('store.database', 'The app’s database'),
    redis: t('store.redis', 'Redis'),
    memory: t('store.memory', 'In process (lost on restart)'),
  };
  const redis = health.redis;
  return (
    <Grid.Root gap={4} data-testid="health-state">
      <Grid.Item col={6} xs={12} alignItems="stretch">
        <Figure
          testId="health-store"
          icon={<Database />}
          tone={health.store.up ? 'success' : 'danger'}
          label={t('store.label', 'Visitor store')}
          valueVariant="beta"
          value={health.store.up ? t('state.up', 'Up') : t('state.down', 'Down')}
          caption={
            <Flex gap={2} wrap="wrap">
              <Badge>{storeKinds[health.store.kind]}</Badge>
              <span>
                {health.store.up
                  ? t('store.up.caption', 'Answered a read just now')
                  : t('store.down.caption', 'Did not answer a read: events are refused (503) and profiles are not read')}
              </span>
            </Flex>
          }
        />
      </Grid.Item>
      <Grid.Item col={6} xs={12} alignItems="stretch">
        <Figure
          testId="health-redis"
          icon={<Server />}
          tone={redis === null ? 'neutral' : redis.connected ? 'success' : 'danger'}
          label={t('redis.label', 'Redis (shared cache and bus)')}
          valueVariant="beta"
          value={
            redis === null
              ? t('redis.notConfigured', 'Not configured')
              : redis.connected
                ? t('redis.connected', 'Connected')
                : t('redis.disconnected', 'Disconnected')
          }
          caption={
            redis === null
              ? t('redis.notConfigured.caption', 'In-process cache on this instance only')
              : redis.connected
                ? t('redis.connected.caption', 'Shared cache, purges and reloads reach every instance')
                : t(
                    'redis.disconnected.caption',
                    'Serving from memory until Redis is back; other instances may serve stale entries'
                  )
          }
        />
      </Grid.Item>
    </Grid.Root>
  );
};

const SrmBanner = ({ experiment, t }: { experiment: HealthSrm; t: T }) => {
  const { formatNumber } = useIntl();
  return (
    <Box
      background="neutral0"
      borderColor="danger600"
      borderWidth="1px 1px 1px 6px"
      borderStyle="solid"
      hasRadius
      padding={5}
      data-testid="health-srm-banner"
    >
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Typography variant="delta" tag="h3" textColor="danger700">
          {t('srm.title', 'Sample ratio mismatch in “{name}”', { name: experiment.name })}
        </Typography>
        <Typography>
          {t(
            'srm.body',
            'Visitors are not split between its arms as the weights say (p = {p}): its results are biased until the cause is fixed.',
            {
              p:
                experiment.pValue === null
                  ? '—'
                  : formatNumber(experiment.pValue, { notation: 'scientific', maximumFractionDigits: 1 }),
            }
          )}
        </Typography>
        <Box>
          <Link tag={RouterLink} to={`/plugins/${PLUGIN_ID}/experiments/${experiment.documentId}/results`}>
            {t('srm.link', 'Open the results of “{name}”', { name: experiment.name })}
          </Link>
        </Box>
      </Flex>
    </Box>
  );
};

const ExperimentAlarms = ({ health, t }: { health: HealthData; t: T }) => {
  const { experiments } = health;
  const alarms = experiments.srm.filter((experiment) => experiment.alarm);
  return (
    <Section
      testId="health-experiments"
      title={t('experiments.title', 'Running experiments')}
      description={t(
        'experiments.description',
        'Sample-ratio checks of every running experiment, as their results pages compute them.'
      )}
    >
      <Flex direction="column" alignItems="stretch" gap={3} role="status">
        {experiments.countsUnavailable ? (
          <Typography textColor="danger600" data-testid="health-counts-unavailable">
            {t('experiments.unavailable', 'The visitor store cannot read the experiments’ counts now: their checks are unknown.')}
          </Typography>
        ) : experiments.srm.length === 0 ? (
          <Typography textColor="neutral600">{t('experiments.none', 'No experiment is running.')}</Typography>
        ) : alarms.length === 0 ? (
          <Flex gap={2} wrap="wrap">
            <Typography textColor="neutral700">
              {t(
                'experiments.ok',
                '{count, plural, one {# running experiment, split} other {# running experiments, each split}} as its weights say.',
                {
                  count: experiments.srm.length,
                }
              )}
            </Typography>
          </Flex>
        ) : (
          <Flex gap={2} wrap="wrap">
            <Typography textColor="danger700" fontWeight="bold">
              {t(
                'experiments.alarms',
                '{count, plural, one {# experiment has} other {# experiments have}} a sample ratio mismatch.',
                { count: alarms.length }
              )}
            </Typography>
          </Flex>
        )}
      </Flex>
      {alarms.map((experiment) => (
        <SrmBanner key={experiment.documentId} experiment={experiment} t={t} />
      ))}
    </Section>
  );
};

/* ---------------------------------------------------------------------------------------------- */

const Charts = ({ minutes, t }: { minutes: HealthMinute[]; t: T }) => {
  const minute = useMinuteFormat();
  const numbers = useNumbers();
  const totals = hourTotals(minutes);
  const timeColumn = t('chart.minute', 'Minute');
  const xAxis = <XAxis dataKey="start" tickFormatter={minute} tick={AXIS_FONT} minTickGap={24} />;
  const eventLabels = EVENT_LABELS(t);
  // Only the results seen this hour get a series: eight empty legends would say nothing.
  const eventResults = HEALTH_EVENT_RESULTS.filter((result) => minutes.some((row) => row.events[result] > 0));
  const empty = t('chart.empty', 'Nothing in the last hour.');
  const latency = minutes.map((row) => ({ start: row.start, p95: row.latency.p95Ms, mean: meanMs(row) }));
  const ratio = minutes.map((row) => ({ start: row.start, ratio: hitRatio(row) }));

  const decisionsTitle = t('chart.decisions.title', 'Decisions per minute');
  const latencyTitle = t('chart.latency.title', 'Decision time (ms)');
  const cacheTitle = t('chart.cache.title', 'Response cache hit ratio');
  const eventsTitle = t('chart.events.title', 'Events per minute, by result');
  const exposuresTitle = t('chart.exposures.title', 'First exposures per minute');

  return (
    <Grid.Root gap={4}>
      <Grid.Item col={6} xs={12} alignItems="stretch" direction="column">
        {totals.decisions === 0 ? (
          <EmptyChart testId="health-chart-decisions" title={decisionsTitle} text={empty} />
        ) : (
          <ChartFigure
            testId="health-chart-decisions"
            title={decisionsTitle}
            description={t('chart.decisions.description', 'Entries served with personalization: {total} this hour.', {
              total: numbers.count(totals.decisions),
            })}
            table={tableOf(
              minutes,
              [timeColumn, t('chart.decisions.column', 'Decisions')],
              (row) => row.decisions > 0,
              (row) => [numbers.count(row.decisions)],
              minute
            )}
          >
            <BarChart data={minutes} margin={MARGIN} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              {xAxis}
              <YAxis allowDecimals={false} tick={AXIS_FONT} width={40} />
              <Tooltip labelFormatter={(label) => minute(String(label))} />
              <Bar dataKey="decisions" name={t('chart.decisions.column', 'Decisions')} fill={PRIMARY} isAnimationActive={false} />
            </BarChart>
          </ChartFigure>
        )}
      </Grid.Item>
      <Grid.Item col={6} xs={12} alignItems="stretch" direction="column">
        {totals.requests === 0 ? (
          <EmptyChart testId="health-chart-latency" title={latencyTitle} text={empty} />
        ) : (
          <ChartFigure
            testId="health-chart-latency"
            title={latencyTitle}
            description={t(
              'chart.latency.description',
              'From a request’s arrival to its response: the mean, and the 95th percentile estimated from a histogram.'
            )}
            table={tableOf(
              minutes,
              [
                timeColumn,
                t('chart.latency.requests', 'Requests'),
                t('chart.latency.mean', 'Mean'),
                t('chart.latency.p95', '95th percentile'),
              ],
              (row) => row.latency.count > 0,
              (row) => [numbers.count(row.latency.count), numbers.ms(meanMs(row) ?? 0), numbers.ms(row.latency.p95Ms ?? 0)],
              minute
            )}
          >
            <LineChart data={latency} margin={MARGIN} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              {xAxis}
              <YAxis tick={AXIS_FONT} width={40} />
              <Tooltip
                labelFormatter={(label) => minute(String(label))}
                formatter={(value) => (typeof value === 'number' ? numbers.ms(value) : String(value))}
              />
              <Legend verticalAlign="top" wrapperStyle={LEGEND_STYLE} />
              <Line dataKey="p95" name={t('chart.latency.p95', '95th percentile')} stroke={PRIMARY} {...LINE} />
              <Line dataKey="mean" name={t('chart.latency.mean', 'Mean')} stroke={SECOND} {...LINE} />
            </LineChart>
          </ChartFigure>
        )}
      </Grid.Item>
      <Grid.Item col={6} xs={12} alignItems="stretch" direction="column">
        {totals.hitRatio === null ? (
          <EmptyChart testId="health-chart-cache" title={cacheTitle} text={empty} />
        ) : (
          <ChartFigure
            testId="health-chart-cache"
            title={cacheTitle}
            description={t(
              'chart.cache.description',
              'Responses served from the cache (in memory or Redis) per lookup: {ratio} this hour.',
              {
                ratio: numbers.percent(totals.hitRatio),
              }
            )}
            table={tableOf(
              minutes,
              [timeColumn, t('chart.cache.ratio', 'Hit ratio'), t('chart.cache.lookups', 'Lookups')],
              (row) => hitRatio(row) !== null,
              (row) => [numbers.percent(hitRatio(row) ?? 0), numbers.count(row.cache.l1Hits + row.cache.l1Misses)],
              minute
            )}
          >
            <LineChart data={ratio} margin={MARGIN} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" />
              {xAxis}
              <YAxis domain={[0, 1]} tickFormatter={(value: number) => numbers.percent(value)} tick={AXIS_FONT} width={48} />
              <Tooltip
                labelFormatter={(label) => minute(String(label))}
                formatter={(value) => (typeof value === 'number' ? numbers.percent(value) : String(value))}
              />
              <Line dataKey="ratio" name={t('chart.cache.ratio', 'Hit ratio')} stroke={PRIMARY} {...LINE} />
            </LineChart>
          </ChartFigure>
        )}
      </Grid.Item>
      <Grid.Item col={6} xs={12} alignItems="stretch" direction="column">
        {totals.exposures === 0 ? (
          <EmptyChart testId="health-chart-exposures" title={exposuresTitle} text={empty} />
        ) : (
          <ChartFigure
            testId="health-chart-exposures"
            title={exposuresTitle}
            description={t(
              'chart.exposures.description',
              'Visitors counted in an experiment for the first time: {total} this hour.',
              { total: numbers.count(totals.exposures) }
            )}
            table={tableOf(
              minutes,
              [timeColumn, t('chart.exposures.column', 'First exposures')],
              (row) => row.exposures > 0,
              (row) => [numbers.count(row.exposures)],
              minute
            )}
          >
            <BarChart data={minutes} margin={MARGIN} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              {xAxis}
              <YAxis allowDecimals={false} tick={AXIS_FONT} width={40} />
              <Tooltip labelFormatter={(label) => minute(String(label))} />
              <Bar
                dataKey="exposures"
                name={t('chart.exposures.column', 'First exposures')}
                fill={ARM_COLORS[2]}
                isAnimationActive={false}
              />
            </BarChart>
          </ChartFigure>
        )}
      </Grid.Item>
      <Grid.Item col={12} alignItems="stretch" direction="column">
        {totals.events === 0 ? (
          <EmptyChart testId="health-chart-events" title={eventsTitle} text={empty} />
        ) : (
          <ChartFigure
            testId="health-chart-events"
            title={eventsTitle}
            description={t(
              'chart.events.description',
              '{total} events this hour, {refused} of them not kept (malformed, duplicates, no consent, bots, rate limits, store down).',
              {
                total: numbers.count(totals.events),
                refused: numbers.count(totals.eventsRefused),
              }
            )}
            table={tableOf(
              minutes,
              [timeColumn, ...eventResults.map((result) => eventLabels[result])],
              (row) => eventsOf(row) > 0,
              (row) => eventResults.map((result) => numbers.count(row.events[result])),
              minute
            )}
          >
            <BarChart data={minutes} margin={MARGIN} accessibilityLayer={false}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              {xAxis}
              <YAxis allowDecimals={false} tick={AXIS_FONT} width={40} />
              <Tooltip labelFormatter={(label) => minute(String(label))} />
              <Legend verticalAlign="top" wrapperStyle={LEGEND_STYLE} />
              {eventResults.map((result) => (
                <Bar
                  key={result}
                  dataKey={(row: HealthMinute) => row.events[result]}
                  name={eventLabels[result]}
                  stackId="events"
                  fill={ARM_COLORS[HEALTH_EVENT_RESULTS.indexOf(result) % ARM_COLORS.length]}
                  isAnimationActive={false}
                />
              ))}
            </BarChart>
          </ChartFigure>
        )}
      </Grid.Item>
    </Grid.Root>
  );
};

/* ---------------------------------------------------------------------------------------------- */

const HealthContent = () => {
  const t = useT();
  const { formatTime } = useIntl();
  const client = useFetchClient();
  const [health, setHealth] = useState<HealthData | null>(null);
  const [failed, setFailed] = useState(false);
  const [refreshing, setRefreshing] = useState(false);

  const load = useCallback(async () => {
    try {
      setHealth(await getHealth(client));
      setFailed(false);
    } catch {
      setFailed(true);
    }
    // The fetch client is a new object each render; its calls are the same.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const refresh = async () => {
    setRefreshing(true);
    await load();
    setRefreshing(false);
  };

  if (failed && !health) return <Page.Error />;
  if (!health) return <Page.Loading />;

  return (
    <Layouts.Root>
      <Page.Title>{t('pageTitle', 'Personalize health')}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={t('title', 'Health')}
          subtitle={t(
            'subtitle',
            'What this instance did in the last hour, minute by minute, and what is wrong now. Read at {time}.',
            {
              time: formatTime(health.generatedAt, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
            }
          )}
          primaryAction={
            <Button variant="tertiary" startIcon={<ArrowClockwise />} loading={refreshing} onClick={refresh}>
              {t('refresh', 'Refresh')}
            </Button>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <StateFigures health={health} t={t} />
            <ExperimentAlarms health={health} t={t} />
            <Charts minutes={health.minutes} t={t} />
          </Flex>
        </Layouts.Content>
      </Page.Main>
    </Layouts.Root>
  );
};

export const HealthPage = () => (
  <Page.Protect permissions={PERMISSIONS.settings}>
    <HealthContent />
  </Page.Protect>
);

export default HealthPage;
