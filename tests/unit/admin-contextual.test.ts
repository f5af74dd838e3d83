/**
 * Contextual experiments in the admin (admin/src/experiments/contextual.ts): a leaf's rule read as tests and
 * in words (en, fr), the sample visitor the "Test" button gives the live test, cuts typed in the editor, and
 * a leaf's weights over model versions.
 */
import fs from 'node:fs';
import path from 'node:path';

import { createIntl } from 'react-intl';

import {
  attributeChoices,
  bestArm,
  describeLeaf,
  leafTests,
  leafWeightSeries,
  parseCuts,
  sampleSignals,
  signalsFromPaths,
} from '../../admin/src/experiments/contextual';
import { draftFromExperiment, draftProblems, emptyDraft, fieldOfPath, inputFromDraft } from '../../admin/src/experiments/draft';
import { getTranslation } from '../../admin/src/utils/getTranslation';
import { experimentInputSchema, type Experiment } from '../../contracts/src/experiments';
import type { SignalDescriptor } from '../../contracts/src/signals/vocabulary';
import { compile } from '../../engine/src';
import { fitContextualModel } from '../../engine/src/contextual';
import type { JsonValue } from '../../engine/src/types';

const v = (path: string) => ({ var: path });
const mobile = { '==': [v('context.device'), 'mobile'] };
const visitsBelow2 = { '<': [v('profile.visits'), 2] };
const visitsNotBelow5 = { '!': { '<': [v('profile.visits'), 5] } };

const VOCABULARY: SignalDescriptor[] = [
  { path: 'context.device', group: 'context', type: 'string', values: ['mobile', 'tablet', 'desktop', 'bot'] },
  { path: 'profile.visits', group: 'profile', type: 'integer', minimum: 0 },
  { path: 'session.isNew', group: 'session', type: 'boolean' },
  { path: 'profile.interests', group: 'profile', type: 'object', keyed: true, items: 'number' },
  { path: 'behavior.recentlyViewed', group: 'behavior', type: 'array', items: 'string' },
];

const intl = (locale: 'en' | 'fr') => {
  const messages = JSON.parse(fs.readFileSync(path.resolve(__dirname, `../../admin/src/translations/${locale}.json`), 'utf8')) as Record<string, string>;
  return createIntl({
    locale,
    messages: Object.fromEntries(Object.entries(messages).map(([key, value]) => [getTranslation(key), value])),
    onError: (error) => {
      throw error;
    },
  }).formatMessage;
};

/** The leaf a visitor lands in, by the engine's compiled conditions (first match, the last always). */
const routed = (conditions: JsonValue[], signals: unknown) => {
  const index = conditions.slice(0, -1).findIndex((condition) => compile(condition).matches(signals));
  return index === -1 ? conditions.length - 1 : index;
};

describe('a leaf rule read as tests', () => {
  it('reads every test the fitter writes', () => {
    expect(leafTests(true)).toEqual([]);
    expect(leafTests(mobile)).toEqual([{ path: 'context.device', op: '==', value: 'mobile' }]);
    expect(leafTests({ and: [{ '!=': [v('context.device'), 'mobile'] }, visitsNotBelow5] })).toEqual([
      { path: 'context.device', op: '!=', value: 'mobile' },
      { path: 'profile.visits', op: 'notBelow', value: 5 },
    ]);
    expect(leafTests({ '!': [visitsBelow2] })).toEqual([{ path: 'profile.visits', op: 'notBelow', value: 2 }]);
    expect(leafTests({ '==': [v('context.country'), null] })).toEqual([{ path: 'context.country', op: '==', value: null }]);
  });

  it('gives null for rules the fitter does not write', () => {
    expect(leafTests({ or: [mobile, visitsBelow2] })).toBeNull();
    expect(leafTests({ '<': [v('profile.visits'), 'two'] })).toBeNull();
    expect(leafTests({ and: [mobile, { in: ['x', v('behavior.recentlyViewed')] }] })).toBeNull();
    expect(leafTests(false)).toBeNull();
  });
});

describe('a leaf rule in words', () => {
  it('says each test in English', () => {
    const en = intl('en');
    expect(describeLeaf({ and: [mobile, visitsBelow2] }, en)).toBe('device is mobile and visits below 2');
    expect(describeLeaf({ and: [{ '!=': [v('context.device'), 'mobile'] }, visitsNotBelow5] }, en)).toBe(
      'device is not mobile and visits 5 or more, or not known'
    );
    expect(describeLeaf({ '==': [v('session.isNew'), true] }, en)).toBe('new session is true');
    expect(describeLeaf({ '==': [v('context.country'), null] }, en)).toBe('country is not known');
    expect(describeLeaf({ '!=': [v('context.country'), null] }, en)).toBe('country is known');
    expect(describeLeaf(true, en)).toBe('every other visitor');
    expect(describeLeaf(true, en, { only: true })).toBe('every visitor');
  });

  it('says each test in French', () => {
    const fr = intl('fr');
    expect(describeLeaf({ and: [mobile, visitsBelow2] }, fr)).toBe('appareil : mobile et nombre de visites : moins de 2');
    expect(describeLeaf(visitsNotBelow5, fr)).toBe('nombre de visites : 5 ou plus, ou inconnu');
    expect(describeLeaf(true, fr)).toBe('tous les autres visiteurs');
  });

  it('falls back to the rule builder’s summary for other rules', () => {
    expect(describeLeaf({ or: [mobile, visitsBelow2] }, intl('en'))).toBe('device is mobile or visits < 2');
  });
});

describe('a sample visitor of a leaf', () => {
  it('takes the value of ==, a value below the cut for <, and the opposite for != and !<', () => {
    const conditions: JsonValue[] = [{ and: [mobile, visitsBelow2] }, { and: [{ '!=': [v('context.device'), 'mobile'] }, visitsNotBelow5] }, true];
    expect(sampleSignals(conditions, 0, VOCABULARY)).toEqual({ context: { device: 'mobile' }, profile: { visits: 1 } });
    expect(sampleSignals(conditions, 1, VOCABULARY)).toEqual({ context: { device: 'tablet' }, profile: { visits: 5 } });
  });

  it('uses the signal’s minimum when the value below the cut would be under it', () => {
    expect(sampleSignals([{ '<': [v('profile.visits'), 0.5] }, true], 0, VOCABULARY)).toEqual({ profile: { visits: 0 } });
  });

  it('gives the last leaf a visitor that every leaf above misses', () => {
    const conditions: JsonValue[] = [
      { and: [mobile, visitsBelow2] },
      { and: [{ '!=': [v('context.device'), 'mobile'] }, visitsNotBelow5] },
      { '==': [v('session.isNew'), true] },
      true,
    ];
    const signals = sampleSignals(conditions, 3, VOCABULARY);
    expect(signals).not.toBeNull();
    expect(routed(conditions, signals)).toBe(3);
  });

  it('lands every leaf of a fitted model in that leaf, by the engine’s routing', () => {
    // The best arm depends on device and visits together (as in the simulator's interaction scenario).
    const cells = [];
    for (const device of ['mobile', 'desktop', 'tablet'])
      for (const visits of [0, 1, 2, 5, 10]) {
        const best = device === 'mobile' && visits < 2 ? 1 : device === 'desktop' && visits >= 5 ? 2 : 0;
        const rates = [0, 1, 2].map((arm) => (arm === best ? 0.3 : 0.1));
        cells.push({
          context: { 'context.device': device, 'profile.visits': visits },
          arms: rates.map((rate) => ({ units: 1000, sum: 1000 * rate, sumSquares: 1000 * rate })),
        });
      }
    const model = fitContextualModel(cells, { attributes: [{ path: 'context.device' }, { path: 'profile.visits' }] });
    expect(model.leaves.length).toBeGreaterThan(2);
    const conditions = model.leaves.map((leaf) => leaf.condition);
    model.leaves.forEach((_, index) => {
      const signals = sampleSignals(conditions, index, VOCABULARY);
      expect(signals).not.toBeNull();
      expect(routed(conditions, signals)).toBe(index);
    });
  });

  it('is null for a leaf no visitor can reach or a rule it cannot read', () => {
    expect(sampleSignals([true, true], 1)).toBeNull();
    expect(sampleSignals([{ or: [mobile] }, true], 0)).toBeNull();
    expect(sampleSignals([mobile, true], 2)).toBeNull();
  });

  it('nests dotted paths, arrays for index segments, and leaves missing values out', () => {
    expect(signalsFromPaths({ 'context.utm.source': 'mail', 'profile.topInterests.0': 'travel', 'context.country': null })).toEqual({
      context: { utm: { source: 'mail' } },
      profile: { topInterests: ['travel'] },
    });
  });
});

describe('the editor’s settings and the chart', () => {
  it('parses cuts', () => {
    expect(parseCuts('1, 2,5 10')).toEqual([1, 2, 5, 10]);
    expect(parseCuts('  ')).toBeUndefined();
    expect(parseCuts('1, two')).toBeNull();
  });

  it('offers scalar signals only', () => {
    expect(attributeChoices(VOCABULARY).map((signal) => signal.path)).toEqual(['context.device', 'profile.visits', 'session.isNew']);
  });

  it('follows one leaf over the versions it existed in', () => {
    const history = [
      { version: 'v1', at: '2026-12-01T00:00:00Z', leaves: [{ id: 'root', weights: [0.5, 0.5] }] },
      { version: 'v2', at: '2026-12-02T00:00:00Z', leaves: [{ id: 'a', weights: [0.1, 0.9] }, { id: 'root', weights: [0.6, 0.4] }] },
      { version: 'v3', at: '2026-12-03T00:00:00Z', leaves: [{ id: 'a', weights: [0.05, 0.95] }] },
    ];
    expect(leafWeightSeries(history, 'a', ['control', 'b'])).toEqual([
      { version: 'v2', at: '2026-12-02T00:00:00Z', weights: { control: 0.1, b: 0.9 } },
      { version: 'v3', at: '2026-12-03T00:00:00Z', weights: { control: 0.05, b: 0.95 } },
    ]);
    expect(leafWeightSeries(history, 'gone', ['control'])).toEqual([]);
  });

  it('finds the best arm by P(best)', () => {
    expect(bestArm([{ key: 'a', pBest: 0.2 }, { key: 'b', pBest: 0.7 }, { key: 'c', pBest: 0.1 }])?.key).toBe('b');
    expect(bestArm([])).toBeNull();
  });
});

describe('the editor’s draft of a contextual experiment', () => {
  const draft = () => ({
    ...emptyDraft({ control: 'Control', treatment: 'Offer' }),
    name: 'Plans',
    key: 'plans',
    mode: 'contextual' as const,
    goal: { event: 'signup', kind: 'conversion' as const, windowHours: 72 },
  });

  it('sends the settings the contract accepts, cuts as numbers, and nothing for other modes', () => {
    const body = inputFromDraft({
      ...draft(),
      contextual: { attributes: [{ path: 'context.device', cuts: '' }, { path: 'profile.visits', cuts: '2, 5' }], maxLeaves: 8, minUnitsPerLeaf: null },
    });
    expect(body.contextual).toEqual({ attributes: [{ path: 'context.device' }, { path: 'profile.visits', cuts: [2, 5] }], maxLeaves: 8 });
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
    expect(inputFromDraft({ ...draft(), mode: 'ab' }).contextual).toBeNull();
    expect(experimentInputSchema.safeParse(inputFromDraft({ ...draft(), mode: 'bandit' })).success).toBe(true);
  });

  it('reads a stored experiment back', () => {
    const stored = {
      ...inputFromDraft(draft()),
      documentId: 'd1',
      status: 'draft',
      traffic: 1,
      contextual: { attributes: [{ path: 'profile.visits', cuts: [1, 3] }], minUnitsPerLeaf: 40 },
      startedAt: null,
      stoppedAt: null,
    } as Experiment;
    expect(draftFromExperiment(stored).contextual).toEqual({ attributes: [{ path: 'profile.visits', cuts: '1, 3' }], maxLeaves: null, minUnitsPerLeaf: 40 });
  });

  it('finds the settings’ problems before sending', () => {
    const problems = draftProblems({
      ...draft(),
      contextual: {
        attributes: [{ path: 'context.device', cuts: '' }, { path: 'context.device', cuts: '' }, { path: 'profile.visits', cuts: '1, x' }, { path: '', cuts: '' }],
        maxLeaves: 40,
        minUnitsPerLeaf: 0,
      },
    });
    expect(problems).toMatchObject({
      'contextual.attributes.1.path': 'duplicate-attribute',
      'contextual.attributes.2.cuts': 'cuts-numbers',
      'contextual.attributes.3.path': 'required',
      'contextual.maxLeaves': 'leaves-range',
      'contextual.minUnitsPerLeaf': 'units-per-leaf-range',
    });
    expect(draftProblems({ ...draft(), contextual: { attributes: [], maxLeaves: null, minUnitsPerLeaf: null } })['contextual.attributes']).toBe('too-few-attributes');
    expect(Object.keys(draftProblems({ ...draft(), mode: 'ab', contextual: { attributes: [], maxLeaves: 99, minUnitsPerLeaf: null } }))).toEqual([]);
  });

  it('puts the server’s issues on the fields', () => {
    expect(fieldOfPath(['contextual', 'attributes', 2, 'path'])).toBe('contextual.attributes.2.path');
    expect(fieldOfPath(['contextual', 'attributes', 1, 'cuts', 0])).toBe('contextual.attributes.1.cuts');
    expect(fieldOfPath(['contextual', 'attributes'])).toBe('contextual.attributes');
    expect(fieldOfPath(['contextual'])).toBe('contextual.attributes');
    expect(fieldOfPath(['contextual', 'maxLeaves'])).toBe('contextual.maxLeaves');
  });
});
