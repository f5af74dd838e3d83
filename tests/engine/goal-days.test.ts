import { applyConversions, applyExposures } from '../../engine/src/experiments';
import { applyEvents, DEFAULT_PROFILE_OPTIONS } from '../../engine/src/profile/apply';
import { DAY_MS, HOUR_MS } from '../../engine/src/profile/decay';
import type { AcceptedEvent } from '../../engine/src/profile/events';
import { covariatesOf, recordGoalDays } from '../../engine/src/profile/goal-days';

/** CUPED's pre-exposure history (engine/src/profile/goal-days.ts) and the covariate's path through counting. */

const DAY0 = Date.UTC(2026, 10, 20, 12);
const trackAt = (name: string, at: number, value?: number): AcceptedEvent =>
  ({ id: `e${at}${name}`, ts: at, at, type: 'track', name, ...(value !== undefined ? { value } : {}) }) as AcceptedEvent;

describe('recordGoalDays', () => {
  const events = new Set(['checkout', 'revenue']);

  it('counts goal events per UTC day, drops other events, days past the lookback and goals no longer in use', () => {
    const kept = recordGoalDays(
      undefined,
      [
        trackAt('checkout', DAY0),
        trackAt('checkout', DAY0 + HOUR_MS),
        trackAt('revenue', DAY0, 12.5),
        trackAt('revenue', DAY0 + DAY_MS, 3),
        trackAt('other', DAY0),
      ],
      { events, lookbackDays: 3, now: DAY0 + DAY_MS }
    );
    expect(kept).toEqual({
      checkout: { '2026-11-20': [2, 0] },
      revenue: { '2026-11-20': [1, 12.5], '2026-11-21': [1, 3] },
    });
    // Three days on, 11-20 is past a 3-day lookback ending 11-23; revenue is no longer in use.
    const later = recordGoalDays(kept, [trackAt('checkout', DAY0 + 3 * DAY_MS)], {
      events: new Set(['checkout']),
      lookbackDays: 3,
      now: DAY0 + 3 * DAY_MS,
    });
    expect(later).toEqual({ checkout: { '2026-11-23': [1, 0] } });
    expect(recordGoalDays(later, [], { events: new Set(), lookbackDays: 3, now: DAY0 })).toBeUndefined();
  });

  it('is kept by applyEvents only while goals are in use', () => {
    const options = { ...DEFAULT_PROFILE_OPTIONS, now: DAY0 };
    const profile = applyEvents(null, [trackAt('checkout', DAY0)], { ...options, goalDays: { events, lookbackDays: 14 } });
    expect(profile.goalDays).toEqual({ checkout: { '2026-11-20': [1, 0] } });
    expect(applyEvents(profile, [trackAt('checkout', DAY0 + 1)], options).goalDays).toBeUndefined();
  });
});

describe('covariatesOf', () => {
  const history = {
    checkout: { '2026-11-10': [1, 0] as [number, number], '2026-11-19': [2, 0] as [number, number] },
    revenue: { '2026-11-13': [1, 40] as [number, number], '2026-11-20': [2, 25] as [number, number] },
  };

  it('reads the lookback days ending on the exposure day: conversion 0/1, mean the sum within the cap', () => {
    const goals = [
      { event: 'checkout', kind: 'conversion' as const },
      { event: 'revenue', kind: 'mean' as const },
      { event: 'signup', kind: 'conversion' as const },
    ];
    expect(covariatesOf(history, goals, 7, DAY0)).toEqual({ checkout: 1, revenue: 25, signup: 0 });
    expect(covariatesOf(history, goals, 8, DAY0)).toEqual({ checkout: 1, revenue: 65, signup: 0 });
    expect(covariatesOf(history, [{ event: 'revenue', kind: 'mean', cap: 30 }], 14, DAY0)).toEqual({ revenue: 30 });
    expect(covariatesOf(history, goals, 1, DAY0 - DAY_MS * 5)).toEqual({ checkout: 0, revenue: 0, signup: 0 });
    expect(covariatesOf(undefined, goals, 14, DAY0)).toEqual({ checkout: 0, revenue: 0, signup: 0 });
  });
});

describe('the covariate in counting', () => {
  it('is kept with the first exposure only, and a conversion carries x·Δy', () => {
    const goals = [
      {
        key: 'exp',
        goals: [
          { event: 'checkout', kind: 'conversion' as const, windowHours: 24 },
          { event: 'revenue', kind: 'mean' as const, windowHours: 24 },
        ],
      },
    ];
    const first = applyExposures({}, [{ key: 'exp', arm: 'b', period: 0, covariates: { checkout: 1, revenue: 20 } }], DAY0);
    expect(first.exposures.exp.x).toEqual({ checkout: 1, revenue: 20 });
    expect(first.units[0].covariates).toEqual({ checkout: 1, revenue: 20 });
    const again = applyExposures(first.exposures, [{ key: 'exp', arm: 'b', period: 0, covariates: { checkout: 0, revenue: 0 } }], DAY0 + 1);
    expect(again.units).toEqual([]);
    expect(again.exposures.exp.x).toEqual({ checkout: 1, revenue: 20 });
    const converted = applyConversions(
      first.exposures,
      [trackAt('checkout', DAY0 + HOUR_MS), trackAt('revenue', DAY0 + HOUR_MS, 7), trackAt('revenue', DAY0 + 2 * HOUR_MS, 3)],
      goals
    );
    expect(converted.increments.map((increment) => [increment.goal, increment.sum, increment.crossSum])).toEqual([
      ['checkout', 1, 1],
      ['revenue', 7, 140],
      ['revenue', 3, 60],
    ]);
    // Without a covariate (CUPED off at exposure), no Σxy.
    const plain = applyExposures({}, [{ key: 'exp', arm: 'a', period: 0 }], DAY0);
    const plainConverted = applyConversions(plain.exposures, [trackAt('checkout', DAY0 + HOUR_MS)], goals);
    expect(plainConverted.increments[0].crossSum).toBeUndefined();
  });
});
