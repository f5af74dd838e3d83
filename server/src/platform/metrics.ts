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
}

/** The visitor store's state at scrape time (the visitors wing registers it). */
export type StoreProbe = () => Promise<{ store: string; up: boolean }>;

export const METRIC_NAMES = {
  decisions: 'personalize_decisions_total',
  decisionSeconds: 'personalize_decision_seconds',
  cacheRequests: 'personalize_cache_requests_total',
  events: 'personalize_events_total',
  storeUp: 'personalize_store_up',
  exposures: 'personalize_exposures_total',
  conversions: 'personalize_conversions_total',
  banditUpdates: 'personalize_bandit_updates_total',
} as const;

/** Sub-millisecond to a second: a warm decision takes well under a millisecond, a cold one a few. */
const DECISION_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

/** The store probe of the Strapi instance that enabled metrics last (one per process in practice). */
let storeProbe: StoreProbe | null = null;

/** Metrics are process-wide (the default registry): created once, found again by a second Strapi instance. */
const existing = <TMetric>(name: string): TMetric | undefined => register.getSingleMetric(name) as TMetric | undefined;

const createInstruments = () => ({
  decisions:
    existing<Counter<'route' | 'outcome'>>(METRIC_NAMES.decisions) ??
    new Counter({
      name: METRIC_NAMES.decisions,
      help: 'Personalization decisions, one per entry served, by route and outcome',
      labelNames: ['route', 'outcome'] as const,
    }),
  decisionSeconds:
    existing<Histogram<'route' | 'cache'>>(METRIC_NAMES.decisionSeconds) ??
    new Histogram({
      name: METRIC_NAMES.decisionSeconds,
      help: 'Time to decide and answer a personalized request, by route and response cache result',
      labelNames: ['route', 'cache'] as const,
      buckets: DECISION_BUCKETS,
    }),
  cacheRequests:
    existing<Counter<'layer' | 'result'>>(METRIC_NAMES.cacheRequests) ??
    new Counter({
      name: METRIC_NAMES.cacheRequests,
      help: 'Response cache lookups, by layer (l1 in process, l2 Redis) and result',
      labelNames: ['layer', 'result'] as const,
    }),
  events:
    existing<Counter<'result'>>(METRIC_NAMES.events) ??
    new Counter({
      name: METRIC_NAMES.events,
      help: 'Visitor events received, by result (a request refused by the per-IP rate limit counts as one)',
      labelNames: ['result'] as const,
    }),
  storeUp:
    existing<Gauge<'store'>>(METRIC_NAMES.storeUp) ??
    new Gauge({
      name: METRIC_NAMES.storeUp,
      help: 'Whether the visitor store answered a read at scrape time (1) or not (0)',
      labelNames: ['store'] as const,
      async collect() {
        this.reset();
        if (!storeProbe) return;
        const { store, up } = await storeProbe();
        this.set({ store }, up ? 1 : 0);
      },
    }),
  exposures:
    existing<Counter<'experiment' | 'arm'>>(METRIC_NAMES.exposures) ??
    new Counter({
      name: METRIC_NAMES.exposures,
      help: 'First exposures of visitors to an experiment arm (units counted)',
      labelNames: ['experiment', 'arm'] as const,
    }),
  conversions:
    existing<Counter<'experiment' | 'arm' | 'goal'>>(METRIC_NAMES.conversions) ??
    new Counter({
      name: METRIC_NAMES.conversions,
      help: 'Conversions of exposed visitors, by experiment, arm and goal',
      labelNames: ['experiment', 'arm', 'goal'] as const,
    }),
  banditUpdates:
    existing<Counter<'experiment' | 'result'>>(METRIC_NAMES.banditUpdates) ??
    new Counter({
      name: METRIC_NAMES.banditUpdates,
      help: 'Bandit weight updates, by experiment and result',
      labelNames: ['experiment', 'result'] as const,
    }),
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
      probe = null;
    },
  };
};

export type MetricsService = ReturnType<typeof createMetricsService>;
export default createMetricsService;
