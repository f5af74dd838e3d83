import type { Core } from '@strapi/strapi';
import { Counter, Gauge, Histogram, register } from 'prom-client';

import { createHealthRecorder, type HealthRecorder } from './health';
import { getService } from './services';

/**
 * The plugin's Prometheus metrics (docs/design.md, "Observability"), in prom-client's default
 * registry so an app that already exposes `/metrics` gets them too. Counting is on only with
 * `metrics.enabled`; otherwise nothing is registered and only the Health page's in-process last hour
 * counts (platform/health.ts). Labels name routes, outcomes, layers, stores and experiment keys:
 * never a visitor id nor an entry id.
 */

export type DecisionRoute = 'resolve' | 'plain' | 'graphql';
/** Why an entry was served as it was: a variant chose itself, was fixed by the URL, or none applied and why. */
export type DecisionOutcome = 'variant' | 'fixed' | 'no-match' | 'fatigue' | 'no-variants';
export type EventResult =
  | 'accepted'
  | 'rejected'
  | 'duplicate'
  | 'no_consent'
  | 'suppressed'
  | 'bot'
  | 'rate_limited'
  | 'store_unavailable';
export type CacheLayer = 'l1' | 'l2';

/** What the plugin counts. Each call is a few property reads and an addition when enabled. */
export interface MetricsPort {
  readonly enabled: boolean;
  decision(route: DecisionRoute, outcome: DecisionOutcome): void;
  /** One request's decision time, from the request's start to its response (every entry of a list at once). */
  decisionTime(route: DecisionRoute, cache: 'hit' | 'miss', seconds: number): void;
  cacheLookup(layer: CacheLayer, result: 'hit' | 'miss'): void;
  events(result: EventResult, count: number): void;
  exposure(experiment: string, arm: string): void;
  conversion(experiment: string, arm: string, goal: string): void;
  banditUpdate(experiment: string, result: string): void;
  /** A visitor store operation that failed (threw or rejected): the store's kind and the operation's name. */
  storeError(store: string, operation: string): void;
  /** A message of the instance bus received: seconds from its publication (by any instance) to its receipt here. */
  busLag(seconds: number): void;
}

/** The visitor store's state at scrape time (the visitors wing registers it). */
export type StoreProbe = () => Promise<{ store: string; up: boolean }>;
/** The running experiments' sample-ratio checks at scrape time (the experiments wing registers it); null: counts unavailable. */
export type SrmProbe = () => Promise<{ key: string; alarm: boolean }[] | null>;

export const METRIC_NAMES = {
  decisions: 'personalize_decisions_total',
  decisionSeconds: 'personalize_decision_seconds',
  cacheRequests: 'personalize_cache_requests_total',
  events: 'personalize_events_total',
  storeErrors: 'personalize_store_errors_total',
  storeUp: 'personalize_store_up',
  exposures: 'personalize_exposures_total',
  conversions: 'personalize_conversions_total',
  srmAlarm: 'personalize_srm_alarm',
  banditUpdates: 'personalize_bandit_updates_total',
  busLag: 'personalize_bus_lag_seconds',
} as const;

/** Sub-millisecond to a second: a warm decision takes well under a millisecond, a cold one a few. */
const DECISION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** A pub/sub message takes a fraction of a millisecond on one host; seconds mean a stalled subscriber or skewed clocks. */
const BUS_LAG_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The probes of the Strapi instance that enabled metrics last (one per process in practice), read at scrape time. */
let storeProbe: StoreProbe | null = null;
let srmProbe: SrmProbe | null = null;

/**
 * Metrics are process-wide (the default registry): each is created once, and found again by a
 * second Strapi instance of the same process.
 */
const once = <TMetric>(name: string, create: () => TMetric): TMetric =>
  (register.getSingleMetric(name) as TMetric | undefined) ?? create();

const counter = <TLabel extends string>(name: string, help: string, labelNames: readonly TLabel[]) =>
  once(name, () => new Counter<TLabel>({ name, help, labelNames }));

const histogram = <TLabel extends string>(name: string, help: string, labelNames: readonly TLabel[], buckets: number[]) =>
  once(name, () => new Histogram<TLabel>({ name, help, labelNames, buckets }));

/** A gauge set at each scrape from what `read` answers now (nothing when it has no answer). */
const probedGauge = <TLabel extends string>(
  name: string,
  help: string,
  labelNames: readonly TLabel[],
  read: () => Promise<{ labels: Record<TLabel, string>; value: number }[] | null>
) =>
  once(
    name,
    () =>
      new Gauge<TLabel>({
        name,
        help,
        labelNames,
        async collect() {
          const samples = await read();
          this.reset();
          for (const { labels, value } of samples ?? []) this.set(labels as Partial<Record<TLabel, string>>, value);
        },
      })
  );

const createInstruments = () => ({
  decisions: counter(METRIC_NAMES.decisions, 'Personalization decisions, one per entry served, by route and outcome', [
    'route',
    'outcome',
  ]),
  decisionSeconds: histogram(
    METRIC_NAMES.decisionSeconds,
    'Time to decide and answer a personalized request, by route and response cache result',
    ['route', 'cache'],
    DECISION_BUCKETS
  ),
  cacheRequests: counter(METRIC_NAMES.cacheRequests, 'Response cache lookups, by layer (l1 in process, l2 Redis) and result', [
    'layer',
    'result',
  ]),
  events: counter(
    METRIC_NAMES.events,
    'Visitor events received, by result (a request refused by the per-IP rate limit counts as one)',
    ['result']
  ),
  storeErrors: counter(METRIC_NAMES.storeErrors, 'Failed visitor store operations, by store and operation', ['store', 'operation']),
  storeUp: probedGauge(METRIC_NAMES.storeUp, 'Whether the visitor store answered a read at scrape time (1) or not (0)', ['store'], async () => {
    if (!storeProbe) return null;
    const { store, up } = await storeProbe();
    return [{ labels: { store }, value: up ? 1 : 0 }];
  }),
  exposures: counter(METRIC_NAMES.exposures, 'First exposures of visitors to an experiment arm (units counted)', ['experiment', 'arm']),
  conversions: counter(METRIC_NAMES.conversions, 'Conversions of exposed visitors, by experiment, arm and goal', [
    'experiment',
    'arm',
    'goal',
  ]),
  srmAlarm: probedGauge(
    METRIC_NAMES.srmAlarm,
    'Whether a running experiment has a sample-ratio mismatch at scrape time (1) or not (0), as its results page says',
    ['experiment'],
    async () => (await srmProbe?.())?.map(({ key, alarm }) => ({ labels: { experiment: key }, value: alarm ? 1 : 0 })) ?? null
  ),
  banditUpdates: counter(METRIC_NAMES.banditUpdates, 'Bandit weight updates, by experiment and result', ['experiment', 'result']),
  busLag: histogram(
    METRIC_NAMES.busLag,
    'Seconds from a message published on the instance bus (Redis pub/sub) to its receipt on this instance',
    [],
    BUS_LAG_BUCKETS
  ),
});

type Instruments = ReturnType<typeof createInstruments>;
let instruments: Instruments | null = null;

const NOOP: MetricsPort = {
  enabled: false,
  decision: () => undefined,
  decisionTime: () => undefined,
  cacheLookup: () => undefined,
  events: () => undefined,
  exposure: () => undefined,
  conversion: () => undefined,
  banditUpdate: () => undefined,
  storeError: () => undefined,
  busLag: () => undefined,
};

/** A labelled child per label combination, kept: `labels()` hashes its arguments on every call. */
const childrenOf = <TChild>(make: (...labels: string[]) => TChild) => {
  const children = new Map<string, TChild>();
  return (...labels: string[]): TChild => {
    const key = labels.join('\u0000');
    let child = children.get(key);
    if (!child) children.set(key, (child = make(...labels)));
    return child;
  };
};

/** Counting into the default registry. */
export const createCounting = (): MetricsPort => {
  const made = (instruments ??= createInstruments());
  const decision = childrenOf((route, outcome) => made.decisions.labels(route, outcome));
  const decisionTime = childrenOf((route, cache) => made.decisionSeconds.labels(route, cache));
  const cacheLookup = childrenOf((layer, result) => made.cacheRequests.labels(layer, result));
  const events = childrenOf((result) => made.events.labels(result));
  return {
    enabled: true,
    decision: (route, outcome) => decision(route, outcome).inc(),
    decisionTime: (route, cache, seconds) => decisionTime(route, cache).observe(seconds),
    cacheLookup: (layer, result) => cacheLookup(layer, result).inc(),
    events: (result, count) => {
      if (count > 0) events(result).inc(count);
    },
    exposure: (experiment, arm) => made.exposures.inc({ experiment, arm }),
    conversion: (experiment, arm, goal) => made.conversions.inc({ experiment, arm, goal }),
    banditUpdate: (experiment, result) => made.banditUpdates.inc({ experiment, result }),
    storeError: (store, operation) => made.storeErrors.inc({ store, operation }),
    busLag: (seconds) => made.busLag.observe(Math.max(0, seconds)),
  };
};

/** Both counts of every call: the Health page's last hour, always, and prom-client's when enabled. */
const alongside = (health: HealthRecorder, counting: MetricsPort): MetricsPort => ({
  enabled: true,
  decision(route, outcome) {
    health.decisions(1);
    counting.decision(route, outcome);
  },
  decisionTime(route, cache, seconds) {
    health.decisionTime(seconds);
    counting.decisionTime(route, cache, seconds);
  },
  cacheLookup(layer, result) {
    health.cacheLookup(layer, result);
    counting.cacheLookup(layer, result);
  },
  events(result, count) {
    if (count <= 0) return;
    health.events(result, count);
    counting.events(result, count);
  },
  exposure(experiment, arm) {
    health.exposure();
    counting.exposure(experiment, arm);
  },
  conversion: counting.conversion,
  banditUpdate: counting.banditUpdate,
  storeError: counting.storeError,
  busLag: counting.busLag,
});

const createMetricsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const { metrics } = getService(strapi, 'settings').get();
  // The Health page counts on every instance (docs/observability.md, "The Health page"): its
  // buckets are a few additions, and the page must not depend on Prometheus being set up.
  const health = createHealthRecorder();
  const counting = alongside(health, metrics.enabled ? createCounting() : NOOP);
  let probe: StoreProbe | null = null;
  return {
    ...counting,
    /** The visitors wing's probe of its store, read at each scrape and by the Health page. */
    probeStore(storeProbeOfWing: StoreProbe) {
      probe = storeProbeOfWing;
      if (metrics.enabled) storeProbe = storeProbeOfWing;
    },
    /** The experiments wing's sample-ratio checks of the running experiments, read at each scrape. */
    probeSrm(srmProbeOfWing: SrmProbe) {
      if (metrics.enabled) srmProbe = srmProbeOfWing;
    },
    /** The visitor store's state now (null before the visitors wing registered its probe). */
    probe: (): Promise<{ store: string; up: boolean }> | null => probe?.() ?? null,
    /** The Health page's last hour on this instance. */
    lastHour: () => health.lastHour(),
    /** The default registry's text exposition (every metric of the process, the plugin's included). */
    async exposition(): Promise<{ contentType: string; body: string }> {
      return { contentType: register.contentType, body: await register.metrics() };
    },
    destroy() {
      storeProbe = null;
      srmProbe = null;
      probe = null;
    },
  };
};

export type MetricsService = ReturnType<typeof createMetricsService>;
export default createMetricsService;
