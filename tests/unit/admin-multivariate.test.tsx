/**
 * The multivariate experiment's admin (issue 24, docs/experiments.md "Multivariate"): the draft's factors (new ones,
 * the round trip through the contract, the checks before sending, the server's 400s at their fields), the editor's
 * cells and overlap warning (admin/src/experiments/factors.ts), and the results page's factorial panel rendered in
 * English and French from results the server's own factorialResultsOf computes.
 */
import { experimentInputSchema, factorialArms, type Experiment, type ExperimentResults } from '../../contracts/src/experiments';
import { formatZodIssues } from '../../contracts/src/zod-issues';
import {
  draftFromExperiment,
  draftProblems,
  emptyDraft,
  fieldOfPath,
  inputFromDraft,
  newFactor,
  newLevel,
  serverErrorsByField,
  type ExperimentDraft,
  type FactorNames,
} from '../../admin/src/experiments/draft';
import { cellCount, cellLabel, factorOverlaps } from '../../admin/src/experiments/factors';
import { useT } from '../../admin/src/experiments/i18n';
import { FactorialPanel } from '../../admin/src/pages/experiments/FactorialPanel';
import { factorialResultsOf } from '../../server/src/experiments/factorial-results';
import { renderAdmin, quietServerLayoutEffects } from '../helpers/admin-render';

const names: FactorNames = { factor: (n) => `Factor ${n}`, baseline: 'As published', level: (n) => `Level ${n}` };

const FACTORS = [
  {
    key: 'headline',
    name: 'Headline',
    levels: [
      { key: 'plain', name: 'Plain', variants: [] },
      { key: 'bold', name: 'Bold', variants: ['v_headline'] },
    ],
  },
  {
    key: 'button',
    name: 'Button',
    levels: [
      { key: 'soft', name: null, variants: [] },
      { key: 'strong', name: 'Strong', variants: ['v_button'] },
    ],
  },
];
const CELLS = ['plain|soft', 'plain|strong', 'bold|soft', 'bold|strong'];

const stored: Experiment = {
  documentId: 'doc1',
  key: 'headline-button',
  name: 'Headline × button',
  hypothesis: null,
  status: 'draft',
  mode: 'multivariate',
  target: { uid: 'api::article.article', documentId: 'art1', locale: 'en' },
  arms: factorialArms(FACTORS),
  factors: FACTORS,
  traffic: 1,
  condition: null,
  goal: { event: 'checkout', kind: 'conversion', windowHours: 72 },
  startedAt: null,
  stoppedAt: null,
};

const multivariate = (): ExperimentDraft => draftFromExperiment(stored);

describe('the factors of the experiment draft', () => {
  it('starts a factor with a baseline level and one more, keys unique among the others', () => {
    const first = newFactor([], names);
    expect(first).toEqual({
      key: 'factor-1',
      name: 'Factor 1',
      levels: [
        { key: 'as-published', name: 'As published', variants: [] },
        { key: 'level-2', name: 'Level 2', variants: [] },
      ],
    });
    const second = newFactor([{ ...first, key: 'factor-2' }], names);
    expect(second.key).toBe('factor-2-2');
    expect(newLevel(first, names)).toEqual({ key: 'level-3', name: 'Level 3', variants: [] });
    expect(emptyDraft({ control: 'Control', treatment: 'Variants' }).factors).toEqual([]);
  });

  it('reads a stored experiment’s factors and sends them without arms; the server makes the cells its arms', () => {
    const draft = multivariate();
    expect(draft.factors[1]).toEqual({
      key: 'button',
      name: 'Button',
      levels: [
        { key: 'soft', name: '', variants: [] },
        { key: 'strong', name: 'Strong', variants: ['v_button'] },
      ],
    });
    expect(draftProblems(draft)).toEqual({});
    const body = inputFromDraft(draft);
    expect('arms' in body).toBe(false);
    expect(body.factors).toEqual(FACTORS);
    expect(body.bandit).toBeNull();
    const parsed = experimentInputSchema.safeParse(body);
    expect(parsed.success).toBe(true);
    expect(parsed.data?.arms.map((arm) => arm.key)).toEqual(CELLS);
    // Another mode sends arms and clears the factors.
    const ab = inputFromDraft({ ...emptyDraft({ control: 'Control', treatment: 'Variants' }), name: 'A', key: 'a', factors: draft.factors });
    expect(ab.factors).toBeNull();
    expect(ab.arms?.map((arm) => arm.key)).toEqual(['control', 'treatment']);
    // Without a target, levels serve no variant (the server would refuse them).
    expect(inputFromDraft({ ...draft, target: null }).factors?.[0].levels[1].variants).toEqual([]);
  });

  it('finds the factors’ problems before sending, and ignores the arms', () => {
    const draft = { ...multivariate(), arms: [] };
    expect(draftProblems(draft)).toEqual({});
    expect(draftProblems({ ...draft, target: null })).toEqual({ target: 'multivariate-target' });
    expect(draftProblems({ ...draft, factors: [] })).toEqual({ factors: 'too-few-factors' });
    const four = [...draft.factors, { ...draft.factors[0], key: 'c' }, { ...draft.factors[0], key: 'd' }];
    expect(draftProblems({ ...draft, factors: four })).toEqual({ factors: 'too-many-factors' });
    const [headline, button] = draft.factors;
    const twice = [headline, { ...button, key: 'headline' }];
    expect(draftProblems({ ...draft, factors: twice })).toEqual({ 'factors.1.key': 'duplicate-factor' });
    const badKeys = [{ ...headline, key: 'Head line', levels: [headline.levels[0], { ...headline.levels[1], key: '' }] }, button];
    expect(draftProblems({ ...draft, factors: badKeys })).toEqual({ 'factors.0.key': 'key-pattern', 'factors.0.levels.1.key': 'required' });
    const sameLevel = [headline, { ...button, levels: [button.levels[0], { ...button.levels[1], key: 'soft' }] }];
    expect(draftProblems({ ...draft, factors: sameLevel })).toEqual({ 'factors.1.levels.1.key': 'duplicate-level' });
    const one = [{ ...headline, levels: [headline.levels[0]] }, button];
    expect(draftProblems({ ...draft, factors: one })).toEqual({ 'factors.0.levels': 'too-few-levels' });
    const five = [headline, { ...button, levels: ['a', 'b', 'c', 'd', 'e'].map((key) => ({ key, name: '', variants: [] })) }];
    expect(draftProblems({ ...draft, factors: five })).toEqual({ 'factors.1.levels': 'too-many-levels' });
  });

  it('puts the server’s 400s on factors at their fields', () => {
    expect(fieldOfPath(['factors'])).toBe('factors');
    expect(fieldOfPath(['factors', 1])).toBe('factors');
    expect(fieldOfPath(['factors', 1, 'key'])).toBe('factors.1.key');
    expect(fieldOfPath(['factors', 0, 'levels'])).toBe('factors.0.levels');
    expect(fieldOfPath(['factors', 0, 'levels', 1, 'key'])).toBe('factors.0.levels.1.key');
    expect(fieldOfPath(['factors', 0, 'levels', 1, 'variants', 0])).toBe('factors.0.levels.1.variants');
    // The contract's own issues land there too (and on the cells the server would make of them).
    const draft = multivariate();
    const [headline] = draft.factors;
    const again = { ...headline, name: 'Again', levels: [headline.levels[0], { ...headline.levels[0], name: '' }] };
    const parsed = experimentInputSchema.safeParse(inputFromDraft({ ...draft, factors: [headline, again] }));
    expect(parsed.success).toBe(false);
    expect(serverErrorsByField(formatZodIssues(parsed.error?.issues ?? []))).toMatchObject({
      'factors.1.key': 'duplicate factor key "headline"',
      'factors.1.levels.1.key': 'duplicate level key "plain"',
    });
  });
});

describe('the editor’s cells and overlap warning', () => {
  it('counts the cells and names a cell by its levels', () => {
    expect(cellCount([])).toBe(0);
    expect(cellCount(FACTORS)).toBe(4);
    expect(cellCount([...FACTORS, { levels: [1, 2, 3] }])).toBe(12);
    expect(cellLabel(FACTORS, 'bold|soft')).toBe('Headline: Bold · Button: soft');
    expect(cellLabel(FACTORS, 'bold')).toBeNull();
    expect(cellLabel(FACTORS, 'control')).toBeNull();
  });

  it('warns when variants of two factors override the same field, and only then', () => {
    const variants = [
      { id: 'v_headline', name: 'Bold headline', fields: ['title'] },
      { id: 'v_button', name: 'Strong button', fields: ['cta'] },
      { id: 'v_big', name: 'Big title', fields: ['title', 'summary'] },
      { id: 'v_big_summary', name: 'Long summary', fields: ['summary'] },
    ];
    expect(factorOverlaps(FACTORS, variants)).toEqual([]);
    // Two variants of one factor setting the same field: a visitor gets only one of its levels.
    const sameFactor = [{ ...FACTORS[0], levels: [...FACTORS[0].levels, { key: 'big', variants: ['v_big'] }] }, FACTORS[1]];
    expect(factorOverlaps(sameFactor, variants)).toEqual([]);
    const across = [FACTORS[0], { ...FACTORS[1], levels: [FACTORS[1].levels[0], { key: 'strong', variants: ['v_button', 'v_big'] }] }];
    expect(factorOverlaps(across, variants)).toEqual([
      { field: 'title', first: { factor: 'Headline', variants: ['Bold headline'] }, second: { factor: 'Button', variants: ['Big title'] } },
    ]);
    // A variant the entry no longer has is left out.
    expect(factorOverlaps(across, variants.filter((variant) => variant.id !== 'v_big'))).toEqual([]);
  });
});

describe('the factorial panel', () => {
  quietServerLayoutEffects();

  // Per cell: units and conversions (a conversion goal: sum = sumSquares = conversions).
  const counts: [number, number][] = [
    [200, 40],
    [200, 60],
    [200, 80],
    [200, 160],
  ];
  const totals = counts.map(([units, conversions]) => ({
    units,
    conversions,
    sum: conversions,
    sumSquares: conversions,
    preSum: 0,
    preSumSquares: 0,
    crossSum: 0,
  }));
  const results = {
    alpha: 0.05,
    ...factorialResultsOf('conversion', FACTORS, CELLS, totals, { alpha: 0.05, sequentialNStar: 100 }),
  } as ExperimentResults;

  const Panel = ({ data }: { data: ExperimentResults }) => <FactorialPanel experiment={{ ...stored, status: 'running' }} results={data} t={useT()} />;

  it('reads each factor’s levels and effects, the interaction in words and the best cell, in English', () => {
    const { text } = renderAdmin('en', <Panel data={results} />);
    expect(text).toContain('Each change on its own, and together');
    expect(text).toContain('Best cell so far: Headline: Bold · Button: Strong, 80% (200 visitors)');
    // Headline pooled over the button: plain 100 of 400, bold 240 of 400.
    expect(text).toContain('Factor: Headline');
    expect(text).toMatch(/Plain 400 100 25%/);
    expect(text).toMatch(/Bold 400 240 60%/);
    // A level without a name goes by its key.
    expect(text).toMatch(/ soft 400 120 30%/);
    expect(text).toMatch(/Strong 400 220 55%/);
    expect(text).toContain('Main effect of Headline, with its sequential interval');
    // (80 − 40) − (30 − 20) = 30 points more than the two effects added.
    expect(text).toMatch(/Bold with Strong: \+30 points more than the two effects added \(always-valid 95% interval \+[\d.]+ points to \+[\d.]+ points, p = /);
  });

  it('says so when too few visitors, and reads in French', () => {
    const empty = {
      alpha: 0.05,
      ...factorialResultsOf('conversion', FACTORS, CELLS, totals.map((total) => ({ ...total, units: 0, conversions: 0, sum: 0, sumSquares: 0 })), {
        alpha: 0.05,
        sequentialNStar: 100,
      }),
    } as ExperimentResults;
    const { text } = renderAdmin('en', <Panel data={empty} />);
    expect(text).toContain('Best cell: none yet');
    expect(text).toContain('Bold with Strong: not enough visitors yet in each of the four cells it compares.');
    const french = renderAdmin('fr', <Panel data={results} />).text;
    expect(french).toContain('Chaque changement seul, et ensemble');
    expect(french).toContain('Meilleure cellule à ce jour : Headline: Bold · Button: Strong');
    expect(french).toMatch(/Bold avec Strong : \+30 points de plus que la somme des deux effets/);
  });
});
