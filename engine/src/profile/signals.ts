import { DAY_MS, decayed } from './decay';
import { PROFILE_LIMITS } from './apply';
import type { VisitorProfile } from './types';

/** The `profile.*` signals a condition sees (docs/design.md, "Visitor profiles"). */
export interface ProfileSignals {
  visits: number;
  /** Whole days since the visitor was first seen. */
  firstSeenDays: number;
  /** Whole days since the visitor's last event. */
  daysSinceLastVisit: number;
  /** Interest per tag, decayed at the time asked (tags below 0.01 left out). */
  interests: Record<string, number>;
  /** Tags, highest interest first (ties by name). */
  topInterests: string[];
  /** Page views ended as quick exits, decayed with H = 1 day. */
  quickExits: number;
  /** documentIds of the last qualified views, newest first (≤ 20). */
  recentlyViewed: string[];
}

const wholeDays = (ms: number) => Math.max(0, Math.floor(ms / DAY_MS));

/** A profile's signals at `now`, interests decayed with `halfLifeDays` (`profiles.halfLifeDays`, default 7). */
export const profileSignals = (profile: VisitorProfile, now: number, options: { halfLifeDays?: number } = {}): ProfileSignals => {
  const halfLifeMs = (options.halfLifeDays ?? 7) * DAY_MS;
  const ranked = Object.entries(profile.interests)
    .map(([tag, stored]) => ({ tag, value: decayed(stored, now, halfLifeMs) }))
    .filter(({ value }) => value >= PROFILE_LIMITS.minScore)
    .sort((a, b) => b.value - a.value || (a.tag < b.tag ? -1 : 1));
  const interests: Record<string, number> = {};
  for (const { tag, value } of ranked) interests[tag] = value;
  return {
    visits: profile.visits,
    firstSeenDays: wholeDays(now - profile.firstSeen),
    daysSinceLastVisit: wholeDays(now - profile.lastSeen),
    interests,
    topInterests: ranked.map(({ tag }) => tag),
    quickExits: decayed(profile.quickExits, now, PROFILE_LIMITS.quickExitHalfLifeMs),
    recentlyViewed: [...profile.recentlyViewed],
  };
};
