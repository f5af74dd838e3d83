/**
 * `GET /personalize/health` (docs/observability.md, "The Health page"): the last hour on this
 * instance per minute, the visitor store's and Redis' state, and the running experiments' alarms.
 */

/** Results of visitor events, as the metrics count them (docs/observability.md). */
export const HEALTH_EVENT_RESULTS = [
  'accepted',
  'rejected',
  'duplicate',
  'no_consent',
  'suppressed',
  'bot',
  'rate_limited',
  'store_unavailable',
] as const;
export type HealthEventResult = (typeof HEALTH_EVENT_RESULTS)[number];

/** One minute of this instance's traffic; a minute with no traffic has zeros. */
export interface HealthMinute {
  /** The minute's start (ISO 8601, UTC, seconds at 0). */
  start: string;
  /** Entries served with personalization (one per entry, as `personalize_decisions_total`). */
  decisions: number;
  /** Personalized requests' time to answer (as `personalize_decision_seconds`). */
  latency: {
    count: number;
    sumMs: number;
    /** Estimated from the histogram's buckets (as Prometheus' histogram_quantile); null without requests. */
    p95Ms: number | null;
  };
  /** Response cache lookups by layer (L2 only while Redis is ready; L2 is asked only after an L1 miss). */
  cache: { l1Hits: number; l1Misses: number; l2Hits: number; l2Misses: number };
  events: Record<HealthEventResult, number>;
  /** First exposures counted in experiments' results. */
  exposures: number;
}

export type HealthStoreKind = 'database' | 'redis' | 'memory';

export interface HealthSrm {
  documentId: string;
  key: string;
  name: string;
  /** The SRM test's p-value; null before any visitor was exposed. */
  pValue: number | null;
  /** The alarm: p below `experiments.srmThreshold`. */
  alarm: boolean;
}

/**
 * A running experiment's arm that harms one of its guardrails (docs/experiments.md, "Guardrails"): the results'
 * `guardrail.harmful`, so the Health page's banner and the results page's never disagree.
 */
export interface HealthGuardrail {
  experiment: { key: string; name: string; documentId: string };
  /** The guardrail's event. */
  guardrail: string;
  /** The harmful arm (never the control). */
  arm: string;
  /** The direction that is good for the guardrail: the arm moves it the other way. */
  direction: 'increase' | 'decrease';
}

/** The instance bus on this instance: how it hears the other instances' purges. */
export interface HealthBus {
  /** The subscriber connection is up and subscribed to the plugin's channel. */
  subscribed: boolean;
  /** When this instance last heard a message (its own included; ISO 8601), null since it started. */
  lastMessageAt: string | null;
  /** That message's time from publication to receipt (ms), as `personalize_bus_lag_seconds`. */
  lastLagMs: number | null;
  /** The bus's generation (`<prefix>bus:gen`) at this instance's last read of it, and when (every second). */
  generation: number | null;
  polledAt: string | null;
}

export interface HealthData {
  generatedAt: string;
  /** Sixty minutes, oldest first; the last one is the minute in progress. */
  minutes: HealthMinute[];
  /** The visitor store, probed now by a read of a key no visitor has. */
  store: { kind: HealthStoreKind; up: boolean };
  /** Redis (response cache L2, bus, and the store when it is Redis): null when not configured. */
  redis: { connected: boolean } | null;
  /** The instance bus (Redis pub/sub, docs/events.md): null when Redis is not configured. */
  bus: HealthBus | null;
  experiments: {
    /** Running experiments' SRM checks; unavailable while the store cannot read their counts. */
    srm: HealthSrm[];
    srmThreshold: number;
    countsUnavailable: boolean;
    /** Each (experiment, guardrail, arm) harmed now, in experiment key order; empty while the counts are unavailable. */
    guardrails: HealthGuardrail[];
  };
}
