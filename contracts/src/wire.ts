/**
 * What crosses the wire between the browser SDK, the server and the admin: id patterns, header and
 * query parameter names, the events batch (docs/events.md), consent, and the resolve request and
 * response (docs/delivery.md). Plain types and constants, without zod, so the SDK ships them; the
 * only import is the event types, declared once in the engine, where the profile maths reads them.
 * The server's zod schemas (ids.ts, events.ts, delivery.ts) are checked against these types by
 * tests/unit/wire-types.test.ts.
 */
import type { VisitorEvent } from '../../engine/src/profile/events';

export type {
  ClickEvent,
  DismissEvent,
  EngageEvent,
  EntryReference as EntryRef,
  EventBase,
  HoverEvent,
  PageEvent,
  TrackEvent,
  ViewEvent,
  VisitorEvent,
} from '../../engine/src/profile/events';

// ---- Ids ----

/** A variant's id. */
export const VARIANT_ID_PATTERN: RegExp = /^[a-z0-9_-]{1,64}$/;
/** `meta.personalize.variant` as served: a variant id, or a multivariate cell's variants' ids joined by `+` (up to 3). */
export const SERVED_VARIANT_PATTERN: RegExp = /^[a-z0-9_-]{1,64}(\+[a-z0-9_-]{1,64}){0,2}$/;
/** A visitor's id: opaque and random, made by the SDK (`crypto.randomUUID` strength); the only credential of the privacy routes. */
export const VISITOR_ID_PATTERN: RegExp = /^[A-Za-z0-9_-]{16,64}$/;
export const CONTENT_TYPE_UID_PATTERN: RegExp = /^(api|plugin)::[a-z0-9-]+\.[a-z0-9-]+$/;
/** Event ids and batch ids: any 16–64 characters. */
export const EVENT_ID_LENGTH = { min: 16, max: 64 } as const;
/** An interest tag of an event. */
export const TAG_PATTERN: RegExp = /^[a-z0-9_-]{1,64}$/;
/** A `track` event's name (and an experiment goal's event). */
export const TRACK_NAME_PATTERN: RegExp = /^[a-zA-Z][a-zA-Z0-9_.:-]{0,63}$/;

// ---- Headers and query parameters ----

/** Base64url JSON of the client's signals, on the plain content API. */
export const SIGNALS_HEADER = 'x-personalize-signals';
/** The visitor id: on the plain content API, and the credential of `/me` and `/optout`. */
export const VISITOR_HEADER = 'x-personalize-visitor';
/** A fixed variant (cacheable URLs and previews), on the plain content API. */
export const VARIANT_HEADER = 'x-personalize-variant';
/** The invalidation webhook's HMAC-SHA256 of `<timestamp>.<raw body>`, and its unix-seconds timestamp. */
export const SIGNATURE_HEADER = 'x-personalize-signature';
export const TIMESTAMP_HEADER = 'x-personalize-timestamp';

/** The plain content API's query parameter: `personalize[signals]`, `personalize[variant]`, `personalize[visitor]` (the headers' alternatives). */
export const QUERY_PARAMETER = 'personalize';
export interface PersonalizeQuery {
  /** As `x-personalize-signals`. */
  signals?: string;
  variant?: string;
  visitor?: string;
}

// ---- Consent ----

/** A consent axis: `true` given, `false` refused, `null` not asked yet. */
export type ConsentValue = boolean | null;

export interface Consent {
  /** Store events and count the visitor in experiments. */
  events: ConsentValue;
  /** Build and use a profile. */
  profiling: ConsentValue;
}

// ---- Events: POST /api/personalize/events ----

export const EVENT_TYPES = ['page', 'view', 'click', 'hover', 'dismiss', 'engage', 'track'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The server's default limits of a batch (`events.maxBatch` may lower the first). */
export const EVENT_BATCH_LIMITS = { maxBatch: 50, maxBatchBytes: 65536, tagsPerEvent: 20, propsPerEvent: 50 } as const;

/** The body of `POST /api/personalize/events` (the server reads `events` one by one, as `unknown`, first). */
export interface EventsEnvelope<TEvent = VisitorEvent> {
  visitorId: string;
  /** 16–64 characters; a batch sent again (beacon and retry) keeps it, so it counts once. */
  batchId: string;
  sentAt: number;
  /** The visitor's answer per axis; an axis left out keeps the one remembered. */
  consent?: Partial<Consent> | null;
  events: TEvent[];
}

/** `202` body of `POST /api/personalize/events`. */
export interface EventsResponse {
  accepted: number;
  rejected: { index: number; message: string }[];
  /** A batchId already applied: nothing was applied again. */
  duplicate?: true;
  /** Why nothing was stored although the request was well-formed. */
  ignored?: 'bot' | 'no-consent' | 'suppressed';
}

// ---- Signals the SDK measures (docs/sdk.md "What is measured") ----

export interface BehaviorSignals {
  dwellSec?: number;
  scrollDepth?: number;
  clicks?: number;
  hovers?: number;
  quickExits?: number;
  recentlyViewed?: string[];
}

export interface SessionSignals {
  pageviews?: number;
  durationSec?: number;
  isNew?: boolean;
}

/** The client's part of `context.*` (the server derives the rest from the request). */
export interface ContextSignals {
  url?: string;
  path?: string;
  referrer?: string;
  timezone?: string;
  network?: 'slow-2g' | '2g' | '3g' | '4g';
  saveData?: boolean;
}

/** What `pz.signals()` returns: the client-measured part of the signal vocabulary. */
export interface ClientSignals {
  behavior: BehaviorSignals;
  session: SessionSignals;
  context: ContextSignals;
}

// ---- Resolve: POST /api/personalize/resolve ----

export interface ResolveRequest {
  uid: string;
  /** Absent for single types. */
  documentId?: string;
  locale?: string;
  populate?: string | string[] | Record<string, unknown> | boolean;
  fields?: string | string[];
  /** The signal vocabulary (contracts/src/signals/schema.ts); `ClientSignals` is the SDK's part. */
  signals?: Record<string, unknown>;
  visitorId?: string;
}

/** `meta.personalize.experiments[key]`: where the visitor falls in an experiment that took part. */
export interface ExperimentMeta {
  /** Absent when the visitor is in no arm. A multivariate experiment's arm is its cell: the levels joined by `|`. */
  arm?: string;
  /** Multivariate experiments: the visitor's level of each factor, by factor key. */
  levels?: Record<string, string>;
  reason: 'hash' | 'sticky' | 'holdout' | 'not-eligible' | 'no-visitor' | 'no-consent';
  /** The hash bucket, 4 decimals; null without a visitor id or consent. */
  bucket: number | null;
  /** Contextual experiments: the leaf of the model that placed the visitor, and the arm's probability there. */
  leaf?: string;
  propensity?: number;
}

/** A frequency cap of a variant: at most `max` `on` events per window, per visitor. */
export interface FrequencyCap {
  on: 'view' | 'serve' | 'click' | 'dismiss';
  max: number;
  per: 'session' | 'hour' | 'day' | 'week' | 'lifetime';
}

/** One reason a variant matched: a test in its condition, the signals it read and its result. */
export interface ConditionReason {
  /** The operator (`==`, `<`, `in`, ...), or `always` for a variant without a condition. */
  rule: string;
  /** Where the test sits in the variant's condition (inside the audience's rule when `audience` is set). */
  path?: (string | number)[];
  result: unknown;
  /** Signal path → the value the test saw. */
  signals?: Record<string, unknown>;
  /** The audience whose rule the test belongs to. */
  audience?: string;
}

/**
 * A variant whose condition was false, with the signals that its `<`, `<=`, `>`, `>=` read and that were
 * missing (absent or null) in the request: a missing signal never satisfies an ordering comparison, so those
 * comparisons were false. Listed from the condition's literal `var` paths (audiences included), without
 * explaining the condition, so it says "could not be true", even where another test failed first.
 */
export interface MissingSignalReason {
  rule: 'missing-signal';
  /** The variant passed over. */
  variant: string;
  /** Dotted signal paths, e.g. `behavior.dwellSec`, in the order the condition reads them. */
  signals: string[];
}

/** A variant whose condition matched, passed over because one of its frequency caps is used up for this visitor. */
export interface CappedReason {
  rule: 'capped';
  variant: string;
  cap: FrequencyCap;
  /** How many `cap.on` events the visitor has in the cap's window. */
  count: number;
}

/** `caps.maxPersonalizedPerSession` reached: the visitor gets entries as published for the rest of the session. */
export interface FatigueReason {
  rule: 'fatigue';
  max: number;
  served: number;
}

/**
 * The visitor is in the site-wide holdout (`holdout.share`, docs/experiments.md, "The holdout"): every entry as
 * published, no experiment.
 */
export interface HoldoutReason {
  rule: 'holdout';
  share: number;
}

/** The visitor's profile could not be read (store unavailable): delivered with an empty profile. */
export interface ProfileUnavailableReason {
  rule: 'profile-unavailable';
}

/**
 * The visitor is in an experiment that targets this entry: only their arm's variants were candidates
 * (in the arm's order; none for the control arm, which gets the entry as published).
 */
export interface ExperimentReason {
  rule: 'experiment';
  experiment: string;
  arm: string;
  /** The candidates, in order: the arm's variants (a multivariate cell's: each factor's level's, in factor order). */
  variants: string[];
  /** Multivariate experiments: the visitor's level of each factor, by factor key. */
  levels?: Record<string, string>;
}

/**
 * A variant passed over because its condition failed: it no longer compiles (`compile`, e.g. an audience
 * it names was deleted) or its evaluation failed (`evaluation`, e.g. it ran out of its work budget,
 * `limit_exceeded`). It counts as no match; the server logs it once per variant and publish.
 */
export interface ConditionErrorReason {
  rule: 'condition-error';
  variant: string;
  /** The engine's error code (`limit_exceeded`, `evaluation_failed`, ...), or `compile_error`. */
  error: string;
}

/**
 * One entry of `meta.personalize.reason` (and of the admin's evaluate): why a variant was chosen or passed
 * over. Either a test of the chosen variant's condition, or a variant passed over (capped, missing signals,
 * a condition that failed), or what decided for every variant (fatigue, an experiment, no profile).
 */
export type ReasonEntry =
  | ConditionReason
  | MissingSignalReason
  | CappedReason
  | FatigueReason
  | HoldoutReason
  | ProfileUnavailableReason
  | ExperimentReason
  | ConditionErrorReason;

/** `meta.personalize` of a resolved entry. */
export interface PersonalizeMeta {
  /**
   * The served variant's id, or null for the entry as published. A multivariate experiment that served variants of
   * several factors: their ids joined by `+`, in factor order (their overrides merged in that order).
   */
  variant: string | null;
  reason: ReasonEntry[];
  /** Present when an experiment took part. */
  experiments?: Record<string, ExperimentMeta>;
}

/** `200` body of `POST /api/personalize/resolve`: the entry in Strapi's REST shape, overrides applied. */
export interface ResolveResponse<TEntry = Record<string, unknown>> {
  data: TEntry;
  meta: { personalize: PersonalizeMeta; [key: string]: unknown };
}
