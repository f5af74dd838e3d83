/**
 * The visitor events of `POST /api/personalize/events` (DESIGN "Visitors and events"), as types.
 * contracts/src/events.ts validates them with zod; the profile maths below only reads them.
 */

/** `view`, `click`, `hover` and `dismiss` name an entry (and, when personalized, the variant served). */
export interface EntryReference {
  uid: string;
  documentId: string;
  variant?: string | null;
  tags?: string[];
}

interface EventBase {
  /** 16–64 characters, made by the SDK. */
  id: string;
  /** The client's clock (ms). */
  ts: number;
}

export interface PageEvent extends EventBase {
  type: 'page';
  path?: string;
  title?: string;
  referrer?: string;
  tags?: string[];
}

export interface ReferenceEvent extends EventBase, EntryReference {
  type: 'view' | 'click' | 'hover' | 'dismiss';
}

export interface EngageEvent extends EventBase {
  type: 'engage';
  dwellSec?: number;
  scrollDepth?: number;
  clicks?: number;
  hovers?: number;
  quickExit?: boolean;
}

export interface TrackEvent extends EventBase {
  type: 'track';
  name: string;
  props?: Record<string, string | number | boolean | null>;
  value?: number;
}

export type VisitorEvent = PageEvent | ReferenceEvent | EngageEvent | TrackEvent;
export type VisitorEventType = VisitorEvent['type'];

/**
 * An accepted event: as received, plus `at`, its time on the server's clock
 * (`receivedAt − (sentAt − ts)`). The profile maths reads `at` only, never `ts`.
 */
export type AcceptedEvent = VisitorEvent & { at: number };
