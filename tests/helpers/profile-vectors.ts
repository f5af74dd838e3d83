import fc from 'fast-check';

import { DAY_MS } from '../../engine/src/profile/decay';
import type { AcceptedEvent } from '../../engine/src/profile/events';

/** Shared test vectors for the profile maths, run on the pure functions and on both stores. */
export const TAGS = ['shoes', 'bags', 'hats', 'coats', 'socks', 'belts'] as const;
export const WEIGHTS = { view: 1, click: 3, hover: 1, page: 1 };
export const BASE_TIME = Date.UTC(2025, 0, 6, 9, 0, 0);

export interface DecayVector {
  /** Every event, by time. */
  events: AcceptedEvent[];
  /** The same events in batches, in the order they are applied (each batch ≤ 50 events). */
  batches: AcceptedEvent[][];
  /** When the profile is read. */
  readAt: number;
}

const TYPES = ['page', 'view', 'click', 'hover'] as const;

/**
 * Random event sequences within `spanMs` (so no score falls under 0.01 before the read: at most
 * `spanMs` + 3 days at H = 7), split into random batches applied in a random order.
 */
export const decayVectors = (options: { spanMs?: number; maxEvents?: number; base?: number } = {}) => {
  const spanMs = options.spanMs ?? 30 * DAY_MS;
  const base = options.base ?? BASE_TIME;
  return fc
    .record({
      raw: fc.array(
        fc.record({
          offset: fc.integer({ min: 0, max: spanMs }),
          type: fc.constantFrom(...TYPES),
          tags: fc.uniqueArray(fc.constantFrom(...TAGS), { minLength: 1, maxLength: 3 }),
        }),
        { minLength: 1, maxLength: options.maxEvents ?? 60 }
      ),
      cuts: fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 10 }),
      order: fc.array(fc.integer(), { minLength: 12, maxLength: 12 }),
      shuffleWithin: fc.boolean(),
      readAfterMs: fc.integer({ min: 0, max: 3 * DAY_MS }),
    })
    .map(({ raw, cuts, order, shuffleWithin, readAfterMs }): DecayVector => {
      const events = raw.map(({ offset, type, tags }, index): AcceptedEvent => {
        const at = base + offset;
        const id = `vector-event-${String(index).padStart(6, '0')}`;
        return type === 'page'
          ? { id, ts: at, at, type, tags }
          : { id, ts: at, at, type, uid: 'api::article.article', documentId: `doc-${index % 5}`, tags };
      });
      // Arrival order: the events shuffled (or not), then cut into batches, then the batches shuffled.
      const arrival = shuffleWithin ? [...events].sort((a, b) => ((a.at * 7919) % 1009) - ((b.at * 7919) % 1009)) : [...events];
      const points = [...new Set(cuts.map((cut) => cut % arrival.length))].filter((cut) => cut > 0).sort((a, b) => a - b);
      const batches: AcceptedEvent[][] = [];
      let start = 0;
      for (const point of [...points, arrival.length]) {
        for (let from = start; from < point; from += 50) batches.push(arrival.slice(from, Math.min(point, from + 50)));
        start = point;
      }
      const ordered = batches
        .map((batch, index) => ({ batch, key: order[index % order.length] + index * 31 }))
        .sort((a, b) => a.key - b.key)
        .map(({ batch }) => batch);
      const latest = Math.max(...events.map((event) => event.at));
      return { events: [...events].sort((a, b) => a.at - b.at), batches: ordered, readAt: latest + readAfterMs };
    });
};

/** score(t) = Σ wᵢ · 2^(−(t − tᵢ)/H), straight from the definition. */
export const expectedScores = (events: readonly AcceptedEvent[], t: number, halfLifeDays: number, weights = WEIGHTS) => {
  const scores: Record<string, number> = {};
  for (const event of events) {
    if (event.type !== 'page' && event.type !== 'view' && event.type !== 'click' && event.type !== 'hover') continue;
    const weight = weights[event.type];
    for (const tag of event.tags ?? [])
      scores[tag] = (scores[tag] ?? 0) + weight * Math.pow(2, -(t - event.at) / (halfLifeDays * DAY_MS));
  }
  return scores;
};
