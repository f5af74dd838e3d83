import { EVENT_BATCH_LIMITS, TAG_PATTERN, type EventType } from '../../contracts/src/wire';
import type { BehaviorSignals, EntryRef } from './types';

/** What the tracker needs from the SDK core. */
export interface TrackerHost {
  /** Queues an event of this page view. */
  emit(type: Exclude<EventType, 'track'>, fields: object): void;
  /** A qualified view: recently viewed gets the documentId. */
  viewed(documentId: string): void;
  /** A page view starts: the session counts it. */
  pageStart(): void;
  /** A page view ends (its `engage` summary is emitted by the tracker). */
  pageEnd(quickExit: boolean): void;
  /** Visitor activity (keeps the session alive). */
  touch(): void;
  /** The page is hidden or going away: beacon the queue, save state. */
  hide(): void;
}

export interface Tracker {
  /** This page view's `behavior.*` (dwell, scroll depth, clicks, hovers), each only once measured. */
  measure(): Pick<BehaviorSignals, 'dwellSec' | 'scrollDepth' | 'clicks' | 'hovers'>;
}

/** Dwell pauses after this long without input (pointer, key, scroll, touch). */
const IDLE_MS = 30_000;
/** A hover counts after this long; a qualified view needs this long at ≥ 50 % visible. */
const HOVER_MS = 1000;
const QUALIFY_MS = 1000;
/**
 * A page view's signals are measured from its first engaged second (docs/sdk.md, "What is measured"):
 * before it, a dwell of 0 or no click says nothing yet, and would match "dwell < 10 s" on every load.
 */
const MEASURED_MS = 1000;
const ENTRY = 'data-pz-entry';

/** `data-pz-entry="<uid>:<documentId>"` (+ `data-pz-variant`, `data-pz-tags`) → an entry reference. */
export const entryRef = (el: Element): EntryRef | undefined => {
  const value = el.getAttribute(ENTRY) || '';
  const at = value.lastIndexOf(':');
  if (at < 1 || at === value.length - 1) return undefined;
  const ref: EntryRef = { uid: value.slice(0, at), documentId: value.slice(at + 1) };
  const variant = el.getAttribute('data-pz-variant');
  if (variant !== null) ref.variant = variant || null;
  const tags = el.getAttribute('data-pz-tags');
  // Only tags of the contract: one bad tag would cost the whole event on the server.
  if (tags)
    ref.tags = tags
      .split(/[\s,]+/)
      .filter((tag) => TAG_PATTERN.test(tag))
      .slice(0, EVENT_BATCH_LIMITS.tagsPerEvent);
  return ref;
};

const tenths = (ms: number) => Math.round(ms / 100) / 10;

/**
 * The DOM tracker: measures docs/design.md's behaviour signals for each page view (a load, a bfcache restore
 * or a history.pushState/popstate that changes the path) and emits the page view's events. It
 * listens to visibilitychange and pagehide, never unload/beforeunload (they break the bfcache).
 */
export const startTracker = (host: TrackerHost): Tracker => {
  const w = window;
  const d = document;
  const now = Date.now;
  const on = (target: EventTarget, types: string, listener: (event: never) => void) =>
    types
      .split(' ')
      .forEach((type) => target.addEventListener(type, listener as EventListener, { capture: true, passive: true }));

  // Page-view state.
  let path = '';
  let url = '';
  let ended = true;
  let engagedMs = 0;
  /** Start of the current visible-and-focused stretch, or null. */
  let since: number | null = null;
  let lastInput = 0;
  let maxBottom = 0;
  let clicks = 0;
  let hovers = 0;
  /** The visitor scrolled in this page view: its scroll depth is measured. */
  let scrolled = false;
  /** Elements already counted as a qualified view in this page view, with the reference they had. */
  const qualified = new Map<Element, string | null>();
  const inView = new Set<Element>();
  const viewTimers = new Map<Element, ReturnType<typeof setTimeout>>();
  const hoverTimers = new Map<Element, ReturnType<typeof setTimeout>>();

  // Dwell: visible and focused, and at most IDLE_MS after the last input.
  const engaged = () => d.visibilityState === 'visible' && d.hasFocus();
  const until = (t: number) => Math.max(0, Math.min(t, lastInput + IDLE_MS) - (since as number));
  const settle = (t: number) => {
    if (since !== null) {
      engagedMs += until(t);
      since = t;
    }
  };
  const refresh = () => {
    const t = now();
    settle(t);
    since = engaged() ? t : null;
  };
  const activity = () => {
    const t = now();
    settle(t);
    lastInput = t;
    host.touch();
  };
  const dwellMs = () => engagedMs + (since === null ? 0 : until(now()));

  // Scroll depth: round(100 × max(scrollY + innerHeight) / scrollHeight); 100 when the page cannot scroll.
  const measureBottom = () => {
    maxBottom = Math.max(maxBottom, w.scrollY + w.innerHeight);
  };
  const scrollDepth = () => {
    measureBottom();
    const height = d.documentElement.scrollHeight;
    return height <= w.innerHeight ? 100 : Math.min(100, Math.round((100 * maxBottom) / height));
  };

  // Qualified views: ≥ 50 % visible, tab visible, for QUALIFY_MS continuously; once per element per page view.
  const disarm = (el: Element) => {
    clearTimeout(viewTimers.get(el));
    viewTimers.delete(el);
  };
  const arm = (el: Element) => {
    if (viewTimers.has(el) || d.visibilityState !== 'visible') return;
    viewTimers.set(
      el,
      setTimeout(() => {
        viewTimers.delete(el);
        inView.delete(el);
        io.unobserve(el);
        qualified.set(el, el.getAttribute(ENTRY));
        const ref = entryRef(el);
        if (ref) {
          host.viewed(ref.documentId);
          host.emit('view', ref);
        }
      }, QUALIFY_MS)
    );
  };
  const io = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting && entry.intersectionRatio >= 0.5) {
          inView.add(entry.target);
          arm(entry.target);
        } else {
          inView.delete(entry.target);
          disarm(entry.target);
        }
      }
    },
    { threshold: [0, 0.5, 1] }
  );
  const watch = (el: Element) => {
    if (qualified.has(el) && qualified.get(el) === el.getAttribute(ENTRY)) return;
    qualified.delete(el);
    io.unobserve(el); // a changed reference starts over
    io.observe(el);
  };
  const scan = (root: Element) => {
    if (root.matches(`[${ENTRY}]`)) watch(root);
    root.querySelectorAll(`[${ENTRY}]`).forEach(watch);
  };

  const begin = (referrer: string) => {
    path = location.pathname;
    url = location.href;
    ended = false;
    engagedMs = clicks = hovers = maxBottom = 0;
    scrolled = false;
    lastInput = now();
    since = engaged() ? lastInput : null;
    measureBottom();
    for (const el of qualified.keys()) io.observe(el);
    qualified.clear();
    host.pageStart();
    host.emit('page', {
      path: path.slice(0, 2048),
      title: d.title.slice(0, 512),
      ...(referrer ? { referrer: referrer.slice(0, 2048) } : {}),
    });
    scan(d.documentElement);
  };

  const end = () => {
    if (ended) return;
    ended = true;
    const ms = dwellMs();
    const depth = scrollDepth();
    const quickExit = ms < 10_000 && !clicks && depth < 25;
    host.emit('engage', { dwellSec: tenths(ms), scrollDepth: depth, clicks, hovers, quickExit });
    host.pageEnd(quickExit);
  };

  // SPA navigation: a new path is a new page view.
  const navigated = () => {
    if (location.pathname === path) return;
    const referrer = url;
    end();
    begin(referrer);
  };
  const pushState = history.pushState;
  history.pushState = function (this: History, ...args: Parameters<History['pushState']>) {
    pushState.apply(this, args);
    navigated();
  };
  on(w, 'popstate', navigated);

  on(w, 'pointerdown pointermove keydown wheel touchstart scroll', activity);
  on(w, 'scroll resize', measureBottom);
  on(w, 'scroll', (event: Event) => (scrolled ||= event.target === d)); // the page's scroll, not a box's
  on(w, 'focus', () => {
    lastInput = now();
    refresh();
  });
  on(w, 'blur', refresh);
  on(d, 'visibilitychange', () => {
    const visible = d.visibilityState === 'visible';
    if (visible) lastInput = now();
    refresh();
    if (visible) inView.forEach(arm);
    else {
      viewTimers.forEach((_, el) => disarm(el));
      host.hide();
    }
  });
  on(w, 'pagehide', () => {
    end();
    host.hide();
  });
  on(w, 'pageshow', (event: PageTransitionEvent) => {
    if (event.persisted) begin(d.referrer); // restored from the bfcache: a new page view
  });

  on(d, 'click', (event: MouseEvent) => {
    const target = event.target as Element;
    if (!target.closest?.('a,button,[data-pz-click]')) return;
    clicks++;
    const entry = target.closest(`[${ENTRY}]`);
    const ref = entry && entryRef(entry);
    if (ref) host.emit(target.closest('[data-pz-dismiss]') ? 'dismiss' : 'click', ref);
  });

  // Hovers of ≥ HOVER_MS on [data-pz-entry] / [data-pz-hover]; touch is not a hover.
  on(d, 'pointerover', (event: PointerEvent) => {
    if (event.pointerType === 'touch') return;
    const el = (event.target as Element).closest?.(`[${ENTRY}],[data-pz-hover]`);
    if (!el || hoverTimers.has(el)) return;
    hoverTimers.set(
      el,
      setTimeout(() => {
        hovers++;
        const ref = entryRef(el);
        if (ref) host.emit('hover', ref);
      }, HOVER_MS)
    );
  });
  on(d, 'pointerout', (event: PointerEvent) => {
    hoverTimers.forEach((timer, el) => {
      if (!el.contains(event.relatedTarget as Node | null)) {
        clearTimeout(timer);
        hoverTimers.delete(el);
      }
    });
  });

  new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === 'attributes') watch(record.target as Element);
      else record.addedNodes.forEach((node) => node.nodeType === 1 && scan(node as Element));
    }
  }).observe(d.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: [ENTRY] });

  begin(d.referrer);

  return {
    measure() {
      // Left out until measured: a missing signal never satisfies `<` (docs/design.md, "Signals").
      const ms = dwellMs();
      const seen = ms >= MEASURED_MS;
      return {
        ...(seen && { dwellSec: tenths(ms) }),
        ...((seen || scrolled) && { scrollDepth: scrollDepth() }),
        ...((seen || clicks > 0) && { clicks }),
        ...(seen && { hovers }),
      };
    },
  };
};
