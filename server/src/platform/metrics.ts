import type { Core } from '@strapi/strapi';
import { Gauge, register, type Metric } from 'prom-client';

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
export type DecisionOutcome = 'variant' | 'fixed' | 'no-match' | 'fatigue' | 'holdout' | 'no-variants';
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

type Labels = Record<string, string>;
interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * A counter or a histogram counted with plain additions: each label combination's child is an
 * object found once (by the caller, who keeps it), and counting is a few additions on it, where
 * prom-client's own classes validate and hash the labels on every call, even on a child. The
 * default registry reads it at scrape time through the same `get()` as prom-client's metrics, so
 * the exposition is the same.
 */
const summed = <TChild extends { labels: Labels }>(
  name: string,
  help: string,
  type: 'counter' | 'histogram',
  make: (labels: Labels) => TChild,
  samples: (child: TChild) => Sample[],
  clear: (child: TChild) => void
) => {
  const children = new Map<string, TChild>();
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    /** The child of a label combination (created on first use, then the same one). */
    child(labels: Labels): TChild {
      const key = JSON.stringify(labels);
      let child = children.get(key);
      if (!child) children.set(key, (child = make(labels)));
      return child;
    },
    async get() {
      return { name, help, type, aggregator: 'sum' as const, values: [...children.values()].flatMap(samples) };
    },
    reset() {
      for (const child of children.values()) clear(child);
    },
  };
  register.registerMetric(metric as unknown as Metric);
  return metric;
};

const counter = (name: string, help: string) =>
  once(name, () =>
    summed(
      name,
      help,
      'counter',
      (labels) => ({ labels, value: 0 }),
      ({ labels, value }) => [{ labels, value }],
      (child) => {
        child.value = 0;
      }
    )
  );

const histogram = (name: string, help: string, buckets: readonly number[]) =>
  once(name, () =>
    summed(
      name,
      help,
      'histogram',
      /** Counts per bucket (not cumulative), the last one above every bound. */
      (labels) => ({ labels, counts: new Float64Array(buckets.length + 1), sum: 0, count: 0 }),
      ({ labels, counts, sum, count }) => {
        let cumulative = 0;
        const rows: Sample[] = buckets.map((le, index) => {
          cumulative += counts[index];
          return { metricName: `${name}_bucket`, labels: { le, ...labels }, value: cumulative };
        });
        rows.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...labels }, value: count });
        rows.push({ metricName: `${name}_sum`, labels, value: sum }, { metricName: `${name}_count`, labels, value: count });
        return rows;
      },
      (child) => {
        child.counts.fill(0);
        child.sum = 0;
        child.count = 0;
      }
    )
  );

type CounterMetric = ReturnType<typeof counter>;
type HistogramMetric = ReturnType<typeof histogram>;

/** Adds `by` (1 by default) to a counter's child. */
const increment = (child: { value: number }, by = 1) => {
  child.value += by;
};

/** One observation in a histogram's child: a bucket search over the bounds, three additions. */
const observe = (child: { counts: Float64Array; sum: number; count: number }, buckets: readonly number[], value: number) => {
  let index = 0;
  while (index < buckets.length && value > buckets[index]) index += 1;
  child.counts[index] += 1;
  child.sum += value;
  child.count += 1;
};

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
  decisions: counter(METRIC_NAMES.decisions, 'Personalization decisions, one per entry served, by route and outcome'),
  decisionSeconds: histogram(
    METRIC_NAMES.decisionSeconds,
    'Time to decide and answer a personalized request, by route and response cache result',
    DECISION_BUCKETS
  ),
  cacheRequests: counter(METRIC_NAMES.cacheRequests, 'Response cache lookups, by layer (l1 in process, l2 Redis) and result'),
  events: counter(METRIC_NAMES.events, 'Visitor events received, by result (a request refused by the per-IP rate limit counts as one)'),
  storeErrors: counter(METRIC_NAMES.storeErrors, 'Failed visitor store operations, by store and operation'),
  storeUp: probedGauge(METRIC_NAMES.storeUp, 'Whether the visitor store answered a read at scrape time (1) or not (0)', ['store'], async () => {
    if (!storeProbe) return null;
    const { store, up } = await storeProbe();
    return [{ labels: { store }, value: up ? 1 : 0 }];
  }),
  exposures: counter(METRIC_NAMES.exposures, 'First exposures of visitors to an experiment arm (units counted)'),
  conversions: counter(METRIC_NAMES.conversions, 'Conversions of exposed visitors, by experiment, arm and goal'),
  srmAlarm: probedGauge(
    METRIC_NAMES.srmAlarm,
    'Whether a running experiment has a sample-ratio mismatch at scrape time (1) or not (0), as its results page says',
    ['experiment'],
    async () => (await srmProbe?.())?.map(({ key, alarm }) => ({ labels: { experiment: key }, value: alarm ? 1 : 0 })) ?? null
  ),
  banditUpdates: counter(METRIC_NAMES.banditUpdates, 'Bandit weight updates, by experiment and result'),
  busLag: histogram(
    METRIC_NAMES.busLag,
    'Seconds from a message published on the instance bus (Redis pub/sub) to its receipt on this instance',
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

/**
 * The children of a metric by their labels' values, found with one Map lookup per label (no string
 * built per call): `childOf(route, outcome)`.
 */
const childrenBy = <TChild>(names: readonly string[], child: (labels: Labels) => TChild) => {
  const root = new Map<string, unknown>();
  return (...values: string[]): TChild => {
    let level = root;
    for (let index = 0; index < values.length - 1; index += 1) {
      let next = level.get(values[index]) as Map<string, unknown> | undefined;
      if (!next) level.set(values[index], (next = new Map()));
      level = next;
    }
    const last = values[values.length - 1];
    let found = level.get(last) as TChild | undefined;
    if (!found) level.set(last, (found = child(Object.fromEntries(names.map((name, index) => [name, values[index]])))));
    return found;
  };
};

const countsOf = (metric: CounterMetric, names: readonly string[]) => childrenBy(names, (labels) => metric.child(labels));
const observationsOf = (metric: HistogramMetric, names: readonly string[]) => childrenBy(names, (labels) => metric.child(labels));

/** Counting into the default registry. */
export const createCounting = (): MetricsPort => {
  const made = (instruments ??= createInstruments());
  const decision = countsOf(made.decisions, ['route', 'outcome']);
  const decisionTime = observationsOf(made.decisionSeconds, ['route', 'cache']);
  const cacheLookup = countsOf(made.cacheRequests, ['layer', 'result']);
  const events = countsOf(made.events, ['result']);
  const storeErrors = countsOf(made.storeErrors, ['store', 'operation']);
  const exposures = countsOf(made.exposures, ['experiment', 'arm']);
  const conversions = countsOf(made.conversions, ['experiment', 'arm', 'goal']);
  const banditUpdates = countsOf(made.banditUpdates, ['experiment', 'result']);
  const busLag = made.busLag.child({});
  return {
    enabled: true,
    decision: (route, outcome) => increment(decision(route, outcome)),
    decisionTime: (route, cache, seconds) => observe(decisionTime(route, cache), DECISION_BUCKETS, seconds),
    cacheLookup: (layer, result) => increment(cacheLookup(layer, result)),
    events: (result, count) => {
      if (count > 0) increment(events(result), count);
    },
    exposure: (experiment, arm) => increment(exposures(experiment, arm)),
    conversion: (experiment, arm, goal) => increment(conversions(experiment, arm, goal)),
    banditUpdate: (experiment, result) => increment(banditUpdates(experiment, result)),
    storeError: (store, operation) => increment(storeErrors(store, operation)),
    busLag: (seconds) => observe(busLag, BUS_LAG_BUCKETS, Math.max(0, seconds)),
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
