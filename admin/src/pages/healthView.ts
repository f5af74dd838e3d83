import type { HealthGuardrail, HealthMinute } from '../../../contracts/src/admin/health';

/**
 * What the Health page draws from the server's minutes (docs/observability.md, "The Health page"):
 * pure, so the numbers on screen are unit-tested without a browser.
 */

/** Responses served from the response cache per lookup: every lookup asks L1, L2 only after an L1 miss. */
export const hitRatio = (minute: HealthMinute): number | null => {
  const lookups = minute.cache.l1Hits + minute.cache.l1Misses;
  return lookups === 0 ? null : (minute.cache.l1Hits + minute.cache.l2Hits) / lookups;
};

/** Mean decision time (ms), null without requests. */
export const meanMs = (minute: HealthMinute): number | null =>
  minute.latency.count === 0 ? null : minute.latency.sumMs / minute.latency.count;

export const eventsOf = (minute: HealthMinute): number => Object.values(minute.events).reduce((sum, count) => sum + count, 0);

export interface HourTotals {
  decisions: number;
  requests: number;
  /** Over the hour, as hitRatio; null without lookups. */
  hitRatio: number | null;
  events: number;
  /** Events not accepted (rejected, duplicates, no consent, bots, rate limited, store down). */
  eventsRefused: number;
  exposures: number;
}

export const hourTotals = (minutes: readonly HealthMinute[]): HourTotals => {
  let decisions = 0;
  let requests = 0;
  let lookups = 0;
  let hits = 0;
  let events = 0;
  let accepted = 0;
  let exposures = 0;
  for (const minute of minutes) {
    decisions += minute.decisions;
    requests += minute.latency.count;
    lookups += minute.cache.l1Hits + minute.cache.l1Misses;
    hits += minute.cache.l1Hits + minute.cache.l2Hits;
    events += eventsOf(minute);
    accepted += minute.events.accepted;
    exposures += minute.exposures;
  }
  return {
    decisions,
    requests,
    hitRatio: lookups === 0 ? null : hits / lookups,
    events,
    eventsRefused: events - accepted,
    exposures,
  };
};

/** One running experiment's guardrail banner: each (arm, guardrail) it harms, in the server's order. */
export interface GuardrailBanner {
  experiment: HealthGuardrail['experiment'];
  harms: Omit<HealthGuardrail, 'experiment'>[];
}

/** The server's harmed guardrails as one banner per experiment (the server lists them in experiment key order). */
export const guardrailBanners = (guardrails: readonly HealthGuardrail[]): GuardrailBanner[] => {
  const banners = new Map<string, GuardrailBanner>();
  for (const { experiment, ...harm } of guardrails) {
    const banner = banners.get(experiment.documentId) ?? { experiment, harms: [] };
    banner.harms.push(harm);
    banners.set(experiment.documentId, banner);
  }
  return [...banners.values()];
};
