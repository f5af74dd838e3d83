import fc from 'fast-check';

import { applyEvents, applyServe, DEFAULT_PROFILE_OPTIONS, emptyProfile, PROFILE_LIMITS } from '../../engine/src/profile/apply';
import { consentRecord, effectiveConsent } from '../../engine/src/profile/consent';
import { DAY_MS, MINUTE_MS } from '../../engine/src/profile/decay';
import type { AcceptedEvent } from '../../engine/src/profile/events';
import { profileSignals } from '../../engine/src/profile/signals';
import type { VisitorProfile } from '../../engine/src/profile/types';
import { decayVectors, expectedScores, TAGS, WEIGHTS, type DecayVector } from '../helpers/profile-vectors';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const options = (now: number, extra: object = {}) => ({ ...DEFAULT_PROFILE_OPTIONS, now, ...extra });

let counter = 0;
const id = () => `event-${String((counter += 1)).padStart(12, '0')}`;
const page = (at: number, tags: string[] = [], extra: object = {}): AcceptedEvent => ({
  id: id(),
  ts: at,
  at,
  type: 'page',
  tags,
  ...extra,
});
const view = (at: number, documentId: string, extra: object = {}): AcceptedEvent => ({
  id: id(),
  ts: at,
  at,
  type: 'view',
  uid: 'api::article.article',
  documentId,
  ...extra,
});
const engage = (at: number, quickExit: boolean): AcceptedEvent => ({
  id: id(),
  ts: at,
  at,
  type: 'engage',
  quickExit,
  dwellSec: 3,
});

const apply = (profile: VisitorProfile | null, events: AcceptedEvent[], now = Math.max(...events.map((event) => event.at))) =>
  applyEvents(profile, events, options(now));

const relativeError = (actual: number, expected: number) => Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);

describe('interest decay', () => {
  it('halves a score after one half-life, and again after two', () => {
    const profile = apply(null, [page(T0, ['shoes'])]);
    const H = DEFAULT_PROFILE_OPTIONS.halfLifeDays * DAY_MS;
    expect(profileSignals(profile, T0).interests.shoes).toBeCloseTo(1, 12);
    expect(relativeError(profileSignals(profile, T0 + H).interests.shoes, 0.5)).toBeLessThan(1e-12);
    expect(relativeError(profileSignals(profile, T0 + 2 * H).interests.shoes, 0.25)).toBeLessThan(1e-12);
    // With a half-life of 1 day.
    expect(relativeError(profileSignals(profile, T0 + DAY_MS, { halfLifeDays: 1 }).interests.shoes, 0.5)).toBeLessThan(1e-12);
  });

  it('weights event types: view 1, click 3, hover 1, page 1', () => {
    const base = { uid: 'api::article.article', documentId: 'doc1', tags: ['t'] };
    const at = T0;
    const events: AcceptedEvent[] = [
      { id: id(), ts: at, at, type: 'click', ...base },
      { id: id(), ts: at, at, type: 'hover', ...base },
      { id: id(), ts: at, at, type: 'view', ...base },
      { id: id(), ts: at, at, type: 'dismiss', ...base },
      { id: id(), ts: at, at, type: 'page', tags: ['t'] },
    ];
    expect(profileSignals(apply(null, events), at).interests.t).toBeCloseTo(6, 12);
  });

  // score(t) = Σ wᵢ · 2^(−(t − tᵢ)/H), whatever batches the events arrive in and in whatever order.
  it('depends only on the events’ times, for any batching and arrival order (property)', () => {
    fc.assert(
      fc.property(decayVectors(), (vector: DecayVector) => {
        let profile: VisitorProfile | null = null;
        for (const batch of vector.batches) profile = apply(profile, batch, batch[0].at);
        const expected = expectedScores(vector.events, vector.readAt, DEFAULT_PROFILE_OPTIONS.halfLifeDays);
        const actual = profileSignals(profile!, vector.readAt).interests;
        for (const tag of TAGS) {
          const want = expected[tag] ?? 0;
          if (want >= 0.0101) expect(relativeError(actual[tag], want)).toBeLessThan(1e-9);
          else if (want < 0.0099) expect(actual[tag]).toBeUndefined();
        }
      }),
      { numRuns: 300 }
    );
  });

  it('keeps at most maxInterests tags, the lowest dropped, and drops scores below 0.01', () => {
    const events = Array.from({ length: 40 }, (_, index) => page(T0 + index * 1000, [`tag-${String(index).padStart(2, '0')}`]));
    const profile = apply(null, events);
    expect(Object.keys(profile.interests)).toHaveLength(32);
    // The oldest (lowest after decay) are the ones dropped.
    expect(profile.interests['tag-00']).toBeUndefined();
    expect(profile.interests['tag-39']).toBeDefined();
    const later = apply(profile, [page(T0 + 60 * DAY_MS, ['fresh'])]);
    // 60 days at H = 7 → 2^(−8.6) ≈ 0.0026 < 0.01.
    expect(Object.keys(later.interests)).toEqual(['fresh']);
  });

  it('uses the configured weights', () => {
    const profile = applyEvents(null, [page(T0, ['x'])], options(T0, { weights: { ...WEIGHTS, page: 5 } }));
    expect(profile.interests.x.score).toBe(5);
  });
});

describe('sessions and visits', () => {
  it('starts a new session (and visit) after 30 minutes without activity', () => {
    let profile = apply(null, [page(T0), page(T0 + 10 * MINUTE_MS), engage(T0 + 20 * MINUTE_MS, false)]);
    expect(profile.visits).toBe(1);
    expect(profile.session).toMatchObject({ startedAt: T0, lastSeenAt: T0 + 20 * MINUTE_MS, pageviews: 2 });
    profile = apply(profile, [page(T0 + 49 * MINUTE_MS)]);
    expect(profile.visits).toBe(1);
    profile = apply(profile, [page(T0 + 80 * MINUTE_MS)]);
    expect(profile.visits).toBe(2);
    expect(profile.session).toMatchObject({ startedAt: T0 + 80 * MINUTE_MS, pageviews: 1, personalizedServes: 0 });
    expect(profile.firstSeen).toBe(T0);
    expect(profile.lastSeen).toBe(T0 + 80 * MINUTE_MS);
  });

  it('sorts a batch by time and counts a late event of the session', () => {
    const profile = apply(null, [page(T0 + 5 * MINUTE_MS), page(T0)]);
    expect(profile.visits).toBe(1);
    expect(profile.session.startedAt).toBe(T0);
    const late = apply(profile, [page(T0 - 10 * MINUTE_MS)]);
    expect(late.visits).toBe(1);
    expect(late.session.startedAt).toBe(T0 - 10 * MINUTE_MS);
    expect(late.firstSeen).toBe(T0 - 10 * MINUTE_MS);
  });

  it('counts serves in the session, and a serve after the timeout starts a session', () => {
    let profile = apply(null, [page(T0)]);
    profile = applyServe(profile, 'api::article.article:doc:v1', T0 + MINUTE_MS);
    profile = applyServe(profile, 'api::article.article:doc:v1', T0 + 2 * MINUTE_MS);
    expect(profile.session.personalizedServes).toBe(2);
    expect(profile.caps['api::article.article:doc:v1'].serve).toEqual([T0 + MINUTE_MS, T0 + 2 * MINUTE_MS]);
    profile = applyServe(profile, null, T0 + 3 * 60 * MINUTE_MS);
    expect(profile.visits).toBe(2);
    expect(profile.session.personalizedServes).toBe(1);
    const fresh = applyServe(null, 'k', T0);
    expect(fresh).toMatchObject({ visits: 1, firstSeen: T0, session: { personalizedServes: 1 }, caps: { k: { serve: [T0] } } });
  });
});

describe('quick exits, recently viewed, caps and events', () => {
  it('decays quick exits with a half-life of one day', () => {
    const profile = apply(null, [engage(T0, true), engage(T0 + 1000, false), engage(T0 + 2000, true)]);
    expect(profileSignals(profile, T0 + 2000).quickExits).toBeCloseTo(1 + Math.pow(2, -2000 / DAY_MS), 12);
    expect(profileSignals(profile, T0 + 2000 + DAY_MS).quickExits).toBeCloseTo((1 + Math.pow(2, -2000 / DAY_MS)) / 2, 12);
  });

  it('keeps the last 20 documents viewed, newest first, de-duplicated', () => {
    const events = Array.from({ length: 25 }, (_, index) => view(T0 + index, `doc-${index}`));
    let profile = apply(null, events);
    expect(profile.recentlyViewed).toHaveLength(20);
    expect(profile.recentlyViewed[0]).toBe('doc-24');
    expect(profile.recentlyViewed[19]).toBe('doc-5');
    profile = apply(profile, [view(T0 + 100, 'doc-10')]);
    expect(profile.recentlyViewed[0]).toBe('doc-10');
    expect(profile.recentlyViewed.filter((doc) => doc === 'doc-10')).toHaveLength(1);
  });

  it('counts view, click and dismiss events that name a variant, times newest last, at most 100', () => {
    const ref = { uid: 'api::article.article', documentId: 'doc', variant: 'v1' };
    const events: AcceptedEvent[] = [
      { id: id(), ts: T0 + 2, at: T0 + 2, type: 'view', ...ref },
      { id: id(), ts: T0 + 1, at: T0 + 1, type: 'view', ...ref },
      { id: id(), ts: T0 + 3, at: T0 + 3, type: 'click', ...ref },
      { id: id(), ts: T0 + 4, at: T0 + 4, type: 'dismiss', ...ref },
      { id: id(), ts: T0 + 5, at: T0 + 5, type: 'hover', ...ref },
      { id: id(), ts: T0 + 6, at: T0 + 6, type: 'view', ...ref, variant: null },
    ];
    let profile = apply(null, events);
    expect(profile.caps).toEqual({
      'api::article.article:doc:v1': { view: [T0 + 1, T0 + 2], click: [T0 + 3], dismiss: [T0 + 4] },
    });
    // A late event lands in time order.
    profile = apply(profile, [{ id: id(), ts: T0, at: T0, type: 'view', ...ref }]);
    expect(profile.caps['api::article.article:doc:v1'].view).toEqual([T0, T0 + 1, T0 + 2]);
    const many = Array.from({ length: 120 }, (_, index): AcceptedEvent => ({
      id: id(),
      ts: T0 + 10 + index,
      at: T0 + 10 + index,
      type: 'view',
      ...ref,
    }));
    profile = apply(profile, many);
    const views = profile.caps['api::article.article:doc:v1'].view!;
    expect(views).toHaveLength(PROFILE_LIMITS.capTimes);
    expect(views[views.length - 1]).toBe(T0 + 129);
  });

  it('keeps the last 50 events as received, with their server time', () => {
    const events = Array.from({ length: 60 }, (_, index) => page(T0 + index, [], { path: `/p/${index}` }));
    const profile = apply(null, events);
    expect(profile.events).toHaveLength(50);
    expect(profile.events[49]).toMatchObject({ type: 'page', path: '/p/59', at: T0 + 59 });
  });

  it('builds no interests, quick exits or recently viewed without profiling consent, and drops those kept', () => {
    const profiled = apply(null, [page(T0, ['x']), view(T0 + 1, 'doc', { tags: ['y'] }), engage(T0 + 2, true)]);
    expect(Object.keys(profiled.interests).sort()).toEqual(['x', 'y']);
    const withdrawn = applyEvents(profiled, [page(T0 + 3, ['z'])], options(T0 + 3, { profiling: false }));
    expect(withdrawn.interests).toEqual({});
    expect(withdrawn.recentlyViewed).toEqual([]);
    expect(withdrawn.quickExits.score).toBe(0);
    expect(withdrawn.events).toHaveLength(4);
  });

  it('never changes the profile it was given', () => {
    const profile = apply(null, [page(T0, ['x']), view(T0 + 1, 'doc', { variant: 'v', tags: ['x'] })]);
    const copy = JSON.parse(JSON.stringify(profile));
    apply(profile, [page(T0 + 2, ['x', 'y']), view(T0 + 3, 'doc2', { variant: 'v' })]);
    applyServe(profile, 'api::article.article:doc:v', T0 + 4);
    expect(profile).toEqual(copy);
  });

  it('is JSON-serializable', () => {
    const profile = apply(null, [page(T0, ['x']), engage(T0 + 1, true)]);
    expect(JSON.parse(JSON.stringify(profile))).toEqual(profile);
    expect(emptyProfile(T0)).toMatchObject({ v: 1, visits: 0 });
  });
});

describe('profile signals', () => {
  it('serves visits, days, interests ranked, quick exits and recently viewed', () => {
    let profile = apply(null, [page(T0, ['a']), page(T0 + 1000, ['b', 'b2']), view(T0 + 2000, 'doc', { tags: ['b'] })]);
    profile = apply(profile, [page(T0 + 3 * DAY_MS, ['c'])]);
    const signals = profileSignals(profile, T0 + 5 * DAY_MS + 1000);
    expect(signals).toMatchObject({ visits: 2, firstSeenDays: 5, daysSinceLastVisit: 2, recentlyViewed: ['doc'], quickExits: 0 });
    expect(signals.topInterests).toEqual(['b', 'c', 'b2', 'a']);
    expect(signals.interests.b).toBeCloseTo(2 * Math.pow(2, -(5 * DAY_MS) / (7 * DAY_MS)), 3);
  });
});

describe('consent', () => {
  const base = { honorGpc: true };
  it('allows nothing until a yes under opt-in, everything until a no under opt-out', () => {
    expect(effectiveConsent({ ...base, mode: 'opt-in' })).toEqual({ events: false, profiling: false });
    expect(effectiveConsent({ ...base, mode: 'opt-in', sent: { events: true } })).toEqual({ events: true, profiling: false });
    expect(effectiveConsent({ ...base, mode: 'opt-in', sent: { events: true, profiling: true } })).toEqual({
      events: true,
      profiling: true,
    });
    expect(effectiveConsent({ ...base, mode: 'opt-out' })).toEqual({ events: true, profiling: true });
    expect(effectiveConsent({ ...base, mode: 'opt-out', sent: { profiling: false } })).toEqual({
      events: true,
      profiling: false,
    });
    expect(effectiveConsent({ ...base, mode: 'opt-out', sent: { events: false } })).toEqual({ events: false, profiling: false });
  });

  it('remembers the last answer, and a new answer wins', () => {
    const stored = consentRecord({ ...base, mode: 'opt-in', sent: { events: true, profiling: true } }, T0);
    expect(stored).toEqual({ events: true, profiling: true, at: T0 });
    expect(effectiveConsent({ ...base, mode: 'opt-in', stored })).toEqual({ events: true, profiling: true });
    expect(effectiveConsent({ ...base, mode: 'opt-in', stored, sent: { profiling: false } })).toEqual({
      events: true,
      profiling: false,
    });
    expect(effectiveConsent({ ...base, mode: 'opt-in', stored, sent: { events: null, profiling: null } })).toEqual({
      events: true,
      profiling: true,
    });
  });

  it('turns profiling off under GPC unless honorGpc is false', () => {
    const sent = { events: true, profiling: true };
    expect(effectiveConsent({ mode: 'opt-in', honorGpc: true, sent, gpc: true })).toEqual({ events: true, profiling: false });
    expect(effectiveConsent({ mode: 'opt-in', honorGpc: false, sent, gpc: true })).toEqual({ events: true, profiling: true });
    expect(consentRecord({ mode: 'opt-in', honorGpc: true, sent, gpc: true }, T0)).toEqual({
      events: true,
      profiling: true,
      gpc: true,
      at: T0,
    });
  });
});
