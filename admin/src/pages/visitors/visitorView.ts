import type { CapCounters } from '../../../../engine/src/profile/types';
import type { VisitorExport } from '../../api';
import type { T } from './i18n';

/**
 * The Visitors page's reading of `POST /personalize/visitors/lookup`: rows for the interests,
 * cap counters, exposures and events tables, and times as "3 hours ago". Pure, tested on its own.
 */

export interface InterestRow {
  tag: string;
  /** The score decayed to the time of the export. */
  score: number;
  /** The score as stored, and when it was last brought up to date. */
  stored: number | null;
  storedAt: number | null;
  /** `score` over the highest score (0–1), for a bar. */
  share: number;
}

/** The interests, highest first: decayed now, beside the stored (score, at) they were decayed from. */
export const interestRows = (data: VisitorExport): InterestRow[] => {
  const decayed = data.decayed?.interests ?? {};
  const stored = data.profile?.interests ?? {};
  const tags = [...new Set([...(data.decayed?.topInterests ?? []), ...Object.keys(decayed), ...Object.keys(stored)])];
  const rows = tags.map((tag) => ({
    tag,
    score: decayed[tag] ?? 0,
    stored: stored[tag]?.score ?? null,
    storedAt: stored[tag]?.at ?? null,
    share: 0,
  }));
  rows.sort((a, b) => b.score - a.score || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const top = rows[0]?.score ?? 0;
  return rows.map((row) => ({ ...row, share: top > 0 ? row.score / top : 0 }));
};

export const CAP_EVENTS = ['view', 'serve', 'click', 'dismiss'] as const;

export interface CapRow {
  key: string;
  uid: string;
  documentId: string;
  variant: string;
  /** Times kept per event kind (newest last, at most 100 each). */
  counts: Record<(typeof CAP_EVENTS)[number], number>;
  /** The newest of the counted times, or null. */
  last: number | null;
}

/** `${uid}:${documentId}:${variantId}` → its parts; a uid has "::" in it, so the key splits from the right. */
export const splitCapKey = (key: string): { uid: string; documentId: string; variant: string } => {
  const variantAt = key.lastIndexOf(':');
  const documentAt = variantAt > 0 ? key.lastIndexOf(':', variantAt - 1) : -1;
  if (variantAt <= 0 || documentAt <= 0) return { uid: '', documentId: '', variant: key };
  return { uid: key.slice(0, documentAt), documentId: key.slice(documentAt + 1, variantAt), variant: key.slice(variantAt + 1) };
};

/** Cap counters per variant, the most recently counted first. */
export const capRows = (caps: Record<string, CapCounters> | undefined): CapRow[] =>
  Object.entries(caps ?? {})
    .map(([key, counters]) => {
      const counts = Object.fromEntries(CAP_EVENTS.map((on) => [on, counters[on]?.length ?? 0])) as CapRow['counts'];
      const times = CAP_EVENTS.flatMap((on) => counters[on] ?? []);
      return { key, ...splitCapKey(key), counts, last: times.length ? Math.max(...times) : null };
    })
    .sort((a, b) => (b.last ?? 0) - (a.last ?? 0) || (a.key < b.key ? -1 : 1));

export interface ExposureRow {
  experiment: string;
  arm: string;
  at: number;
}

export const exposureRows = (exposures: VisitorExport['exposures'] | undefined): ExposureRow[] =>
  Object.entries(exposures ?? {})
    .map(([experiment, { arm, at }]) => ({ experiment, arm, at }))
    .sort((a, b) => b.at - a.at);

export type EventKind = 'page' | 'view' | 'click' | 'hover' | 'dismiss' | 'engage' | 'track' | 'other';

export interface EventRow {
  /** Position in the stored list (a stable React key, even when ids repeat). */
  index: number;
  id: string;
  kind: EventKind;
  /** The raw `type`, for kinds this page has no words for. */
  type: string;
  /** Server time (`at`), else the client's `ts`. */
  at: number | null;
  /** What it is about: a path, `uid` + documentId, or a track name. */
  subject: string;
  variant: string | null;
  tags: string[];
  /** engage: the page view's summary; track: value and props. */
  engage?: { dwellSec?: number; scrollDepth?: number; clicks?: number; hovers?: number; quickExit?: boolean };
  value?: number;
  props?: Record<string, unknown>;
}

const KINDS = new Set<EventKind>(['page', 'view', 'click', 'hover', 'dismiss', 'engage', 'track']);

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** The stored events (as received, oldest first), newest first, as table rows. */
export const eventRows = (events: unknown[] | undefined): EventRow[] =>
  (events ?? [])
    .map((raw, index): EventRow => {
      const event = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
      const type = text(event.type) || '?';
      const kind: EventKind = KINDS.has(type as EventKind) ? (type as EventKind) : 'other';
      const at = number(event.at) ?? number(event.ts) ?? null;
      let subject = '';
      if (kind === 'page') subject = text(event.path) || text(event.title);
      else if (kind === 'view' || kind === 'click' || kind === 'hover' || kind === 'dismiss') {
        subject = [text(event.uid), text(event.documentId)].filter(Boolean).join(' · ');
      } else if (kind === 'track') subject = text(event.name);
      const row: EventRow = {
        index,
        id: text(event.id),
        kind,
        type,
        at,
        subject,
        variant: typeof event.variant === 'string' ? event.variant : null,
        tags: Array.isArray(event.tags) ? event.tags.filter((tag): tag is string => typeof tag === 'string') : [],
      };
      if (kind === 'engage') {
        row.engage = {
          dwellSec: number(event.dwellSec),
          scrollDepth: number(event.scrollDepth),
          clicks: number(event.clicks),
          hovers: number(event.hovers),
          quickExit: typeof event.quickExit === 'boolean' ? event.quickExit : undefined,
        };
      }
      if (kind === 'track') {
        row.value = number(event.value);
        if (event.props && typeof event.props === 'object') row.props = event.props as Record<string, unknown>;
      }
      return row;
    })
    .sort((a, b) => (b.at ?? 0) - (a.at ?? 0) || b.index - a.index);

export type RelativeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** `at` relative to `now`, in the largest whole unit, for `formatRelativeTime` (negative: in the past). */
export const relativeTime = (at: number, now: number): { value: number; unit: RelativeUnit } => {
  const seconds = (at - now) / 1000;
  const abs = Math.abs(seconds);
  const steps: [RelativeUnit, number][] = [
    ['year', 365 * 86400],
    ['month', 30 * 86400],
    ['week', 7 * 86400],
    ['day', 86400],
    ['hour', 3600],
    ['minute', 60],
  ];
  for (const [unit, size] of steps) {
    if (abs >= size) return { value: Math.trunc(seconds / size), unit };
  }
  return { value: Math.trunc(seconds), unit: 'second' };
};

/**
 * What is left of an erased or opted-out visitor, in words: only the suppression marker (no personal
 * data), what it is for, and when it goes (docs/events.md, "Privacy endpoints").
 */
export const suppressionText = (
  visitorId: string,
  marker: NonNullable<VisitorExport['suppressed']>,
  t: T,
  date: (at: number) => string
): { title: string; body: string; kept: string } => ({
  title: t('suppressed.title', 'Only a suppression marker is stored for {id}', { id: visitorId }),
  body:
    marker.kind === 'optout'
      ? t(
          'suppressed.optout',
          'It holds no personal data, only that this visitor opted out on {date}: every event of theirs is dropped while it lasts.',
          { date: date(marker.at) }
        )
      : t(
          'suppressed.erased',
          'It holds no personal data, only that this visitor was erased on {date}: their events sent before then and still in flight are dropped; later ones start a new profile.',
          { date: date(marker.at) }
        ),
  kept:
    marker.until === null
      ? t('suppressed.keptForGood', 'It is kept until someone deletes it; nothing else is stored.')
      : t('suppressed.kept', 'It is kept until {date}, then nothing at all is stored.', { date: date(marker.until) }),
});

/** Whether a lookup found anything stored: a profile, or only an erasure/opt-out marker, or nothing. */
export const lookupState = (data: VisitorExport): 'profile' | 'suppressed' | 'empty' =>
  data.profile ? 'profile' : data.suppressed ? 'suppressed' : 'empty';

/** The visitor's current session, if it is still going at the export's time (30 minutes without activity end it). */
export const sessionOf = (data: VisitorExport, timeoutMs = 30 * 60_000) => {
  const session = data.profile?.session;
  const now = data.decayed?.at;
  if (!session || now === undefined) return null;
  return { ...session, active: now - session.lastSeenAt <= timeoutMs };
};
