/**
 * strapi-plugin-personalize/client: the browser and edge SDK (docs/design.md, "Client SDK"). Measures the
 * behaviour signals, sends events in batches, and asks Strapi for personalized entries. Needs only
 * `fetch` (and `crypto.getRandomValues`); the DOM tracker runs where there is a DOM.
 */
import { SIGNALS_HEADER, VISITOR_HEADER, VISITOR_ID_PATTERN } from '../../contracts/src/wire';
import { createQueue, type QueueMode } from './queue';
import { startTracker, type Tracker } from './tracker';
import type {
  ClientSignals,
  Consent,
  ConsentValue,
  ContextSignals,
  EntryRef,
  EventsEnvelope,
  Personalize,
  PersonalizeEvent,
  PersonalizeOptions,
  ResolveOptions,
  ResolveResult,
} from './types';
import { encodeSignals, randomId } from './util';

export type * from './types';
export { encodeSignals };

/** The first-party cookie that keeps the visitor id (when consent allows storage). */
export const VISITOR_COOKIE = 'pz_vid';
/** The localStorage key of the session, recently viewed and consent (when consent allows storage). */
const STATE_KEY = 'pz_state';
const SESSION_MS = 30 * 60_000;
const COOKIE_MAX_AGE = 400 * 86_400;

/** A non-2xx answer from Strapi: `status`, and Strapi's `error` object as `details`. */
export class PersonalizeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown
  ) {
    super(message);
    this.name = 'PersonalizeError';
  }
}

interface SessionState {
  /** start, last activity (ms) */
  b: number;
  l: number;
  /** page views, quick exits */
  p: number;
  q: number;
  /** first session of this visitor */
  n: boolean;
}

interface State {
  /** recently viewed, newest first */
  rv: string[];
  s?: SessionState;
  c?: Consent;
}

const readCookie = (name: string) => document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`))?.[1];

export function createPersonalize(options: PersonalizeOptions): Personalize {
  const api = `${options.baseUrl.replace(/\/+$/, '')}/api/personalize`;
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const dom = typeof window === 'object' && typeof document === 'object';
  const optOutMode = options.consentMode === 'opt-out';

  let state: State = { rv: [] };
  if (dom) {
    try {
      state = { ...state, ...JSON.parse(localStorage.getItem(STATE_KEY) || '{}') };
    } catch {
      // storage blocked or garbled: start afresh
    }
  }
  const given = (value: ConsentValue | undefined, remembered: ConsentValue | undefined) =>
    (value ?? remembered ?? null) as ConsentValue;
  let consent: Consent = {
    events: given(options.consent?.events, state.c?.events),
    profiling: given(options.consent?.profiling, state.c?.profiling),
  };
  const yes = (value: ConsentValue) => value ?? optOutMode;
  const mayStore = () => dom && (yes(consent.events) || yes(consent.profiling));
  const queueMode = (): QueueMode => (yes(consent.events) ? 'send' : consent.events === false ? 'drop' : 'hold');

  let known = [options.visitorId, dom ? readCookie(VISITOR_COOKIE) : undefined].find((id) => id && VISITOR_ID_PATTERN.test(id));
  let visitorId = known || randomId();

  const cookie = (value: string, maxAge: number) => {
    const domain = options.cookieDomain ? `; Domain=${options.cookieDomain}` : '';
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `${VISITOR_COOKIE}=${value}; Path=/; Max-Age=${maxAge}; SameSite=Lax${domain}${secure}`;
  };
  /**
   * Writes the visitor id and the state, only with consent. `withdrawn`: consent was just refused or
   * withdrawn, so what an earlier consent stored goes too.
   */
  const persist = (withdrawn?: boolean) => {
    if (!dom) return;
    try {
      if (mayStore()) {
        if (readCookie(VISITOR_COOKIE) !== visitorId) cookie(visitorId, COOKIE_MAX_AGE);
        localStorage.setItem(STATE_KEY, JSON.stringify({ ...state, c: consent }));
      } else if (withdrawn && (readCookie(VISITOR_COOKIE) || localStorage.getItem(STATE_KEY))) {
        cookie('', 0);
        localStorage.removeItem(STATE_KEY);
      }
    } catch {
      // storage blocked: memory only
    }
  };

  const queue = createQueue({
    url: `${api}/events`,
    fetch: doFetch,
    browser: dom,
    mode: queueMode,
    envelope: (batchId, events): EventsEnvelope => ({ visitorId, batchId, sentAt: Date.now(), consent: { ...consent }, events }),
  });
  const emit = (type: PersonalizeEvent['type'], fields: object) =>
    queue.push({ type, id: randomId(), ts: Date.now(), ...fields } as PersonalizeEvent);

  /**
   * The session, renewed after 30 minutes without activity. Renewed in the middle of a page view
   * (`midPage`), the page view counts in the new session.
   */
  const session = (midPage = true) => {
    const t = Date.now();
    let s = state.s;
    if (!s || t - s.l > SESSION_MS) state.s = s = { b: t, l: t, p: midPage ? 1 : 0, q: 0, n: !s && !known };
    s.l = t;
    return s;
  };

  const viewed = (documentId: string) => {
    const id = documentId.slice(0, 128);
    state.rv = [id, ...state.rv.filter((other) => other !== id)].slice(0, 20);
    persist();
  };

  let tracker: Tracker | undefined;
  if (dom && options.autoTrack !== false && typeof IntersectionObserver === 'function') {
    tracker = startTracker({
      emit,
      viewed,
      touch: () => session(),
      pageStart() {
        session(false).p++;
        persist();
      },
      pageEnd(quickExit) {
        // Counted in the session the page view belonged to (not one renewed by leaving after 30 min).
        const s = state.s;
        if (quickExit && s && Date.now() - s.l <= SESSION_MS) s.q++;
        persist();
      },
      hide() {
        persist();
        queue.beacon();
      },
    });
  }

  const context = (): ContextSignals => {
    if (!dom) return {};
    const c: ContextSignals = {
      url: location.href.slice(0, 2048),
      path: location.pathname.slice(0, 2048),
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    };
    if (document.referrer) c.referrer = document.referrer.slice(0, 2048);
    const connection = (
      navigator as Navigator & { connection?: { effectiveType?: ContextSignals['network']; saveData?: boolean } }
    ).connection;
    if (connection?.effectiveType) c.network = connection.effectiveType;
    if (connection) c.saveData = !!connection.saveData;
    return c;
  };

  const signals = (): ClientSignals => {
    const s = tracker && session();
    return {
      behavior: { ...tracker?.measure(), ...(s && { quickExits: s.q }), recentlyViewed: state.rv.slice() },
      session: s ? { pageviews: s.p, durationSec: Math.round((Date.now() - s.b) / 1000), isNew: s.n } : {},
      context: context(),
    };
  };

  const request = async <T>(path: string, init: RequestInit): Promise<T> => {
    const res = await doFetch(api + path, init);
    const text = await res.text();
    let body: { error?: { message?: string } } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: the status says it
    }
    if (!res.ok) throw new PersonalizeError(res.status, body?.error?.message || `${res.status} ${res.statusText}`, body?.error);
    return body as T;
  };
  /** The visitor id to send with a resolve: none once the visitor refused everything (after `optOut()`). */
  const identified = () => (consent.events === false && consent.profiling === false ? undefined : visitorId);
  const visitorRequest = <T>(method: string, path: string) =>
    request<T>(path, { method, headers: { [VISITOR_HEADER]: visitorId } });

  /**
   * A new visitor from here on, with consent `next`: nothing queued or remembered of the former one
   * goes with it (its cookie and stored state included).
   */
  const forget = (next: Consent) => {
    queue.discard();
    visitorId = randomId();
    known = undefined;
    state = { rv: [] };
    consent = next;
    if (tracker) session();
    persist(true);
  };

  // A refusal passed in (e.g. from the site's consent manager) also removes what an earlier yes stored.
  persist(consent.events === false || consent.profiling === false);

  return {
    get visitorId() {
      return visitorId;
    },
    get consent() {
      return { ...consent };
    },
    signals,

    resolve<TEntry>({ signal, signals: extra, ...query }: ResolveOptions) {
      const merged: Record<string, unknown> = { ...signals() };
      for (const [namespace, values] of Object.entries(extra ?? {})) {
        merged[namespace] = { ...(merged[namespace] as object), ...values };
      }
      return request<ResolveResult<TEntry>>('/resolve', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body: JSON.stringify({ ...query, signals: merged, visitorId: identified() }),
        signal,
      });
    },

    headers: () => {
      const id = identified();
      return { [SIGNALS_HEADER]: encodeSignals(signals()), ...(id ? { [VISITOR_HEADER]: id } : {}) };
    },

    track(name, props, value) {
      emit('track', { name, ...(props && { props }), ...(value !== undefined && { value }) });
    },

    view(ref: EntryRef) {
      viewed(ref.documentId);
      emit('view', ref);
    },

    setConsent(next) {
      consent = {
        events: next.events === undefined ? consent.events : next.events,
        profiling: next.profiling === undefined ? consent.profiling : next.profiling,
      };
      persist(true);
      queue.update();
    },

    async optOut() {
      consent = { events: false, profiling: false };
      queue.update();
      persist(true);
      await visitorRequest('POST', '/optout');
      // The id is suppressed on the server: a later yes starts a new visitor.
      forget(consent);
    },

    exportData: <T>() => visitorRequest<T>('GET', '/me'),

    async erase() {
      await visitorRequest('DELETE', '/me');
      // Consent is asked again (docs/sdk.md, "Consent"): until the visitor answers, nothing is sent
      // or stored (under opt-in).
      forget({ events: null, profiling: null });
    },

    flush: () => queue.flush(),
  };
}
