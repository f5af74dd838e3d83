/**
 * A visitor's profile from their events (docs/design.md, "Visitor profiles"), pure: no clock, no I/O. The
 * server's stores (in-process or Redis) compute every new profile with these functions, so both
 * stores have the same semantics by construction.
 */
import { addScore, DAY_MS, decayed, MINUTE_MS } from './decay';
import type { AcceptedEvent } from './events';
import { recordGoalDays, type GoalDaysOptions } from './goal-days';
import type { CapCounters, StoredScore, VisitorProfile } from './types';

export interface ProfileWeights {
  view: number;
  click: number;
  hover: number;
  page: number;
}

export interface ProfileOptions {
  /** Interest half-life H in days (`profiles.halfLifeDays`, default 7). */
  halfLifeDays: number;
  /** Interest weight per event type (`profiles.weights`). */
  weights: ProfileWeights;
  /** At most this many tags kept, the lowest dropped (`profiles.maxInterests`, default 32). */
  maxInterests: number;
  /** A session ends after this long without activity (default 30 min). */
  sessionTimeoutMs?: number;
}

export interface ApplyOptions extends ProfileOptions {
  /** The server's time of the write (used for a consent record without a time of its own). */
  now: number;
  /**
   * False when the visitor has not consented to profiling (only events): no interests, quick exits
   * or recently viewed are built, and any kept before are dropped. Default true.
   */
  profiling?: boolean;
  /** The consent this batch came with, remembered with the profile. */
  consent?: VisitorProfile['consent'];
  /** CUPED's pre-exposure history to keep (goal-days.ts); absent or no goals: none is kept. */
  goalDays?: Omit<GoalDaysOptions, 'now'>;
}

export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = {
  halfLifeDays: 7,
  weights: { view: 1, click: 3, hover: 1, page: 1 },
  maxInterests: 32,
  sessionTimeoutMs: 30 * MINUTE_MS,
};

export const PROFILE_LIMITS = {
  /** Scores below this (at the profile's latest event) are dropped. */
  minScore: 0.01,
  recentlyViewed: 20,
  /** Event times kept per cap counter. */
  capTimes: 100,
  /** Variants with cap counters kept per visitor (those used least recently dropped first). */
  capKeys: 256,
  /** Accepted events kept as received. */
  events: 50,
  /** Half-life of the decayed quick-exit count. */
  quickExitHalfLifeMs: DAY_MS,
} as const;

const SESSION_TIMEOUT_MS = 30 * MINUTE_MS;

/** An empty profile (no session yet: the first activity starts one). */
export const emptyProfile = (at: number): VisitorProfile => ({
  v: 1,
  firstSeen: at,
  lastSeen: at,
  visits: 0,
  session: { id: '', startedAt: at, lastSeenAt: at, pageviews: 0, personalizedServes: 0 },
  interests: {},
  quickExits: { score: 0, at },
  recentlyViewed: [],
  caps: {},
  exposures: {},
  consent: { events: null, profiling: null, at },
  events: [],
});

/** A copy deep enough that applying to it never changes `profile` (stores may hand out frozen values). */
const copyProfile = (profile: VisitorProfile): VisitorProfile => ({
  ...profile,
  session: { ...profile.session },
  interests: { ...profile.interests },
  quickExits: { ...profile.quickExits },
  recentlyViewed: [...profile.recentlyViewed],
  caps: { ...profile.caps },
  exposures: { ...profile.exposures },
  consent: { ...profile.consent },
  events: [...profile.events],
});

const sessionId = (at: number) => `s_${Math.max(0, Math.floor(at)).toString(36)}`;

/**
 * Brings the session up to activity at `at`: a new session (and visit) after `timeoutMs` without
 * activity. Returns false for activity of an earlier session that arrived late (it changes nothing).
 */
const touchSession = (profile: VisitorProfile, at: number, timeoutMs: number): boolean => {
  const session = profile.session;
  if (!session.id || at > session.lastSeenAt + timeoutMs) {
    profile.session = { id: sessionId(at), startedAt: at, lastSeenAt: at, pageviews: 0, personalizedServes: 0 };
    profile.visits += 1;
    return true;
  }
  if (at < session.startedAt - timeoutMs) return false;
  if (at < session.startedAt) session.startedAt = at;
  if (at > session.lastSeenAt) session.lastSeenAt = at;
  return true;
};

/** Inserts `at` into times kept oldest first, newest last, keeping at most `max` (the newest). */
const insertTime = (times: number[] | undefined, at: number, max: number): number[] => {
  const next = times ? [...times] : [];
  let index = next.length;
  while (index > 0 && next[index - 1] > at) index -= 1;
  next.splice(index, 0, at);
  return next.length > max ? next.slice(next.length - max) : next;
};

const countCap = (profile: VisitorProfile, key: string, on: keyof CapCounters, at: number) => {
  const counters: CapCounters = { ...profile.caps[key] };
  counters[on] = insertTime(counters[on], at, PROFILE_LIMITS.capTimes);
  profile.caps[key] = counters;
};

const newestTime = (counters: CapCounters) =>
  Math.max(
    ...(['view', 'serve', 'click', 'dismiss'] as const).map((on) => counters[on]?.[counters[on]!.length - 1] ?? -Infinity)
  );

const trimCaps = (profile: VisitorProfile) => {
  const keys = Object.keys(profile.caps);
  if (keys.length <= PROFILE_LIMITS.capKeys) return;
  const kept = keys
    .map((key) => ({ key, newest: newestTime(profile.caps[key]) }))
    .sort((a, b) => b.newest - a.newest || (a.key < b.key ? -1 : 1))
    .slice(0, PROFILE_LIMITS.capKeys);
  const caps: Record<string, CapCounters> = {};
  for (const { key } of kept) caps[key] = profile.caps[key];
  profile.caps = caps;
};

/** Drops tags below the minimum score and beyond `maxInterests` (lowest first), judged at `reference`. */
const trimInterests = (profile: VisitorProfile, reference: number, halfLifeMs: number, maxInterests: number) => {
  const scored: { tag: string; value: number; stored: StoredScore }[] = [];
  for (const [tag, stored] of Object.entries(profile.interests)) {
    const value = decayed(stored, reference, halfLifeMs);
    if (value >= PROFILE_LIMITS.minScore) scored.push({ tag, value, stored });
  }
  scored.sort((a, b) => b.value - a.value || (a.tag < b.tag ? -1 : 1));
  const interests: Record<string, StoredScore> = {};
  for (const { tag, stored } of scored.slice(0, Math.max(0, maxInterests))) interests[tag] = stored;
  profile.interests = interests;
};

const interestWeight = (event: AcceptedEvent, weights: ProfileWeights): number => {
  switch (event.type) {
    case 'page':
      return weights.page;
    case 'view':
      return weights.view;
    case 'click':
      return weights.click;
    case 'hover':
      return weights.hover;
    default:
      return 0;
  }
};

const eventTags = (event: AcceptedEvent): string[] => {
  if (event.type === 'page' || event.type === 'view' || event.type === 'click' || event.type === 'hover') return event.tags ?? [];
  return [];
};

/**
 * The profile after `events` (accepted, with their server time `at`), from `profile` (null: a new
 * visitor). Pure; `profile` is not changed.
 *
 * - Interests: every tag of a `page`, `view`, `click` or `hover` event adds the event type's weight
 *   at the event's time; scores are (score, at) pairs decayed lazily, so the profile depends only on
 *   the events' times, not on the order batches arrive in or when they are read. An entry reference
 *   (`<uid>:<documentId>`) is not a tag: `recentlyViewed` keeps views.
 * - Tags below 0.01, or beyond `maxInterests`, judged at the profile's latest event, are dropped.
 * - Sessions end after `sessionTimeoutMs` without any event; each new one is a visit. `page` events
 *   count the session's page views.
 * - `engage` events with `quickExit: true` add 1 to the quick exits, decayed with H = 1 day.
 * - `view` events put their documentId first in `recentlyViewed` (≤ 20, de-duplicated).
 * - `view`, `click` and `dismiss` events that name a variant count towards that variant's caps.
 * - The events are kept as received (with `at`), the last 50.
 */
export const applyEvents = (
  profile: VisitorProfile | null,
  events: readonly AcceptedEvent[],
  options: ApplyOptions
): VisitorProfile => {
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const first = sorted[0]?.at ?? options.now;
  const next = profile ? copyProfile(profile) : emptyProfile(first);
  const halfLifeMs = options.halfLifeDays * DAY_MS;
  const timeoutMs = options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS;
  const profiling = options.profiling !== false;

  for (const event of sorted) {
    const at = event.at;
    if (at < next.firstSeen) next.firstSeen = at;
    if (at > next.lastSeen) next.lastSeen = at;
    const inSession = touchSession(next, at, timeoutMs);
    if (event.type === 'page' && inSession) next.session.pageviews += 1;

    if (profiling) {
      const weight = interestWeight(event, options.weights);
      if (weight > 0) {
        for (const tag of new Set(eventTags(event))) next.interests[tag] = addScore(next.interests[tag], weight, at, halfLifeMs);
      }
      if (event.type === 'engage' && event.quickExit === true) {
        next.quickExits = addScore(
          next.quickExits.score === 0 ? undefined : next.quickExits,
          1,
          at,
          PROFILE_LIMITS.quickExitHalfLifeMs
        );
      }
      if (event.type === 'view') {
        next.recentlyViewed = [event.documentId, ...next.recentlyViewed.filter((id) => id !== event.documentId)].slice(
          0,
          PROFILE_LIMITS.recentlyViewed
        );
      }
    }
    if ((event.type === 'view' || event.type === 'click' || event.type === 'dismiss') && typeof event.variant === 'string') {
      // A multivariate cell's variant is its variants' ids joined by `+`: each one's caps count it.
      for (const variant of event.variant.split('+')) countCap(next, `${event.uid}:${event.documentId}:${variant}`, event.type, at);
    }
  }

  // Kept as received, in the order they were accepted.
  next.events = [...next.events, ...events].slice(-PROFILE_LIMITS.events);
  if (options.consent) next.consent = { ...options.consent };
  const goalDays =
    options.goalDays && options.goalDays.events.size > 0
      ? recordGoalDays(next.goalDays, sorted, { ...options.goalDays, now: options.now })
      : undefined;
  if (goalDays) next.goalDays = goalDays;
  else delete next.goalDays;

  if (profiling) {
    trimInterests(next, next.lastSeen, halfLifeMs, options.maxInterests);
  } else {
    next.interests = {};
    next.quickExits = { score: 0, at: next.lastSeen };
    next.recentlyViewed = [];
  }
  trimCaps(next);
  return next;
};

/**
 * The profile after delivery served a personalized response at `now` (docs/design.md, "Frequency caps"):
 * the variant's `serve` counter and the session's personalized serves. A serve is activity: it
 * starts a new session after the timeout, as an event would. `capKey` null counts the serve for the
 * session only.
 */
export const applyServe = (
  profile: VisitorProfile | null,
  capKey: string | readonly string[] | null,
  now: number,
  options: Pick<ProfileOptions, 'sessionTimeoutMs'> = {}
): VisitorProfile => {
  const next = profile ? copyProfile(profile) : emptyProfile(now);
  if (touchSession(next, now, options.sessionTimeoutMs ?? SESSION_TIMEOUT_MS)) next.session.personalizedServes += 1;
  // One personalized serve, whatever the number of variants it served (a multivariate cell serves one per factor).
  for (const key of capKey === null ? [] : typeof capKey === 'string' ? [capKey] : capKey) countCap(next, key, 'serve', now);
  trimCaps(next);
  return next;
};
