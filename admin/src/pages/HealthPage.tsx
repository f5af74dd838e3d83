import { useCallback, useEffect, useState } from 'react';

import { Badge, Box, Button, Flex, Grid, Link, Typography } from '@strapi/design-system';
import { ArrowClockwise, Database, Message, Server } from '@strapi/icons';
import { Layouts, Page, useFetchClient } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import { Link as RouterLink } from 'react-router-dom';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';

import { HEALTH_EVENT_RESULTS, type HealthEventResult } from '../../../contracts/src/admin/health';
import { getHealth, type HealthBus, type HealthData, type HealthMinute, type HealthSrm } from '../api';
import { Figure } from '../components/Figure';
import { HealthGuardrailBanners } from './HealthGuardrailBanners';
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

/** A part of the plugin's state: not configured (null), fine (true) or failing (false), in its grid cell. */
const StateFigure = ({
  testId,
  icon,
  label,
  state,
  values,
  caption,
}: {
  testId: string;
  icon: React.ReactNode;
  label: string;
  state: boolean | null;
  /** The figure when not configured, fine and failing. */
  values: [string, string, string];
  caption: React.ReactNode;
}) => (
  <Grid.Item col={4} s={12} xs={12} alignItems="stretch">
    <Figure
      testId={testId}
      icon={icon}
      tone={state === null ? 'neutral' : state ? 'success' : 'danger'}
      label={label}
      valueVariant="beta"
      value={state === null ? values[0] : state ? values[1] : values[2]}
      caption={caption}
    />
  </Grid.Item>
);

/** The instance bus's lines: the last message heard (and how late), the last read of its generation. */
const busLines = (bus: HealthBus | null, t: T, time: (iso: string) => string, number: (value: number) => string) => {
  if (bus === null) return [t('bus.notConfigured.caption', 'Without Redis each instance purges its own cache: there is no bus')];
  const heard =
    bus.lastMessageAt === null
      ? t('bus.noMessage', 'No message heard since this instance started')
      : bus.lastLagMs === null
        ? t('bus.lastMessage.noLag', 'Last message heard at {time}', { time: time(bus.lastMessageAt) })
        : t('bus.lastMessage', 'Last message heard at {time}, {lag} ms after it was sent', {
            time: time(bus.lastMessageAt),
            lag: number(bus.lastLagMs),
          });
  const polled =
    bus.polledAt === null || bus.generation === null
      ? t('bus.notPolled', 'Its generation not read yet')
      : t('bus.generation', 'Generation {generation} read at {time} (every second)', {
          generation: number(bus.generation),
          time: time(bus.polledAt),
        });
  return [heard, polled];
};

const StateFigures = ({ health, t }: { health: HealthData; t: T }) => {
  const { formatTime, formatNumber } = useIntl();
  const storeKinds: Record<HealthData['store']['kind'], string> = {
    database: t('store.database', 'The app’s database'),
    redis: t('store.redis', 'Redis'),
    memory: t('store.memory', 'In process (lost on restart)'),
  };
  const { redis, bus } = health;
  const notConfigured = t('redis.notConfigured', 'Not configured');
  const lines = busLines(
    bus,
    t,
    (iso) => formatTime(iso, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    (value) => formatNumber(value, { maximumFractionDigits: 1 })
  );
  return (
    <Grid.Root gap={4} data-testid="health-state">
      <StateFigure
        testId="health-store"
        icon={<Database />}
        label={t('store.label', 'Visitor store')}
        state={health.store.up}
        values={[notConfigured, t('state.up', 'Up'), t('state.down', 'Down')]}
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
      <StateFigure
        testId="health-redis"
        icon={<Server />}
        label={t('redis.label', 'Redis (shared cache and bus)')}
        state={redis === null ? null : redis.connected}
        values={[notConfigured, t('redis.connected', 'Connected'), t('redis.disconnected', 'Disconnected')]}
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
      <StateFigure
        testId="health-bus"
        icon={<Message />}
        label={t('bus.label', 'Instance bus (Redis pub/sub)')}
        state={bus === null ? null : bus.subscribed}
        values={[notConfigured, t('bus.subscribed', 'Listening'), t('bus.notSubscribed', 'Not listening')]}
        caption={
          <Flex direction="column" alignItems="flex-start" gap={1}>
            {lines.map((line) => (
              <span key={line}>{line}</span>
            ))}
          </Flex>
        }
      />
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
        'Sample-ratio checks and guardrails of every running experiment, as their results pages compute them.'
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
      <HealthGuardrailBanners guardrails={experiments.guardrails} />
    </Section>
  );
};

/* ---------------------------------------------------------------------------------------------- */

/**
 * One chart of the page in its grid cell: the figure with its drawing and its table for screen
 * readers, or, without any of its traffic this hour, its title and a line saying so.
 */
const HealthChart = ({
  testId,
  title,
  isEmpty,
  description,
  table,
  wide = false,
  children,
}: {
  testId: string;
  title: string;
  isEmpty: boolean;
  description: string;
  table: ChartTable;
  wide?: boolean;
  children: React.ReactElement;
}) => {
  const t = useT();
  return (
    <Grid.Item col={wide ? 12 : 6} xs={12} alignItems="stretch" direction="column">
      {isEmpty ? (
        <EmptyChart testId={testId} title={title} text={t('chart.empty', 'Nothing in the last hour.')} />
      ) : (
        <ChartFigure testId={testId} title={title} description={description} table={table}>
          {children}
        </ChartFigure>
      )}
    </Grid.Item>
  );
};

const Charts = ({ minutes, t }: { minutes: HealthMinute[]; t: T }) => {
  const minute = useMinuteFormat();
  const numbers = useNumbers();
  const totals = hourTotals(minutes);
  const timeColumn = t('chart.minute', 'Minute');
  const xAxis = <XAxis dataKey="start" tickFormatter={minute} tick={AXIS_FONT} minTickGap={24} />;
  const tooltipLabel = (label: unknown) => minute(String(label));
  const eventLabels = EVENT_LABELS(t);
  // Only the results seen this hour get a series: eight empty legends would say nothing.
  const eventResults = HEALTH_EVENT_RESULTS.filter((result) => minutes.some((row) => row.events[result] > 0));
  const latency = minutes.map((row) => ({ start: row.start, p95: row.latency.p95Ms, mean: meanMs(row) }));
  const ratio = minutes.map((row) => ({ start: row.start, ratio: hitRatio(row) }));
  /** The table of a chart: the minute, then `cells`, for the minutes where `has` is true. */
  const table = (columns: string[], has: (row: HealthMinute) => boolean, cells: (row: HealthMinute) => (string | number)[]) =>
    tableOf(minutes, [timeColumn, ...columns], has, cells, minute);
  /** Bars per minute (one series, or stacked ones with a legend). */
  const minuteBars = (bars: React.ReactNode, legend = false) => (
    <BarChart data={minutes} margin={MARGIN} accessibilityLayer={false}>
      <CartesianGrid strokeDasharray="3 3" vertical={false} />
      {xAxis}
      <YAxis allowDecimals={false} tick={AXIS_FONT} width={40} />
      <Tooltip labelFormatter={tooltipLabel} />
      {legend && <Legend verticalAlign="top" wrapperStyle={LEGEND_STYLE} />}
      {bars}
    </BarChart>
  );

  const decisionsColumn = t('chart.decisions.column', 'Decisions');
  const exposuresColumn = t('chart.exposures.column', 'First exposures');
  const p95Column = t('chart.latency.p95', '95th percentile');
  const meanColumn = t('chart.latency.mean', 'Mean');
  const ratioColumn = t('chart.cache.ratio', 'Hit ratio');

  return (
    <Grid.Root gap={4}>
      <HealthChart
        testId="health-chart-decisions"
        title={t('chart.decisions.title', 'Decisions per minute')}
        isEmpty={totals.decisions === 0}
        description={t('chart.decisions.description', 'Entries served with personalization: {total} this hour.', {
          total: numbers.count(totals.decisions),
        })}
        table={table(
          [decisionsColumn],
          (row) => row.decisions > 0,
          (row) => [numbers.count(row.decisions)]
        )}
      >
        {minuteBars(<Bar dataKey="decisions" name={decisionsColumn} fill={PRIMARY} isAnimationActive={false} />)}
      </HealthChart>
      <HealthChart
        testId="health-chart-latency"
        title={t('chart.latency.title', 'Decision time (ms)')}
        isEmpty={totals.requests === 0}
        description={t(
          'chart.latency.description',
          'From a request’s arrival to its response: the mean, and the 95th percentile estimated from a histogram.'
        )}
        table={table(
          [t('chart.latency.requests', 'Requests'), meanColumn, p95Column],
          (row) => row.latency.count > 0,
          (row) => [numbers.count(row.latency.count), numbers.ms(meanMs(row) ?? 0), numbers.ms(row.latency.p95Ms ?? 0)]
        )}
      >
        <LineChart data={latency} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          {xAxis}
          <YAxis tick={AXIS_FONT} width={40} />
          <Tooltip
            labelFormatter={tooltipLabel}
            formatter={(value) => (typeof value === 'number' ? numbers.ms(value) : String(value))}
          />
          <Legend verticalAlign="top" wrapperStyle={LEGEND_STYLE} />
          <Line dataKey="p95" name={p95Column} stroke={PRIMARY} {...LINE} />
          <Line dataKey="mean" name={meanColumn} stroke={SECOND} {...LINE} />
        </LineChart>
      </HealthChart>
      <HealthChart
        testId="health-chart-cache"
        title={t('chart.cache.title', 'Response cache hit ratio')}
        isEmpty={totals.hitRatio === null}
        description={t(
          'chart.cache.description',
          'Responses served from the cache (in memory or Redis) per lookup: {ratio} this hour.',
          {
            ratio: numbers.percent(totals.hitRatio ?? 0),
          }
        )}
        table={table(
          [ratioColumn, t('chart.cache.lookups', 'Lookups')],
          (row) => hitRatio(row) !== null,
          (row) => [numbers.percent(hitRatio(row) ?? 0), numbers.count(row.cache.l1Hits + row.cache.l1Misses)]
        )}
      >
        <LineChart data={ratio} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          {xAxis}
          <YAxis domain={[0, 1]} tickFormatter={(value: number) => numbers.percent(value)} tick={AXIS_FONT} width={48} />
          <Tooltip
            labelFormatter={tooltipLabel}
            formatter={(value) => (typeof value === 'number' ? numbers.percent(value) : String(value))}
          />
          <Line dataKey="ratio" name={ratioColumn} stroke={PRIMARY} {...LINE} />
        </LineChart>
      </HealthChart>
      <HealthChart
        testId="health-chart-exposures"
        title={t('chart.exposures.title', 'First exposures per minute')}
        isEmpty={totals.exposures === 0}
        description={t(
          'chart.exposures.description',
          'Visitors counted in an experiment for the first time: {total} this hour.',
          {
            total: numbers.count(totals.exposures),
          }
        )}
        table={table(
          [exposuresColumn],
          (row) => row.exposures > 0,
          (row) => [numbers.count(row.exposures)]
        )}
      >
        {minuteBars(<Bar dataKey="exposures" name={exposuresColumn} fill={ARM_COLORS[2]} isAnimationActive={false} />)}
      </HealthChart>
      <HealthChart
        testId="health-chart-events"
        title={t('chart.events.title', 'Events per minute, by result')}
        isEmpty={totals.events === 0}
        wide
        description={t(
          'chart.events.description',
          '{total} events this hour, {refused} of them not kept (malformed, duplicates, no consent, bots, rate limits, store down).',
          { total: numbers.count(totals.events), refused: numbers.count(totals.eventsRefused) }
        )}
        table={table(
          eventResults.map((result) => eventLabels[result]),
          (row) => eventsOf(row) > 0,
          (row) => eventResults.map((result) => numbers.count(row.events[result]))
        )}
      >
        {minuteBars(
          eventResults.map((result) => (
            <Bar
              key={result}
              dataKey={(row: HealthMinute) => row.events[result]}
              name={eventLabels[result]}
              stackId="events"
              fill={ARM_COLORS[HEALTH_EVENT_RESULTS.indexOf(result) % ARM_COLORS.length]}
              isAnimationActive={false}
            />
          )),
          true
        )}
      </HealthChart>
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
