import fc from 'fast-check';
import { createIntl } from 'react-intl';

import { getSignalVocabulary } from '../../contracts/src/signals/vocabulary';
import { compile, evaluate } from '../../engine/src';
import { buildEntries, entryFor } from '../../admin/src/rules/fields';
import { fromJsonLogic, stripIds, toJsonLogic } from '../../admin/src/rules/jsonLogic';
import { describeCondition } from '../../admin/src/rules/summary';
import type { RuleGroupType, RuleType } from '../../admin/src/rules/types';
import { signalLabel } from '../../admin/src/rules/signalLabels';
import { checkCondition, describeProblem } from '../../admin/src/rules/validate';
import en from '../../admin/src/translations/en.json';
import frMessages from '../../admin/src/translations/fr.json';
import { getTranslation } from '../../admin/src/utils/getTranslation';

/** The admin's English, as registerTrads hands it to react-intl (keys prefixed with the plugin id). */
const { formatMessage } = createIntl({
  locale: 'en',
  messages: Object.fromEntries(Object.entries(en as Record<string, string>).map(([key, value]) => [getTranslation(key), value])),
});

const mobileQuickExit = {
  and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '<': [{ var: 'behavior.dwellSec' }, 10] }],
};

/** Rules the builder writes itself: JSON → visual → JSON is the identity for each. */
const CANONICAL: [string, unknown][] = [
  ['equality', { '==': [{ var: 'context.device' }, 'mobile'] }],
  ['inequality', { '!=': [{ var: 'context.country' }, 'FR'] }],
  ['number comparison', { '>=': [{ var: 'behavior.scrollDepth' }, 75] }],
  ['boolean', { '==': [{ var: 'session.isNew' }, false] }],
  ['between', { '<=': [9, { var: 'time.hour' }, 17] }],
  ['one of', { in: [{ var: 'context.country' }, ['FR', 'BE', 'CH']] }],
  ['none of', { '!': { in: [{ var: 'context.country' }, ['US']] } }],
  ['contains', { in: ['pricing', { var: 'behavior.recentlyViewed' }] }],
  ['does not contain', { '!': { in: ['pricing', { var: 'behavior.recentlyViewed' }] } }],
  ['starts with', { starts_with: [{ var: 'context.path' }, '/blog'] }],
  ['ends with', { ends_with: [{ var: 'context.referrer' }, 'google.com'] }],
  ['is set', { '!!': { var: 'context.utm.campaign' } }],
  ['is not set', { '!': { var: 'context.referrer' } }],
  ['audience', { audience: 'returning-campaign' }],
  ['not in audience', { '!': { audience: 'returning-campaign' } }],
  ['experiment arm', { experiment: ['hero', 'b'] }],
  ['not experiment arm', { '!': { experiment: ['hero', 'b'] } }],
  ['keyed signal', { '>': [{ var: 'profile.interests.travel' }, 3] }],
  ['custom signal', { '==': [{ var: 'custom.plan' }, 'pro'] }],
  ['all of', mobileQuickExit],
  ['any of', { or: [{ audience: 'vip' }, { '==': [{ var: 'session.isNew' }, true] }] }],
  ['nested all/any/not', {
    and: [
      { or: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '==': [{ var: 'context.device' }, 'tablet'] }] },
      { '!': { or: [{ audience: 'staff' }, { in: [{ var: 'context.country' }, ['US', 'CA']] }] } },
      { '!': { '<': [{ var: 'behavior.dwellSec' }, 3] } },
      { '!': { and: [{ audience: 'staff' }] } },
      { and: [{ '>': [{ var: 'session.pageviews' }, 2] }] },
    ],
  }],
  ['operators without a control, kept verbatim', {
    and: [
      { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'targetingKey' }] }, ['a', 50], ['b', 50]] },
      { sem_ver: [{ var: 'custom.appVersion' }, '>=', '2.0.0'] },
      { '==': [{ var: ['context.device', 'desktop'] }, 'desktop'] },
      { '<': [1, { var: 'behavior.clicks' }, 5] },
    ],
  }],
  ['a root that is not an operation', true],
];

const withoutIds = (tree: RuleGroupType) => stripIds(tree);

describe('rule builder round-trip (visual ↔ JSON-logic)', () => {
  it.each(CANONICAL)('JSON → visual → JSON keeps %s', (_, json) => {
    expect(toJsonLogic(fromJsonLogic(json))).toEqual(json);
  });

  it.each(CANONICAL)('visual → JSON → visual keeps %s', (_, json) => {
    const tree = fromJsonLogic(json);
    expect(withoutIds(fromJsonLogic(toJsonLogic(tree)))).toEqual(withoutIds(tree));
  });

  it('reads the builder rules as controls, not raw JSON', () => {
    expect(withoutIds(fromJsonLogic(mobileQuickExit))).toEqual({
      combinator: 'and',
      rules: [
        { field: 'context.device', operator: '=', value: 'mobile' },
        { field: 'behavior.dwellSec', operator: '<', value: 10 },
      ],
    });
    const nested = fromJsonLogic({ or: [{ audience: 'vip' }, { '!': { and: [{ experiment: ['hero', 'b'] }, { '!': { var: 'x.y' } }] } }] });
    expect(withoutIds(nested)).toEqual({
      combinator: 'or',
      rules: [
        { field: '$audience', operator: '=', value: 'vip' },
        {
          combinator: 'and',
          not: true,
          rules: [
            { field: '$experiment', operator: '=', value: ['hero', 'b'] },
            { field: 'x.y', operator: 'isNotSet', value: null },
          ],
        },
      ],
    });
  });

  it('treats no condition as an empty group, and an empty group as no condition', () => {
    expect(withoutIds(fromJsonLogic(null))).toEqual({ combinator: 'and', rules: [] });
    expect(toJsonLogic(fromJsonLogic(null))).toBeNull();
  });

  it('writes a single root rule without a wrapping group, with the same meaning', () => {
    const wrapped = { and: [{ '==': [{ var: 'context.device' }, 'mobile'] }] };
    expect(toJsonLogic(fromJsonLogic(wrapped))).toEqual({ '==': [{ var: 'context.device' }, 'mobile'] });
  });

  it('never loses a rule: random JSON-logic converts back to a rule with the same result', () => {
    const leaf = fc.oneof(
      fc.record({ '==': fc.tuple(fc.constant({ var: 'context.device' }), fc.constantFrom('mobile', 'desktop')) }),
      fc.record({ '<': fc.tuple(fc.constant({ var: 'behavior.dwellSec' }), fc.integer({ min: 0, max: 20 })) }),
      fc.record({ in: fc.tuple(fc.constantFrom('pricing', 'home'), fc.constant({ var: 'behavior.recentlyViewed' })) }),
      fc.record({ '!!': fc.constant({ var: 'context.utm.campaign' }) }),
      fc.record({ '+': fc.tuple(fc.integer(), fc.integer()) }),
      fc.boolean()
    );
    const rule: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        leaf,
        fc.record({ and: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ or: fc.array(tie('node'), { maxLength: 3 }) }),
        fc.record({ '!': tie('node') })
      ),
    })).node;
    const signals = fc.record({
      context: fc.record({ device: fc.constantFrom('mobile', 'desktop'), utm: fc.record({ campaign: fc.constantFrom('', 'spring') }) }),
      behavior: fc.record({ dwellSec: fc.integer({ min: 0, max: 20 }), recentlyViewed: fc.subarray(['pricing', 'home']) }),
    });
    fc.assert(
      fc.property(rule, signals, (json, data) => {
        const back = toJsonLogic(fromJsonLogic(json));
        const truthy = (value: unknown) => compile(value as never).matches(data);
        // `and`/`or` return operands, not booleans; conditions only use truthiness.
        expect(back === null ? true : truthy(back)).toBe(json === null ? true : truthy(json));
        const tree = fromJsonLogic(json);
        expect(withoutIds(fromJsonLogic(toJsonLogic(tree)))).toEqual(withoutIds(tree));
      }),
      { numRuns: 300 }
    );
  });

  it('produces rules the engine compiles', () => {
    for (const [, json] of CANONICAL) {
      const back = toJsonLogic(fromJsonLogic(json));
      expect(() => compile(back as never, { audiences: { 'returning-campaign': true, vip: true, staff: false } })).not.toThrow();
    }
    expect(evaluate(toJsonLogic(fromJsonLogic(mobileQuickExit)) as never, { context: { device: 'mobile' }, behavior: { dwellSec: 4 } })).toBe(true);
  });
});

describe('condition summaries in words', () => {
  it.each([
    [mobileQuickExit, 'device is mobile and dwell time < 10 s'],
    [null, 'always'],
    [{ '>=': [{ var: 'behavior.scrollDepth' }, 75] }, 'scroll depth ≥ 75 %'],
    [{ in: ['pricing', { var: 'behavior.recentlyViewed' }] }, 'recently viewed contains pricing'],
    [{ in: [{ var: 'context.country' }, ['FR', 'BE']] }, 'country is one of FR, BE'],
    [{ '<=': [9, { var: 'time.hour' }, 17] }, 'hour between 9 and 17'],
    [{ or: [{ audience: 'vip' }, { '!': { audience: 'staff' } }] }, 'in audience "VIP customers" or not in audience "staff"'],
    [{ experiment: ['hero', 'b'] }, 'experiment hero is arm b'],
    [
      { and: [{ or: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '==': [{ var: 'session.isNew' }, true] }] }, { '!': { var: 'context.referrer' } }] },
      '(device is mobile or new session is true) and referrer is not set',
    ],
    [{ '!': { and: [{ '>': [{ var: 'profile.interests.travel' }, 3] }, { '==': [{ var: 'custom.plan' }, 'pro'] }] } }, 'not (interest in travel > 3 and plan is pro)'],
    [{ sem_ver: [{ var: 'custom.appVersion' }, '>=', '2.0.0'] }, '{"sem_ver":[{"var":"custom.appVersion"},">=","2.0.0"]}'],
  ])('%j reads "%s"', (condition, words) => {
    expect(describeCondition(condition, { audienceNames: { vip: 'VIP customers' }, formatMessage })).toBe(words);
  });
});

// Keep the type import used: RuleType is what the builder's rules are.
export type { RuleType };

describe('the rule builder checks signals as a save would', () => {
  it('says in place which signal is unknown and which one was meant', () => {
    const problem = checkCondition({ '<': [{ var: 'behavior.dwelSec' }, 10] }, {});
    expect(problem).toMatchObject({ path: ['<', 0, 'var'], signal: 'behavior.dwelSec', suggestion: 'behavior.dwellSec' });
    expect(describeProblem(problem!, formatMessage)).toBe('Unknown signal "behavior.dwelSec"; did you mean "behavior.dwellSec"? (at /</0/var)');
    expect(checkCondition({ '<': [{ var: 'behavior.dwellSec' }, 10] }, {})).toBeNull();
  });
});

describe('signal labels follow the current vocabulary', () => {
  const vocabulary = getSignalVocabulary();
  const messages = en as Record<string, string>;
  const fr = createIntl({
    locale: 'fr',
    messages: Object.fromEntries(Object.entries(frMessages as Record<string, string>).map(([key, value]) => [getTranslation(key), value])),
  });

  it('has words, in every locale, for every signal the server serves', () => {
    const unlabelled = vocabulary.signals
      .filter((signal) => !signal.keyed)
      .map((signal) => signal.path)
      .filter((path) => !(`signals.${path}` in messages) || !(`signals.${path}` in (frMessages as Record<string, string>)));
    expect(unlabelled).toEqual([]);
  });

  it('no longer knows profile.segments, which the vocabulary dropped', () => {
    expect(vocabulary.signals.some((signal) => signal.path === 'profile.segments')).toBe(false);
    expect(Object.keys(messages).filter((key) => key.startsWith('signals.profile.segments'))).toEqual([]);
  });

  it.each([
    ['profile.visits', 'visits', 'nombre de visites'],
    ['profile.firstSeenDays', 'days since first visit', 'jours depuis la première visite'],
    ['profile.daysSinceLastVisit', 'days since last visit', 'jours depuis la dernière visite'],
    ['profile.interests.travel', 'interest in travel', 'intérêt pour travel'],
    ['profile.topInterests', 'top interests', 'intérêts principaux'],
    ['profile.quickExits', 'quick exits (profile)', 'départs rapides (profil)'],
    ['profile.recentlyViewed', 'recently viewed (profile)', 'historique récent (profil)'],
    ['behavior.recentlyViewed', 'recently viewed', 'historique récent'],
    ['context.network', 'connection speed', 'débit de connexion'],
    ['context.saveData', 'data saver', 'économiseur de données'],
  ])('%s reads "%s" ("%s" in French)', (path, english, french) => {
    expect(signalLabel(path, formatMessage)).toBe(english);
    expect(signalLabel(path, fr.formatMessage)).toBe(french);
  });

  it('labels the rule builder’s picker from the vocabulary, with fitting controls', () => {
    const entries = buildEntries(vocabulary, formatMessage);
    const entry = (name: string) => entries.find((candidate) => candidate.name === name);
    expect(entries.filter((candidate) => candidate.group === 'profile').map((candidate) => candidate.label)).toEqual([
      'visits',
      'days since first visit',
      'days since last visit',
      'interest',
      'top interests',
      'quick exits (profile)',
      'recently viewed (profile)',
    ]);
    expect(entry('profile.interests')).toMatchObject({ keyed: true, kind: 'number' });
    expect(entry('profile.topInterests')).toMatchObject({ kind: 'array' });
    expect(entry('profile.firstSeenDays')).toMatchObject({ kind: 'number' });
    expect(entry('context.network')).toMatchObject({ kind: 'enum', values: ['slow-2g', '2g', '3g', '4g'] });
    expect(entry('context.saveData')).toMatchObject({ kind: 'boolean' });
    expect(entryFor(entries, 'profile.interests.travel')?.name).toBe('profile.interests');
  });

  it.each([
    [{ '>=': [{ var: 'profile.visits' }, 3] }, 'visits ≥ 3'],
    [{ '>': [{ var: 'profile.daysSinceLastVisit' }, 30] }, 'days since last visit > 30'],
    [{ in: ['pricing', { var: 'profile.recentlyViewed' }] }, 'recently viewed (profile) contains pricing'],
    [{ in: ['travel', { var: 'profile.topInterests' }] }, 'top interests contains travel'],
    [{ '==': [{ var: 'context.network' }, '3g'] }, 'connection speed is 3g'],
    [{ '==': [{ var: 'context.saveData' }, true] }, 'data saver is true'],
  ])('%j reads "%s"', (condition, words) => {
    expect(describeCondition(condition, { formatMessage })).toBe(words);
    expect(toJsonLogic(fromJsonLogic(condition))).toEqual(condition);
  });
});
