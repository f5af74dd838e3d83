import { EVENT_BATCH_LIMITS } from '../../contracts/src/wire';
import type { EventsEnvelope, PersonalizeEvent } from './types';
import { backoffMs, randomId, retryAfterMs } from './util';

/** What the queue does with events, from the visitor's consent: send them, hold them in memory, or drop them. */
export type QueueMode = 'send' | 'hold' | 'drop';

export interface QueueOptions {
  url: string;
  fetch: typeof fetch;
  /** Wraps a batch in the contract's envelope (visitor id, consent) at the moment it is sent. */
  envelope(batchId: string, events: PersonalizeEvent[]): EventsEnvelope;
  mode(): QueueMode;
  /** In a browser: keepalive fetches without credentials, and sendBeacon on page hide. */
  browser: boolean;
}

export interface Queue {
  push(event: PersonalizeEvent): void;
  /** Re-reads the mode (after a consent change): sends, or discards, what waits. */
  update(): void;
  /** Forgets every queued event. */
  discard(): void;
  /** Sends every queued event now; resolves when the attempts finish (a batch waiting to retry stays queued). */
  flush(): Promise<void>;
  /** Page going away: hands everything to `navigator.sendBeacon`. */
  beacon(): void;
}

interface Batch {
  id: string;
  events: PersonalizeEvent[];
  tries: number;
}

/** Batches flush at this many events, or after FLUSH_MS. */
const FLUSH_AT = 10;
const FLUSH_MS = 5000;
/** The server's `events.maxBatch`; also how many events wait for an unknown consent. */
const MAX_BATCH = EVENT_BATCH_LIMITS.maxBatch;
/** Events kept while the network is down. */
const MAX_QUEUED = 500;
const MAX_TRIES = 8;

/**
 * The event queue (docs/design.md, "Client SDK"): batches of up to 10 events (or whatever is there after 5 s)
 * go out one at a time as `text/plain` POSTs (no CORS preflight); a network error, 408, 429 or 5xx is
 * retried with exponential backoff and jitter, or after `Retry-After`; any other 4xx drops the batch.
 * A batch keeps its `batchId` across retries and the page-hide beacon, so the server counts it once.
 */
export const createQueue = ({ url, fetch: doFetch, envelope, mode, browser }: QueueOptions): Queue => {
  let pending: PersonalizeEvent[] = [];
  /** The batch in flight or waiting to retry. */
  let current: Batch | null = null;
  let inflight: Promise<void> | null = null;
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const body = (batch: Batch) => JSON.stringify(envelope(batch.id, batch.events));

  const post = (batch: Batch) =>
    doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: body(batch),
      // Edge runtimes reject some RequestInit fields: only browsers get them.
      ...(browser ? { keepalive: true, credentials: 'omit' as const } : {}),
    });

  const attempt = async (batch: Batch): Promise<void> => {
    let wait: number | undefined;
    let retry = false;
    try {
      const res = await post(batch);
      if (res.status === 408 || res.status === 429 || res.status >= 500) {
        retry = true;
        wait = retryAfterMs(res.headers.get('retry-after'), Date.now());
      }
    } catch {
      retry = true; // network error (or a CORS failure, which looks the same)
    }
    if (current !== batch) return; // a beacon took it over meanwhile
    if (!retry || ++batch.tries >= MAX_TRIES) {
      current = null;
      schedule();
      return;
    }
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        run(batch);
      },
      wait ?? backoffMs(batch.tries - 1)
    );
  };

  const run = (batch: Batch) => {
    const promise = attempt(batch).finally(() => {
      if (inflight === promise) inflight = null;
    });
    inflight = promise;
  };

  const next = () => {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (current || !pending.length || mode() !== 'send') return;
    current = { id: randomId(), events: pending.splice(0, MAX_BATCH), tries: 0 };
    run(current);
  };

  const schedule = () => {
    if (current || !pending.length || mode() !== 'send') return;
    if (pending.length >= FLUSH_AT) next();
    else flushTimer ??= setTimeout(next, FLUSH_MS);
  };

  const clear = () => {
    clearTimeout(flushTimer);
    clearTimeout(retryTimer);
    flushTimer = retryTimer = undefined;
  };

  return {
    push(event) {
      const m = mode();
      if (m === 'drop') return;
      pending.push(event);
      const max = m === 'hold' ? MAX_BATCH : MAX_QUEUED;
      if (pending.length > max) pending.splice(0, pending.length - max);
      schedule();
    },

    update() {
      if (mode() === 'drop') this.discard();
      else schedule();
    },

    discard() {
      clear();
      pending = [];
      current = null;
    },

    async flush() {
      for (;;) {
        if (inflight) await inflight;
        else if (current || !pending.length || mode() !== 'send') return;
        else next();
      }
    },

    beacon() {
      if (mode() !== 'send') return;
      clear();
      const batches = current ? [current] : [];
      current = null;
      while (pending.length) batches.push({ id: randomId(), events: pending.splice(0, MAX_BATCH), tries: 0 });
      for (const batch of batches) {
        // A string body is sent as text/plain;charset=UTF-8: no preflight.
        if (!(browser && navigator.sendBeacon?.(url, body(batch)))) post(batch).catch(() => undefined);
      }
    },
  };
};
