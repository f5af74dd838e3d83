import type { StoredScore } from './types';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * Exponential, memoryless decay: a score is kept as (score, at) and `score(t) = score · 2^(−(t − at)/H)`.
 * Adding weight `w` at time `t` keeps `score(t) = Σ wᵢ · 2^(−(t − tᵢ)/H)` exactly, whatever order the
 * events arrive in: a newer event moves the reference time forward, an older one is added decayed to
 * the reference time already kept.
 */
export const decayed = (stored: StoredScore | undefined, t: number, halfLifeMs: number): number => {
  if (!stored || stored.score === 0) return 0;
  return stored.score * Math.pow(2, -(t - stored.at) / halfLifeMs);
};

/** `stored` plus weight `w` at time `at` (a new StoredScore; `stored` is not changed). */
export const addScore = (stored: StoredScore | undefined, w: number, at: number, halfLifeMs: number): StoredScore => {
  if (!stored) return { score: w, at };
  if (at >= stored.at) return { score: decayed(stored, at, halfLifeMs) + w, at };
  return { score: stored.score + w * Math.pow(2, -(stored.at - at) / halfLifeMs), at: stored.at };
};
