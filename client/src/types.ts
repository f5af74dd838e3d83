/**
 * Public types of the browser/edge SDK. What crosses the wire (events, consent, signals, the resolve
 * response) is declared once in contracts/src/wire.ts, plain TypeScript without zod, and re-exported
 * here under the SDK's names; tests/unit/wire-types.test.ts checks the server's schemas against it.
 */
import type {
  BehaviorSignals,
  ClientSignals,
  Consent,
  ContextSignals,
  EntryRef,
  ResolveResponse,
  SessionSignals,
} from '../../contracts/src/wire';

export type {
  BehaviorSignals,
  ClientSignals,
  Consent,
  ConsentValue,
  ContextSignals,
  EntryRef,
  EventBase,
  EventsEnvelope,
  ExperimentMeta,
  PersonalizeMeta,
  ReasonEntry,
  SessionSignals,
  VisitorEvent as PersonalizeEvent,
  ResolveResponse as ResolveResult,
} from '../../contracts/src/wire';

/** Signals a caller may add to a resolve (merged over `pz.signals()`, one namespace deep). */
export interface ExtraSignals {
  behavior?: BehaviorSignals;
  session?: SessionSignals;
  context?: ContextSignals & Record<string, unknown>;
  custom?: Record<string, string | number | boolean | null | Array<string | number | boolean | null>>;
  [namespace: string]: object | undefined;
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
  /** `POST /api/personalize/resolve` with the signals and the visitor id (none once the visitor refused all). */
  resolve<TEntry = Record<string, unknown>>(options: ResolveOptions): Promise<ResolveResponse<TEntry>>;
  /**
   * `x-personalize-signals` and `x-personalize-visitor` (not once the visitor refused everything), for
   * plain content-API fetches.
   */
  headers(): Record<string, string>;
  /** A goal event (conversion, revenue...). */
  track(name: string, props?: Record<string, string | number | boolean | null>, value?: number): void;
  /** A view of an entry (auto-tracking sends qualified views of `[data-pz-entry]` itself). */
  view(ref: EntryRef): void;
  /** Records the visitor's answer; `false` discards waiting events, `true` sends them. */
  setConsent(consent: Partial<Consent>): void;
  /** The visitor's current consent. */
  readonly consent: Consent;
  /**
   * `POST /api/personalize/optout`: erase and suppress; nothing more is sent or stored (a resolve goes
   * without the visitor id), and a later yes starts a new visitor.
   */
  optOut(): Promise<void>;
  /** `GET /api/personalize/me`: everything stored for this visitor. */
  exportData<T = unknown>(): Promise<T>;
  /**
   * `DELETE /api/personalize/me`: erase; the SDK forgets the visitor (a new id; the cookie and stored
   * state go) and consent is unknown again, so nothing is sent or stored until the visitor says yes.
   */
  erase(): Promise<void>;
  /** Sends every queued event now (when consent allows). */
  flush(): Promise<void>;
}
