/**
 * Frequency caps (docs/design.md, "Frequency caps"), pure: whether a variant's caps are exhausted for a
 * visitor, from the event times kept per variant. Windows are rolling (`hour`, `day` = 24 h,
 * `week` = 7 d), the visitor's current session, or the whole (retained) lifetime.
 */
import type { CapCounters, VisitorProfile } from './profile/types';

export type CapEvent = 'view' | 'serve' | 'click' | 'dismiss';
export type CapWindow = 'session' | 'hour' | 'day' | 'week' | 'lifetime';

export interface Cap {
  on: CapEvent;
  max: number;
  per: CapWindow;
}

const WINDOW_MS: Record<Exclude<CapWindow, 'session' | 'lifetime'>, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
};

/** The key a variant's counters are kept under in a visitor's profile. */
export const capKey = (uid: string, documentId: string, variantId: string) => `${uid}:${documentId}:${variantId}`;

/** How many `cap.on` events fall in the cap's window at `now`. */
export const capCount = (counters: CapCounters | undefined, cap: Cap, now: number, sessionStartedAt: number | undefined): number => {
  const times = counters?.[cap.on];
  if (!times || times.length === 0) return 0;
  let since: number;
  if (cap.per === 'lifetime') since = -Infinity;
  else if (cap.per === 'session') since = sessionStartedAt ?? Infinity;
  else since = now - WINDOW_MS[cap.per];
  let count = 0;
  // Newest last: count back from the end until a time falls before the window.
  for (let index = times.length - 1; index >= 0 && times[index] >= since; index -= 1) {
    if (times[index] <= now) count += 1;
  }
  return count;
};

/** The first of `caps` this visitor has used up, with the count it reached; null when none is. */
export const exhaustedCap = (
  caps: readonly Cap[] | undefined,
  counters: CapCounters | undefined,
  now: number,
  sessionStartedAt: number | undefined
): { cap: Cap; count: number } | null => {
  for (const cap of caps ?? []) {
    const count = capCount(counters, cap, now, sessionStartedAt);
    if (count >= cap.max) return { cap, count };
  }
  return null;
};

/** A session ends after 30 minutes without activity (docs/design.md, "Signals"), as the profile's maths count it. */
export const SESSION_TIMEOUT_MS = 30 * 60_000;

/** The visitor's session if it is still going at `now` (no gap longer than the timeout), else null. */
export const currentSession = (
  profile: Pick<VisitorProfile, 'session'>,
  now: number,
  timeoutMs = SESSION_TIMEOUT_MS
): VisitorProfile['session'] | null => {
  const { session } = profile;
  return session?.id && now <= session.lastSeenAt + timeoutMs ? session : null;
};
