/**
 * Public types of the browser/edge SDK. Plain TypeScript on purpose: the SDK ships no zod. The
 * shapes follow the server's contract (contracts/src/signals/schema.ts and DESIGN "Visitors and
 * events"); tests/unit/client-core.test.ts checks them against the server's types.
 */

/** A consent axis: `true` given, `false` refused, `null` not asked yet. */
export type ConsentValue = boolean | null;

export interface Consent {
  /** Store events and count the visitor in experiments. */
  events: ConsentValue;
  /** Build and use a profile. */
  profiling: ConsentValue;
}

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

/** Signals a caller may add to a resolve (merged over `pz.signals()`, one namespace deep). */
export interface ExtraSignals {
  behavior?: BehaviorSignals;
  session?: SessionSignals;
  context?: ContextSignals & Record<string, unknown>;
  custom?: Record<string, string | number | boolean | null | Array<string | number | boolean | null>>;
  [namespace: string]: object | undefined;
}

/** An entry reference of `view`, `click`, `hover` and `dismiss` events. */
export interface EntryRef {
  uid: string;
  documentId: string;
  /** The variant shown (its id), or null for the entry as published. */
  variant?: string | null;
  /** Interest tags, `[a-z0-9_-]{1,64}`, at most 20. */
  tags?: string[];
}

export interface EventBase {
  /** 16–64 characters, unique per event. */
  id: string;
  /** Client time, ms since the epoch. */
  ts: number;
}

export type PersonalizeEvent = EventBase &
  (
    | { type: 'page'; path?: string; title?: string; referrer?: string; tags?: string[] }
    | ({ type: 'view' } & EntryRef)
    | ({ type: 'click' } & EntryRef)
    | ({ type: 'hover' } & EntryRef)
    | ({ type: 'dismiss' } & EntryRef)
    | { type: 'engage'; dwellSec: number; scrollDepth: number; clicks: number; hovers: number; quickExit: boolean }
    | { type: 'track'; name: string; props?: Record<string, string | number | boolean | null>; value?: number }
  );

/** The body of `POST /api/personalize/events`. */
export interface EventsEnvelope {
  visitorId: string;
  batchId: string;
  sentAt: number;
  consent?: Consent;
  events: PersonalizeEvent[];
}

export interface ResolveOptions {
  uid: string;
  documentId?: string;
  locale?: string;
  populate?: unknown;
  fields?: string | string[];
  /** Extra signals (e.g. `custom.*`), merged over the measured ones. */
  signals?: ExtraSignals;
  /** Aborts the request. */
  signal?: AbortSignal;
}

export interface ResolveResult<TEntry = Record<string, unknown>> {
  data: TEntry;
  meta: {
    personalize: {
      variant: string | null;
      reason: unknown[];
      experiments?: Record<string, { arm: string | null; reason: string; bucket?: number }>;
    };
    [key: string]: unknown;
  };
}

export interface PersonalizeOptions {
  /** Strapi's origin (e.g. `https://cms.example.com`), or `''` for a same-origin rewrite. */
  baseUrl: string;
  /** Measure behaviour and send events from the DOM (default true; off where there is no DOM). */
  autoTrack?: boolean;
  /** The visitor's consent as known when the page loads (default: both `null`). */
  consent?: Partial<Consent>;
  /** The server's `visitors.consent`: under `opt-in` (default) unknown consent means no. */
  consentMode?: 'opt-in' | 'opt-out';
  /** A known visitor id, e.g. the `pz_vid` cookie read by a server rendering the page. */
  visitorId?: string;
  /** Cookie `Domain` for `pz_vid` (default: the page's host only). */
  cookieDomain?: string;
  /** Headers for `resolve()` (e.g. `Authorization: Bearer <read-only token>` on a server). */
  headers?: Record<string, string>;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
}

export interface Personalize {
  /** The visitor's opaque random id. */
  readonly visitorId: string;
  /** This page view's measured signals: `{ behavior, session, context }`. */
  signals(): ClientSignals;
  /** `POST /api/personalize/resolve` with the signals and the visitor id. */
  resolve<TEntry = Record<string, unknown>>(options: ResolveOptions): Promise<ResolveResult<TEntry>>;
  /** `x-personalize-signals` and `x-personalize-visitor`, for plain content-API fetches. */
  headers(): Record<string, string>;
  /** A goal event (conversion, revenue...). */
  track(name: string, props?: Record<string, string | number | boolean | null>, value?: number): void;
  /** A view of an entry (auto-tracking sends qualified views of `[data-pz-entry]` itself). */
  view(ref: EntryRef): void;
  /** Records the visitor's answer; `false` discards waiting events, `true` sends them. */
  setConsent(consent: Partial<Consent>): void;
  /** The visitor's current consent. */
  readonly consent: Consent;
  /** `POST /api/personalize/optout`: erase and suppress; nothing more is sent or stored. */
  optOut(): Promise<void>;
  /** `GET /api/personalize/me`: everything stored for this visitor. */
  exportData<T = unknown>(): Promise<T>;
  /** `DELETE /api/personalize/me`: erase; the SDK continues with a new visitor id. */
  erase(): Promise<void>;
  /** Sends every queued event now (when consent allows). */
  flush(): Promise<void>;
}
