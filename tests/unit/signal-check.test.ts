/** Conditions are checked against the signal vocabulary (contracts/src/signals/check.ts). */
import { unknownSignals } from '../../contracts/src/signals/check';
import { getSignalVocabulary } from '../../contracts/src/signals/vocabulary';

describe('unknownSignals', () => {
  it('refuses a misspelt signal under a known namespace and suggests the closest one', () => {
    const problems = unknownSignals({ '<': [{ var: 'behavior.dwelSec' }, 10] });
    expect(problems).toEqual([
      {
        path: ['<', 0, 'var'],
        signal: 'behavior.dwelSec',
        suggestion: 'behavior.dwellSec',
        message: 'Unknown signal "behavior.dwelSec"; did you mean "behavior.dwellSec"? (see GET /api/personalize/signals)',
      },
    ]);
  });

  it('finds every unknown signal, with its path, in the array form of var and in missing/missing_some', () => {
    const rule = {
      and: [
        { '==': [{ var: ['context.devise', 'desktop'] }, 'mobile'] },
        { missing: ['session.pagviews'] },
        { missing_some: [1, ['time.hour', 'time.weekdy']] },
      ],
    };
    expect(unknownSignals(rule).map(({ path, suggestion }) => ({ path, suggestion }))).toEqual([
      { path: ['and', 0, '==', 0, 'var', 0], suggestion: 'context.device' },
      { path: ['and', 1, 'missing', 0], suggestion: 'session.pageviews' },
      { path: ['and', 2, 'missing_some', 1, 1], suggestion: 'time.weekday' },
    ]);
  });

  it('accepts every signal of the vocabulary, objects that hold signals, keyed maps, array indexes and custom.*', () => {
    for (const { path } of getSignalVocabulary().signals) expect(unknownSignals({ var: path })).toEqual([]);
    for (const path of ['context.utm', 'behavior', 'experiments.checkout', 'profile.interests.travel', 'behavior.recentlyViewed.0', 'custom.anything.at.all', 'targetingKey', '']) {
      expect(unknownSignals({ '!!': [{ var: path }] })).toEqual([]);
    }
  });

  it('flags a misspelt namespace, which would read nothing', () => {
    const [problem] = unknownSignals({ '<': [{ var: 'behaviour.dwellSec' }, 10] });
    expect(problem.suggestion).toBe('behavior.dwellSec');
  });

  it('leaves the item scope of iteration operators alone, and checks what they iterate over', () => {
    const rule = {
      some: [{ var: 'behavior.recentlyViewed' }, { '==': [{ var: '' }, 'pricing'] }],
    };
    expect(unknownSignals(rule)).toEqual([]);
    const reduce = { reduce: [{ var: 'behavior.recentlyVeiwed' }, { '+': [{ var: 'current' }, { var: 'accumulator' }] }, 0] };
    expect(unknownSignals(reduce).map((problem) => problem.signal)).toEqual(['behavior.recentlyVeiwed']);
  });

  it('does not guess at computed paths, and suggests nothing for a name far from every signal', () => {
    expect(unknownSignals({ var: { cat: ['behavior.', 'dwellSec'] } })).toEqual([]);
    const [problem] = unknownSignals({ var: 'context.somethingElseEntirely' });
    expect(problem.suggestion).toBeUndefined();
    expect(problem.message).toBe('Unknown signal "context.somethingElseEntirely" (see GET /api/personalize/signals)');
  });
});

describe('the edit distance behind the suggestions', () => {
  it('suggests by the fewest edits (insertions, deletions, substitutions)', () => {
    expect(unknownSignals({ var: 'session.pageview' })[0].suggestion).toBe('session.pageviews'); // one deletion
    expect(unknownSignals({ var: 'time.huor' })[0].suggestion).toBe('time.hour'); // two substitutions
    expect(unknownSignals({ var: 'behavior.clickss' })[0].suggestion).toBe('behavior.clicks'); // one insertion
  });
});
