/**
 * The experiments pages' pure logic: weights as percentages, running totals for the charts, the
 * editor's draft ↔ the contract's body, where server issues go, verdicts and the power calculator.
 */
import fs from 'node:fs';
import path from 'node:path';

import { experimentInputSchema, type Experiment, type ExperimentResult, type ExperimentResults } from '../../contracts/src/experiments';
import { assignmentText } from '../../admin/src/components/TestPanel/ExperimentsSummary';
import { banditSeries, cumulateDaily } from '../../admin/src/experiments/daily';
import { draftFromExperiment, draftProblems, emptyDraft, fieldOfPath, inputFromDraft, serverErrorsByField, uniqueKey } from '../../admin/src/experiments/draft';
import { newExperimentForEntry } from '../../admin/src/experiments/paths';
import { planPower } from '../../admin/src/experiments/power';
import { ARM_COLORS } from '../../admin/src/pages/experiments/charts';
import { liftRows, observedShares, primaryResults, resultsByGoal, shownInterval, verdictOf } from '../../admin/src/experiments/verdict';
import { describeReason } from '../../admin/src/rules/reasons';
import { defaultFormatMessage } from '../../admin/src/utils/getTranslation';
import { adminIntl } from '../helpers/admin-intl';
import { evenPercents, percentTotal, percentsValid, toPercent, weightsFromPercents } from '../../admin/src/experiments/weights';
import { powerPlan } from '../../engine/src/stats/power';

describe('arm weights', () => {
  it('splits evenly in hundredths that sum to 100', () => {
    expect(evenPercents(2)).toEqual([50, 50]);
    expect(evenPercents(3)).toEqual([33.34, 33.33, 33.33]);
    expect(percentTotal(evenPercents(7))).toBe(100);
    expect(evenPercents(0)).toEqual([]);
  });

  it('turns percentages into weights that sum to 1 within the contract tolerance', () => {
    for (const count of [2, 3, 6, 7, 11]) {
      const weights = weightsFromPercents(evenPercents(count));
      expect(Math.abs(weights.reduce((sum, weight) => sum + weight, 0) - 1)).toBeLessThan(1e-9);
    }
    expect(weightsFromPercents([10, 90])).toEqual([0.1, 0.9]);
    expect(toPercent(1 / 3)).toBe(33.33);
  });

  it('validates percentages', () => {
    expect(percentsValid([50, 50])).toBe(true);
    expect(percentsValid([50, 49])).toBe(false);
    expect(percentsValid([120, -20])).toBe(false);
  });
});

describe('daily counts for the charts', () => {
  const daily: ExperimentResults['daily'] = [
    { date: '2026-11-02', arms: [{ key: 'control', units: 10, conversions: 1 }, { key: 'b', units: 12, conversions: 3 }] },
    { date: '2026-11-01', arms: [{ key: 'control', units: 5, conversions: 0 }] },
  ];

  it('cumulates per arm, sorted by day, with every arm on every day', () => {
    const days = cumulateDaily(daily, ['control', 'b']);
    expect(days.map((day) => day.date)).toEqual(['2026-11-01', '2026-11-02']);
    expect(days[0].arms).toEqual({ control: { units: 5, conversions: 0, rate: 0 }, b: { units: 0, conversions: 0, rate: null } });
    expect(days[1].arms.control).toEqual({ units: 15, conversions: 1, rate: 1 / 15 });
    expect(days[1].arms.b).toEqual({ units: 12, conversions: 3, rate: 0.25 });
  });

  it('ignores arms that the experiment does not have', () => {
    const days = cumulateDaily([{ date: '2026-11-01', arms: [{ key: 'gone', units: 3, conversions: 1 }] }], ['a']);
    expect(days[0].arms).toEqual({ a: { units: 0, conversions: 0, rate: null } });
  });

  it('keys bandit history by arm; the start record has no P(best)', () => {
    const points = banditSeries(
      [
        { at: '2026-11-02T00:00:00.000Z', weights: [0.2, 0.8], pBest: [0.1, 0.9] },
        { at: '2026-11-01T00:00:00.000Z', weights: [0.5, 0.5], pBest: [] },
      ],
      ['a', 'b']
    );
    expect(points).toEqual([
      { at: '2026-11-01T00:00:00.000Z', weights: { a: 0.5, b: 0.5 }, pBest: null },
      { at: '2026-11-02T00:00:00.000Z', weights: { a: 0.2, b: 0.8 }, pBest: { a: 0.1, b: 0.9 } },
    ]);
  });
});

describe('the experiment draft', () => {
  const names = { control: 'Control', treatment: 'Variants' };

  it('makes a body the contract accepts', () => {
    const draft = { ...emptyDraft(names), name: 'Shorter headline', key: 'shorter-headline', goal: { event: 'signup', kind: 'conversion' as const, windowHours: 72 } };
    expect(draftProblems(draft)).toEqual({});
    const body = inputFromDraft(draft);
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
    expect(body.arms?.map((arm) => arm.weight)).toEqual([0.5, 0.5]);
    expect(body.target).toBeNull();
    expect(body.bandit).toBeNull();
  });

  it('round-trips a stored experiment', () => {
    const stored: Experiment = {
      documentId: 'doc1',
      key: 'exp',
      name: 'Exp',
      hypothesis: 'h',
      status: 'running',
      mode: 'bandit',
      target: { uid: 'api::article.article', documentId: 'a1', locale: 'en' },
      arms: [
        { key: 'control', name: 'Control', weight: 1 / 3, variants: [] },
        { key: 'b', name: null, weight: 2 / 3, variants: ['v1'] },
      ],
      traffic: 0.25,
      condition: { '==': [{ var: 'context.device' }, 'mobile'] },
      goal: { event: 'buy', kind: 'mean', windowHours: 24 },
      bandit: { minWeight: 0.05 },
      startedAt: '2026-11-01T00:00:00.000Z',
      stoppedAt: null,
    };
    const draft = draftFromExperiment(stored);
    expect(draft.arms.map((arm) => arm.percent)).toEqual([33.33, 66.67]);
    expect(draft.trafficPercent).toBe(25);
    const body = inputFromDraft(draft);
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ traffic: 0.25, bandit: { minWeight: 0.05 }, target: stored.target, condition: stored.condition });
    expect(body.arms?.[1]).toEqual({ key: 'b', name: null, weight: expect.closeTo(0.6667, 6), variants: ['v1'] });
  });

  it('finds problems before sending', () => {
    const draft = emptyDraft(names);
    draft.arms[1] = { ...draft.arms[1], key: 'control', percent: 40 };
    draft.goal.event = '1bad';
    expect(draftProblems(draft)).toEqual({
      name: 'required',
      key: 'required',
      'arms.1.key': 'duplicate-key',
      arms: 'weights-sum',
      'goal.event': 'event-pattern',
    });
  });

  it('edits secondary goals: sent whole (an empty list clears them), checked like the goal, events unique', () => {
    const draft = {
      ...emptyDraft(names),
      name: 'Goals',
      key: 'goals',
      goal: { event: 'signup', kind: 'conversion' as const, windowHours: 72 },
      secondary: [
        { event: 'revenue', kind: 'mean' as const, windowHours: 24 },
        { event: 'signup', kind: 'conversion' as const, windowHours: null },
      ],
    };
    expect(draftProblems(draft)).toEqual({ 'secondary.1.event': 'duplicate-goal', 'secondary.1.windowHours': 'required' });
    draft.secondary = draft.secondary.slice(0, 1);
    const body = inputFromDraft(draft);
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
    expect(body.secondary).toEqual([{ event: 'revenue', kind: 'mean', windowHours: 24 }]);
    expect(inputFromDraft({ ...draft, secondary: [] }).secondary).toEqual([]);
    expect(fieldOfPath(['secondary', 0, 'event'])).toBe('secondary.0.event');
    expect(fieldOfPath(['secondary'])).toBe('form');
  });

  it('edits a mean goal’s cap: kept through a round trip, sent only for mean goals, checked before sending', () => {
    const draft = {
      ...emptyDraft(names),
      name: 'Revenue',
      key: 'revenue',
      goal: { event: 'purchase', kind: 'mean' as const, windowHours: 24, cap: 500 },
      secondary: [
        { event: 'basket', kind: 'mean' as const, windowHours: 24, cap: null },
        { event: 'signup', kind: 'conversion' as const, windowHours: 72, cap: 10 },
      ],
    };
    expect(draftProblems(draft)).toEqual({});
    const body = inputFromDraft(draft);
    expect(body.goal).toEqual({ event: 'purchase', kind: 'mean', windowHours: 24, cap: 500 });
    // No cap, and none on a conversion goal (switching a capped goal to conversion drops it).
    expect(body.secondary).toEqual([
      { event: 'basket', kind: 'mean', windowHours: 24 },
      { event: 'signup', kind: 'conversion', windowHours: 72 },
    ]);
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
    const stored = { ...experimentInputSchema.parse(body), documentId: 'd', startedAt: null, stoppedAt: null } as Experiment;
    expect(draftFromExperiment(stored).goal.cap).toBe(500);
    expect(draftFromExperiment(stored).secondary[0].cap).toBeNull();

    expect(draftProblems({ ...draft, goal: { ...draft.goal, cap: 0 } })).toEqual({ 'goal.cap': 'cap-range' });
    expect(draftProblems({ ...draft, goal: { ...draft.goal, cap: 2e12 } })).toEqual({ 'goal.cap': 'cap-range' });
    expect(fieldOfPath(['goal', 'cap'])).toBe('goal.cap');
    expect(fieldOfPath(['secondary', 1, 'cap'])).toBe('secondary.1.cap');
  });

  it('puts server issues at their field', () => {
    expect(fieldOfPath(['condition', 'and', 0])).toBe('condition');
    expect(fieldOfPath(['arms', 1, 'variants', 0])).toBe('arms.1.variants');
    expect(fieldOfPath(['arms'])).toBe('arms');
    expect(fieldOfPath(['target', 'documentId'])).toBe('target');
    expect(fieldOfPath(['goal', 'event'])).toBe('goal.event');
    expect(fieldOfPath([])).toBe('form');
    expect(
      serverErrorsByField([
        { path: ['arms', 1, 'variants', 0], message: 'no variant "x"' },
        { path: ['arms', 1, 'variants', 1], message: 'no variant "y"' },
      ])
    ).toEqual({ 'arms.1.variants': 'no variant "x"; no variant "y"' });
  });

  it('makes unique arm keys and the link from an entry', () => {
    expect(uniqueKey('Variant B', ['variant-b'])).toBe('variant-b-2');
    expect(uniqueKey('!!', [])).toBe('arm');
    expect(newExperimentForEntry({ uid: 'api::article.article', documentId: 'abc', locale: 'en', variants: ['v1', 'v2'] })).toBe(
      '/plugins/personalize/experiments/new?uid=api%3A%3Aarticle.article&documentId=abc&locale=en&variants=v1%2Cv2'
    );
  });
});

describe('verdicts', () => {
  // The sequential p is below alpha exactly when the interval excludes 0 (primary goal); a secondary
  // goal's p is Holm-adjusted, so it may stay above alpha while the interval excludes 0.
  const result = (ci: [number, number] | null, pValue = ci && (ci[0] > 0 || ci[1] < 0) ? 0.01 : 0.5): ExperimentResult => ({
    goal: 'signup',
    arm: 'b',
    baseline: 'a',
    relative: ci ? { lift: (ci[0] + ci[1]) / 2, ci, pValue } : null,
    absolute: null,
    sequential: ci ? { ci, pValue } : null,
    chanceToWin: ci ? 0.5 : null,
  });

  it('reads the sequential interval', () => {
    expect(verdictOf(result([0.01, 0.2]))).toBe('better');
    expect(verdictOf(result([-0.2, -0.01]))).toBe('worse');
    expect(verdictOf(result([-0.1, 0.2]))).toBe('inconclusive');
    expect(verdictOf(result(null))).toBe('no-data');
    expect(verdictOf(undefined)).toBe('no-data');
  });

  it('needs the (Holm-adjusted) sequential p below alpha', () => {
    expect(verdictOf(result([0.01, 0.2], 0.08))).toBe('inconclusive');
    expect(verdictOf(result([0.01, 0.2], 0.08), 0.1)).toBe('better');
    expect(verdictOf(result([0.01, 0.2], 0.04), 0.01)).toBe('inconclusive');
  });

  it('makes error bars from the interval', () => {
    expect(liftRows([result([-0.1, 0.3]), result(null)])).toEqual([{ arm: 'b', lift: expect.closeTo(0.1, 12), low: -0.1, high: 0.3, error: [0.2, expect.closeTo(0.2, 12)] }]);
  });

  it('shows a conversion rate’s lift interval no lower than −100 %, a mean’s as computed', () => {
    expect(shownInterval([-1.4, 0.6], 'conversion')).toEqual([-1, 0.6]);
    expect(shownInterval([-0.4, 0.6], 'conversion')).toEqual([-0.4, 0.6]);
    expect(shownInterval([-1.4, 0.6], 'mean')).toEqual([-1.4, 0.6]);
    const wide = liftRows([result([-1.6, 0.8])]);
    expect(wide).toEqual([{ arm: 'b', lift: expect.closeTo(-0.4, 12), low: -1, high: 0.8, error: [expect.closeTo(0.6, 12), expect.closeTo(1.2, 12)] }]);
    expect(liftRows([result([-1.6, 0.8])], 'mean')[0].low).toBe(-1.6);
    // The verdict reads the interval as computed.
    expect(verdictOf(result([-1.6, 0.8]))).toBe('inconclusive');
  });

  it('groups results by goal, primary first, in arm order', () => {
    const results = {
      arms: [{ key: 'a' }, { key: 'b' }, { key: 'c' }],
      results: [
        { ...result(null), arm: 'c' },
        { ...result(null), arm: 'b' },
        { ...result(null), goal: 'other', arm: 'b' },
      ],
    } as unknown as ExperimentResults;
    expect(resultsByGoal(results).map((goal) => [goal.goal, goal.results.map((row) => row.arm)])).toEqual([
      ['signup', ['b', 'c']],
      ['other', ['b']],
    ]);
    expect(primaryResults(results).map((row) => row.arm)).toEqual(['b', 'c']);
    expect(observedShares([{ units: 1 }, { units: 3 }])).toEqual([0.25, 0.75]);
    expect(observedShares([{ units: 0 }])).toEqual([null]);
  });
});

describe('the arms’ colours', () => {
  /** WCAG 2.1 contrast ratio of a `#rrggbb` colour against white. */
  const contrastOnWhite = (hex: string) => {
    const channel = (offset: number) => {
      const value = parseInt(hex.slice(offset, offset + 2), 16) / 255;
      return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    };
    const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    return 1.05 / (luminance + 0.05);
  };

  it('each reads at AA against white (4.5:1, as legend text), and no two are the same', () => {
    expect(contrastOnWhite('#e07b00')).toBeLessThan(4.5); // the old orange, 3.0:1: the check can fail
    expect(ARM_COLORS.filter((color) => contrastOnWhite(color) < 4.5)).toEqual([]);
    expect(new Set(ARM_COLORS).size).toBe(ARM_COLORS.length);
  });
});

describe('the power calculator', () => {
  const inputs = {
    kind: 'conversion' as const,
    ratePercent: 5,
    mean: null,
    standardDeviation: null,
    mdePercent: 10,
    dailyVisitors: 10000,
    arms: 2,
    trafficPercent: 50,
    sequential: false,
  };

  it('is the engine’s plan for the units in the experiment', () => {
    const answer = planPower(inputs);
    if (!answer.ok) throw new Error('expected a plan');
    expect(answer.unitsPerDay).toBe(5000);
    expect(answer.plan).toEqual(powerPlan({ metric: { kind: 'conversion', rate: 0.05 }, mde: 0.1, unitsPerDay: 5000, days: 28, arms: 2, sequentialNStar: false }));
    expect(answer.plan.daysToPower).toBeGreaterThan(1);
    expect(answer.plan.daysToPower).toBeLessThan(28);
  });

  it('needs more days read sequentially', () => {
    const fixed = planPower(inputs);
    const sequential = planPower({ ...inputs, sequential: true });
    if (!fixed.ok || !sequential.ok) throw new Error('expected plans');
    expect(sequential.unitsNeeded ?? Infinity).toBeGreaterThan(fixed.unitsNeeded ?? 0);
  });

  it('says which inputs are missing', () => {
    expect(planPower({ ...inputs, ratePercent: null, dailyVisitors: 0 })).toEqual({ ok: false, problems: ['rate', 'dailyVisitors'] });
    expect(planPower({ ...inputs, kind: 'mean', mean: 20, standardDeviation: null })).toEqual({ ok: false, problems: ['standardDeviation'] });
    expect(planPower({ ...inputs, trafficPercent: 0 })).toEqual({ ok: false, problems: ['traffic'] });
  });
});

describe('the experiments pages’ messages', () => {
  const ROOT = path.resolve(__dirname, '../..');
  const en = JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations/en.json'), 'utf8')) as Record<string, string>;
  const fr = JSON.parse(fs.readFileSync(path.join(ROOT, 'admin/src/translations/fr.json'), 'utf8')) as Record<string, string>;
  const files = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? files(full) : /\.tsx?$/.test(entry.name) ? [full] : [];
    });
  const users = files(path.join(ROOT, 'admin/src')).filter(
    (file) => file.endsWith(path.join('experiments', 'i18n.ts')) || fs.readFileSync(file, 'utf8').includes("experiments/i18n'")
  );
  const STRING = `'((?:[^'\\\\]|\\\\.)*)'`;
  const calls = users.flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(new RegExp(`\\bt\\(\\s*${STRING}\\s*,\\s*${STRING}`, 'g'))].map((match) => ({
      file: path.relative(ROOT, file),
      key: `experiments.${match[1]}`,
      text: match[2].replace(/\\(['"])/g, '$1'),
    }))
  );

  it('finds the t(key, default) calls', () => {
    expect(users.length).toBeGreaterThan(5);
    expect(calls.length).toBeGreaterThan(100);
  });

  it('every t(key, default) is in en.json with that English, and in fr.json', () => {
    const wrong = calls.filter((call) => en[call.key] !== call.text || !fr[call.key]).map((call) => `${call.file}: ${call.key}`);
    expect(wrong).toEqual([]);
  });
});

describe('experiments in the live test, in words', () => {
  it('says the arm and bucket, or why the visitor is not in it', () => {
    expect(assignmentText({ arm: 'treatment', reason: 'sticky', bucket: 0.59161 }, defaultFormatMessage)).toBe(
      'In arm “treatment”: kept from their first exposure, assignments are sticky (bucket 0.5916).'
    );
    expect(assignmentText({ arm: 'control', reason: 'hash', bucket: 0.1 }, defaultFormatMessage)).toBe(
      'In arm “control”: assigned from the visitor id (bucket 0.1000).'
    );
    expect(assignmentText({ reason: 'holdout', bucket: 0.9 }, defaultFormatMessage)).toMatch(/^Not in the experiment: bucket 0.9000 falls outside/);
    expect(assignmentText({ reason: 'no-consent', bucket: null }, defaultFormatMessage)).toBe('Not in the experiment: this visitor has not consented to events.');
  });

  it('reads the experiment reason of an evaluation', () => {
    const context = { formatMessage: defaultFormatMessage, variantNames: { v_weekend: 'Weekend browser' } };
    expect(describeReason({ rule: 'experiment', experiment: 'pricing', arm: 'treatment', variants: ['v_weekend'] }, null, context)).toBe(
      'In arm "treatment" of experiment "pricing": only "Weekend browser" can be served.'
    );
    expect(describeReason({ rule: 'experiment', experiment: 'pricing', arm: 'control', variants: [] }, null, context)).toBe(
      'In arm "control" of experiment "pricing": no variant takes part, the entry is served as published.'
    );
  });

  it('reads the site-wide holdout reason, in English and French', () => {
    const entry = { rule: 'holdout', share: 0.2 } as const;
    const english = adminIntl('en');
    expect(describeReason(entry, null, { formatMessage: english.formatMessage.bind(english) })).toBe(
      'In the site-wide holdout (20% of visitors): the entry is served as published, in no experiment.'
    );
    const french = adminIntl('fr');
    expect(describeReason(entry, null, { formatMessage: french.formatMessage.bind(french) })).toBe(
      'Dans le groupe témoin global (20\u00a0% des visiteurs) : l’entrée est servie telle que publiée, hors de toute expérience.'
    );
  });
});
