import { useCallback, useEffect, useState } from 'react';

import { Badge, Button, Flex, Grid, Table, Tbody, Td, Thead, Tr, Typography } from '@strapi/design-system';
import { ArrowClockwise, Database, Lightning, Server, Trash } from '@strapi/icons';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';

import { getSettings, purgeCaches, type SettingsData } from '../api';
import { ColumnHeader } from '../components/ColumnHeader';
import { Code, Figure, type FigureProps } from '../components/Figure';
import { Section } from '../components/Section';
import { errorMessage, PERMISSIONS } from '../utils/api';
import { getTranslation } from '../utils/getTranslation';
import {
  configSections,
  hitRatio,
  isMasked,
  maskedForDisplay,
  readCacheStats,
  redisState,
  tierOutcomes,
  type CacheStatsView,
  type ConfigRow,
  type RedisState,
  type TierStatsView,
} from './settingsView';

type T = (key: string, defaultMessage: string, values?: Record<string, string | number>) => string;

/** Labels of the settings the plugin knows (docs/design.md, "Configuration"); others show their key. */
const SETTING_LABELS: Record<string, string> = {
  defaultTimezone: 'Default time zone',
  trustedCountryHeader: 'Trusted country header',
  webhookSecret: 'Webhook secret',
  webhookLegacySignature: 'Webhook: also accept the former signature without a timestamp (deprecated)',
  previewUrl: 'Preview URL template',
  'redis.url': 'Redis URL',
  'redis.keyPrefix': 'Key prefix',
  'redis.durability': 'Acknowledged writes wait for (none: the primary; replica: one replica too)',
  'redis.cluster': 'Redis Cluster',
  'redis.cluster.nodes': 'Redis Cluster: seed nodes',
  'redis.cluster.natMap': 'Redis Cluster: NAT map set',
  'redis.cluster.tls': 'Redis Cluster: TLS',
  'redis.cluster.username': 'Redis Cluster: user name',
  'redis.cluster.password': 'Redis Cluster: password',
  'cache.ttlSec': 'Time to live (seconds)',
  'cache.maxEntries': 'Entries kept in memory, per cache',
  'cache.cacheControl': 'Cache-Control of fixed-variant responses',
  'rateLimit.anonymous.resolve.points': 'Anonymous callers, resolve: requests per window, per IP',
  'rateLimit.anonymous.resolve.durationSec': 'Anonymous callers, resolve: window (seconds)',
  'rateLimit.anonymous.plain.points': 'Anonymous callers, plain API with personalization: requests per window, per IP',
  'rateLimit.anonymous.plain.durationSec': 'Anonymous callers, plain API with personalization: window (seconds)',
  'rateLimit.anonymous.privacy.points': 'Anonymous callers, privacy routes: requests per window, per IP',
  'rateLimit.anonymous.privacy.durationSec': 'Anonymous callers, privacy routes: window (seconds)',
  'rateLimit.anonymous.other.points': 'Anonymous callers, signals and invalidate: requests per window, per IP',
  'rateLimit.anonymous.other.durationSec': 'Anonymous callers, signals and invalidate: window (seconds)',
  'rateLimit.authenticated.points': 'API tokens: requests per window, per token',
  'rateLimit.authenticated.durationSec': 'API tokens: window (seconds)',
  'rateLimit.users.points': 'Users (JWT): requests per window, per user',
  'rateLimit.users.durationSec': 'Users (JWT): window (seconds)',
  'limits.conditionBytes': 'Condition size (bytes)',
  'limits.conditionDepth': 'Condition depth',
  'limits.conditionFuel': 'Work budget of a condition evaluation (units)',
  'limits.variantsPerEntry': 'Variants per entry',
  'limits.signalsBytes': 'Signals size (bytes)',
  'visitors.secret': 'Visitor id secret',
  'visitors.consent': 'Consent mode',
  'visitors.honorGpc': 'Honour Global Privacy Control',
  'visitors.retentionDays': 'Profile retention (days)',
  storage: 'Where visitor state lives (database, redis, memory; auto: Redis when configured, else the database)',
  'events.transport': 'Event transport (deprecated: storage)',
  'events.maxBatch': 'Events per batch',
  'events.maxBatchBytes': 'Batch size (bytes)',
  'events.rateLimit.perVisitor': 'Batches per window, per visitor',
  'events.rateLimit.perIp': 'Batches per window, per IP',
  'events.rateLimit.durationSec': 'Event rate window (seconds)',
  'profiles.halfLifeDays': 'Interest half-life (days)',
  'profiles.maxInterests': 'Interests kept per visitor',
  'profiles.weights.view': 'Interest weight of a view',
  'profiles.weights.click': 'Interest weight of a click',
  'profiles.weights.hover': 'Interest weight of a hover',
  'profiles.weights.page': 'Interest weight of a page',
  'caps.maxPersonalizedPerSession': 'Personalized serves per session',
  'experiments.sequentialNStar': 'Sequential test N*',
  'experiments.alpha': 'Significance level (α)',
  'experiments.srmThreshold': 'Sample ratio mismatch threshold (p)',
  'experiments.bandit.cadenceMinutes': 'Bandit updates every (minutes)',
  'experiments.bandit.burnInMinutes': 'Bandit burn-in (minutes)',
  'experiments.bandit.minUnitsPerArm': 'Bandit: visitors per arm before updates',
  'experiments.bandit.minWeight': 'Bandit: minimum weight per arm',
};

const SECTION_TITLES: Record<string, string> = {
  general: 'General',
  redis: 'Redis',
  cache: 'Response cache',
  rateLimit: 'Rate limits',
  limits: 'Limits',
  visitors: 'Visitors',
  events: 'Events',
  profiles: 'Visitor profiles',
  caps: 'Frequency caps',
  experiments: 'Experiments',
};

/** The id of a setting's label: `settings.config.cache.ttlSec`. */
const labelKey = (path: string) => `config.${path}`;

/* ---------------------------------------------------------------------------------------------- */

const REDIS_TONE: Record<RedisState, FigureProps['tone']> = {
  connected: 'success',
  disconnected: 'danger',
  'not-configured': 'neutral',
};

const CacheFigures = ({ cache, t }: { cache: CacheStatsView; t: T }) => {
  const { formatNumber } = useIntl();
  const responses = cache.responses;
  const ratio = hitRatio(responses);
  const outcomes = tierOutcomes(responses);
  const state = redisState(cache);
  const redisLabel: Record<RedisState, string> = {
    connected: t('cache.redis.connected', 'Connected'),
    disconnected: t('cache.redis.disconnected', 'Disconnected'),
    'not-configured': t('cache.redis.notConfigured', 'Not configured'),
  };
  const redisCaption: Record<RedisState, string> = {
    connected: t('cache.redis.connected.caption', 'Shared cache and purges reach every instance'),
    disconnected: t('cache.redis.disconnected.caption', 'Serving from memory until Redis is back'),
    'not-configured': t('cache.redis.notConfigured.caption', 'In-process cache on this instance only'),
  };

  return (
    <Grid.Root gap={4} data-testid="cache-figures">
      <Grid.Item col={3} s={6} xs={12} alignItems="stretch">
        <Figure
          testId="figure-entries"
          icon={<Database />}
          tone="primary"
          label={t('cache.entries', 'Cached responses')}
          value={formatNumber(responses.size)}
          caption={
            responses.maxEntries
              ? t(
                  'cache.entries.caption',
                  'of {max} in memory · {programs, plural, one {# variant program} other {# variant programs}}',
                  { max: formatNumber(responses.maxEntries), programs: cache.programs.size }
                )
              : t('cache.entries.captionNoMax', '{programs, plural, one {# variant program} other {# variant programs}}', {
                  programs: cache.programs.size,
                })
          }
        />
      </Grid.Item>
      <Grid.Item col={3} s={6} xs={12} alignItems="stretch">
        <Figure
          testId="figure-hit-ratio"
          icon={<Lightning />}
          tone="secondary"
          label={t('cache.hitRatio', 'Hit ratio')}
          value={ratio === null ? '–' : formatNumber(ratio, { style: 'percent', maximumFractionDigits: 1 })}
          caption={
            ratio === null
              ? t('cache.hitRatio.none', 'No lookup yet')
              : t(
                  'cache.hitRatio.caption',
                  '{hits, plural, one {# hit} other {# hits}} · {misses, plural, one {# miss} other {# misses}}',
                  { hits: outcomes.served, misses: outcomes.missed }
                )
          }
        />
      </Grid.Item>
      <Grid.Item col={3} s={6} xs={12} alignItems="stretch">
        <Figure
          testId="figure-purges"
          icon={<Trash />}
          tone="alternative"
          label={t('cache.purges', 'Purges')}
          value={formatNumber(cache.purges)}
          caption={t('cache.purges.caption', '{remote, plural, =0 {none from other instances} one {# from another instance} other {# from other instances}}', {
            remote: cache.remotePurges,
          })}
        />
      </Grid.Item>
      <Grid.Item col={3} s={6} xs={12} alignItems="stretch">
        <Figure
          testId="figure-redis"
          icon={<Server />}
          tone={REDIS_TONE[state]}
          label={t('cache.redis', 'Redis')}
          value={
            <Badge variant={REDIS_TONE[state] === 'neutral' ? 'neutral' : REDIS_TONE[state]} size="M" data-state={state}>
              {redisLabel[state]}
            </Badge>
          }
          caption={redisCaption[state]}
        />
      </Grid.Item>
    </Grid.Root>
  );
};

const TierTable = ({ cache, compiledConditions, t }: { cache: CacheStatsView; compiledConditions: number; t: T }) => {
  const { formatNumber } = useIntl();
  const tiers: [string, TierStatsView][] = [
    [t('cache.tier.responses', 'Resolved responses'), cache.responses],
    [t('cache.tier.programs', 'Variant programs'), cache.programs],
  ];
  const ratioText = (tier: TierStatsView) => {
    const ratio = hitRatio(tier);
    return ratio === null ? '–' : formatNumber(ratio, { style: 'percent', maximumFractionDigits: 1 });
  };
  const headers = [
    t('cache.tier', 'Cache'),
    t('cache.tier.entries', 'Entries'),
    t('cache.tier.hitRatio', 'Hit ratio'),
    t('cache.tier.l1Hits', 'Memory hits'),
    t('cache.tier.l1Misses', 'Memory misses'),
    t('cache.tier.l2Hits', 'Redis hits'),
    t('cache.tier.l2Misses', 'Redis misses'),
  ];
  return (
    <Section
      title={t('cache.title', 'Cache')}
      description={t(
        'cache.description',
        'Resolved entries are kept in memory (L1) and, when Redis is configured, in Redis (L2) for every instance. A purge drops them everywhere.'
      )}
      testId="cache-stats"
    >
      <Table colCount={headers.length} rowCount={tiers.length + 1}>
        <Thead>
          <Tr>
            {headers.map((header) => (
              <ColumnHeader key={header}>{header}</ColumnHeader>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {tiers.map(([label, tier]) => (
            <Tr key={label}>
              <Td>
                <Typography fontWeight="semiBold">{label}</Typography>
              </Td>
              <Td>
                <Typography>{formatNumber(tier.size)}</Typography>
              </Td>
              <Td>
                <Typography>{ratioText(tier)}</Typography>
              </Td>
              <Td>
                <Typography>{formatNumber(tier.hits)}</Typography>
              </Td>
              <Td>
                <Typography>{formatNumber(tier.misses)}</Typography>
              </Td>
              <Td>
                <Typography textColor={cache.redis ? undefined : 'neutral600'}>{cache.redis ? formatNumber(tier.l2Hits) : '–'}</Typography>
              </Td>
              <Td>
                <Typography textColor={cache.redis ? undefined : 'neutral600'}>{cache.redis ? formatNumber(tier.l2Misses) : '–'}</Typography>
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      <Typography variant="pi" textColor="neutral600" data-testid="compiled-conditions">
        {t('conditions.compiled', 'Compiled conditions in memory: {count}', { count: formatNumber(compiledConditions) })}
      </Typography>
    </Section>
  );
};

const SettingValue = ({ row, t }: { row: ConfigRow; t: T }) => {
  const { formatNumber } = useIntl();
  const value = maskedForDisplay(row.path, row.value);
  if (value === undefined || value === null) {
    return (
      <Typography textColor="neutral600" style={{ fontStyle: 'italic' }}>
        {t('value.notSet', 'Not set')}
      </Typography>
    );
  }
  if (isMasked(value)) {
    return (
      <Flex gap={2} wrap="wrap">
        <Code>{String(value)}</Code>
        <Badge size="S">{t('value.hidden', 'Hidden')}</Badge>
      </Flex>
    );
  }
  if (typeof value === 'boolean') {
    return <Badge variant={value ? 'success' : 'neutral'}>{value ? t('value.yes', 'Yes') : t('value.no', 'No')}</Badge>;
  }
  if (typeof value === 'number') {
    if (value === 0 && /\.points$/.test(row.path)) return <Typography>{t('value.noLimit', 'No limit')}</Typography>;
    return <Typography>{formatNumber(value)}</Typography>;
  }
  if (typeof value === 'string') return <Code>{value}</Code>;
  if (Array.isArray(value)) {
    return value.length ? <Code>{value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ')}</Code> : <Typography textColor="neutral600">{t('value.none', 'None')}</Typography>;
  }
  return <Code>{JSON.stringify(value)}</Code>;
};

const ConfigTable = ({ config, t }: { config: Record<string, unknown>; t: T }) => {
  const sections = configSections(config);
  return (
    <Section
      title={t('config.title', 'Configuration')}
      description={t('config.description', 'As set in config/plugins under personalize.config, with the defaults filled in. Secrets are never shown.')}
      testId="active-config"
    >
      {sections.map((section) => (
        <Flex key={section.key} direction="column" alignItems="stretch" gap={2} data-testid={`config-section-${section.key}`}>
          <Typography variant="sigma" textColor="neutral600" tag="h3">
            {SECTION_TITLES[section.key] ? t(`section.${section.key}`, SECTION_TITLES[section.key]) : section.key}
          </Typography>
          <Table colCount={2} rowCount={section.rows.length + 1}>
            <Thead>
              <Tr>
                <ColumnHeader style={{ width: '55%' }}>{t('config.setting', 'Setting')}</ColumnHeader>
                <ColumnHeader>{t('config.value', 'Value')}</ColumnHeader>
              </Tr>
            </Thead>
            <Tbody>
              {section.rows.map((row) => (
                <Tr key={row.path} data-testid={`setting-${row.path}`}>
                  <Td style={{ whiteSpace: 'normal' }}>
                    <Flex direction="column" alignItems="flex-start" gap={1} paddingTop={2} paddingBottom={2}>
                      <Typography fontWeight="semiBold" textColor="neutral800">
                        {SETTING_LABELS[row.path] ? t(labelKey(row.path), SETTING_LABELS[row.path]) : row.path}
                      </Typography>
                      {SETTING_LABELS[row.path] ? (
                        <Typography variant="pi" textColor="neutral600" style={{ fontFamily: 'monospace' }}>
                          {row.path}
                        </Typography>
                      ) : null}
                    </Flex>
                  </Td>
                  <Td style={{ whiteSpace: 'normal' }}>
                    <SettingValue row={row} t={t} />
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        </Flex>
      ))}
    </Section>
  );
};

/* ---------------------------------------------------------------------------------------------- */

/** The active configuration (secrets masked), cache figures and "purge all". */
const SettingsContent = () => {
  const client = useFetchClient();
  const { toggleNotification } = useNotification();
  const { formatMessage } = useIntl();
  const t: T = useCallback(
    (key, defaultMessage, values) => formatMessage({ id: getTranslation(`settings.${key}`), defaultMessage }, values),
    [formatMessage]
  );
  const [settings, setSettings] = useState<SettingsData | null>(null);
  const [failed, setFailed] = useState(false);
  const [purging, setPurging] = useState(false);
  const [refreshing, setRefreshing] = useState(false);

  const load = useCallback(async () => {
    try {
      setSettings(await getSettings(client));
    } catch {
      setFailed(true);
    }
  }, [client]);

  useEffect(() => {
    void load();
  }, [load]);

  const refresh = async () => {
    setRefreshing(true);
    await load();
    setRefreshing(false);
  };

  const purge = async () => {
    setPurging(true);
    try {
      await purgeCaches(client);
      toggleNotification({ type: 'success', message: t('purged', 'Every cached personalized response was purged') });
      await load();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setPurging(false);
    }
  };

  if (failed) return <Page.Error />;
  if (!settings) return <Page.Loading />;

  const cache = readCacheStats(settings.cache);

  return (
    <Layouts.Root>
      <Page.Title>{t('pageTitle', 'Personalize settings')}</Page.Title>
      <Page.Main>
        <Layouts.Header
          title={t('title', 'Personalize')}
          subtitle={t('subtitle', "The plugin's active configuration (config/plugins) and its caches. Secrets are never shown.")}
          primaryAction={
            <Flex gap={2}>
              <Button variant="tertiary" startIcon={<ArrowClockwise />} loading={refreshing} onClick={refresh}>
                {t('refresh', 'Refresh')}
              </Button>
              <Button variant="danger-light" startIcon={<Trash />} loading={purging} onClick={purge}>
                {t('purge', 'Purge all caches')}
              </Button>
            </Flex>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            {cache ? (
              <>
                <CacheFigures cache={cache} t={t} />
                <TierTable cache={cache} compiledConditions={settings.conditions.compiledConditions} t={t} />
              </>
            ) : (
              <Section title={t('cache.title', 'Cache')} testId="cache-stats">
                <Typography textColor="neutral600">{t('cache.none', 'This version has no delivery cache.')}</Typography>
              </Section>
            )}
            <ConfigTable config={settings.config} t={t} />
          </Flex>
        </Layouts.Content>
      </Page.Main>
    </Layouts.Root>
  );
};

export const SettingsPage = () => (
  <Page.Protect permissions={PERMISSIONS.settings}>
    <SettingsContent />
  </Page.Protect>
);

export default SettingsPage;
