/**
 * The visitor events of `POST /api/personalize/events` (docs/events.md), as types: declared once
 * here, where the profile maths reads them, and part of the wire contract the SDK shares
 * (contracts/src/wire.ts re-exports them; contracts/src/events.ts validates them with zod, and
 * tests/unit/wire-types.test.ts checks that the schema infers exactly these types).
 */

/** `view`, `click`, `hover` and `dismiss` name an entry (and, when personalized, the variant served). */
export interface EntryReference {
  uid: string;
  documentId: string;
  /** The variant shown (its id), or null for the entry as published. */
  variant?: string | null;
  /** Interest tags, `[a-z0-9_-]{1,64}`, at most 20. */
  tags?: string[];
}

export interface EventBase {
  /** 16–64 characters, made by the SDK, unique per event. */
  id: string;
  /** The client's clock (ms since the epoch); the server rebases it by the batch's `sentAt`. */
  ts: number;
}

export interface PageEvent extends EventBase {
  type: 'page';
  path?: string;
  title?: string;
  referrer?: string;
  tags?: string[];
}

// One interface per type, as the events schema's discriminated union has them.
export interface ViewEvent extends EventBase, EntryReference {
  type: 'view';
}
export interface ClickEvent extends EventBase, EntryReference {
  type: 'click';
}
export interface HoverEvent extends EventBase, EntryReference {
  type: 'hover';
}
export interface DismissEvent extends EventBase, EntryReference {
  type: 'dismiss';
}
export type ReferenceEvent = ViewEvent | ClickEvent | HoverEvent | DismissEvent;

/** A page view's summary, sent when the page is left. */
export interface EngageEvent extends EventBase {
  type: 'engage';
  dwellSec?: number;
  scrollDepth?: number;
  clicks?: number;
  hovers?: number;
  quickExit?: boolean;
}

/** A goal event (conversion, revenue...). */
export interface TrackEvent extends EventBase {
  type: 'track';
  /** `[a-zA-Z][a-zA-Z0-9_.:-]{0,63}` */
  name: string;
  /** At most 50. */
  props?: Record<string, string | number | boolean | null>;
  /** Within ±1e9. */
  value?: number;
}

export type VisitorEvent = PageEvent | ReferenceEvent | EngageEvent | TrackEvent;
export type VisitorEventType = VisitorEvent['type'];

/**
 * An accepted event: as received, plus `at`, its time on the server's clock
 * (`receivedAt − (sentAt − ts)`). The profile maths reads `at` only, never `ts`.
 */
export type AcceptedEvent = VisitorEvent & { at: number };
