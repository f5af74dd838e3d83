/**
 * The experiment editor's CUPED field through the draft (admin/src/experiments/draft.ts: default, round trip, checks,
 * the server's 400 at its field) and the holdout report page's view (admin/src/experiments/holdout.ts and
 * HoldoutReport, rendered in English and French).
 */
import { experimentInputSchema, type Experiment, type ExperimentResult } from '../../contracts/src/experiments';
import type { HoldoutResults } from '../../contracts/src/holdout';
import { formatZodIssues } from '../../contracts/src/zod-issues';
import { draftFromExperiment, draftProblems, emptyDraft, fieldOfPath, inputFromDraft, serverErrorsByField } from '../../admin/src/experiments/draft';
import { HOLDOUT_CONFIG_EXAMPLE, holdoutView } from '../../admin/src/experiments/holdout';
import { useT } from '../../admin/src/experiments/i18n';
import { HoldoutReport } from '../../admin/src/pages/experiments/HoldoutReport';
import { renderAdmin, quietServerLayoutEffects } from '../helpers/admin-render';

const names = { control: 'Control', treatment: 'Variants' };

const stored = (cuped: Experiment['cuped']): Experiment => ({
  documentId: 'doc1',
  key: 'exp',
  name: 'Exp',
  hypothesis: null,
  status: 'draft',
  mode: 'ab',
  target: null,
  arms: [
    { key: 'control', name: 'Control', weight: 0.5, variants: [] },
    { key: 'b', name: null, weight: 0.5, variants: [] },
  ],
  traffic: 1,
  condition: null,
  goal: { event: 'signup', kind: 'conversion', windowHours: 72 },
  ...(cuped !== undefined ? { cuped } : {}),
  startedAt: null,
  stoppedAt: null,
});

describe('the CUPED field of the experiment draft', () => {
  it('is on with 14 days for a new experiment, and the body says so', () => {
    const draft = { ...emptyDraft(names), name: 'Exp', key: 'exp', goal: { event: 'signup', kind: 'conversion' as const, windowHours: 72 } };
    expect(draft.cuped).toEqual({ enabled: true, lookbackDays: 14 });
    const body = inputFromDraft(draft);
    expect(body.cuped).toEqual({ enabled: true, lookbackDays: 14 });
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
  });

  it('round-trips on, off and absent', () => {
    for (const [cuped, draft, body] of [
      [{ lookbackDays: 30 }, { enabled: true, lookbackDays: 30 }, { enabled: true, lookbackDays: 30 }],
      [{ enabled: false }, { enabled: false, lookbackDays: 14 }, { enabled: false, lookbackDays: 14 }],
      [{ enabled: false, lookbackDays: 7 }, { enabled: false, lookbackDays: 7 }, { enabled: false, lookbackDays: 7 }],
      [null, { enabled: true, lookbackDays: 14 }, { enabled: true, lookbackDays: 14 }],
      [undefined, { enabled: true, lookbackDays: 14 }, { enabled: true, lookbackDays: 14 }],
    ] as const) {
      const edited = draftFromExperiment(stored(cuped));
      expect(edited.cuped).toEqual(draft);
      const sent = inputFromDraft(edited);
      expect(sent.cuped).toEqual(body);
      const parsed = experimentInputSchema.safeParse(sent);
      expect(parsed.success).toBe(true);
      // What the server stores reads back as the same draft.
      expect(draftFromExperiment(stored(parsed.data?.cuped)).cuped).toEqual(draft);
    }
  });

  it('checks the lookback before sending while on; off sends no lookback it would refuse', () => {
    const base = draftFromExperiment(stored(undefined));
    for (const lookbackDays of [0, 61, 2.5]) {
      expect(draftProblems({ ...base, cuped: { enabled: true, lookbackDays } })).toEqual({ 'cuped.lookbackDays': 'lookback-range' });
      const off = { ...base, cuped: { enabled: false, lookbackDays } };
      expect(draftProblems(off)).toEqual({});
      expect(inputFromDraft(off).cuped).toEqual({ enabled: false });
      expect(experimentInputSchema.safeParse(inputFromDraft(off)).success).toBe(true);
    }
    for (const lookbackDays of [1, 60, null]) expect(draftProblems({ ...base, cuped: { enabled: true, lookbackDays } })).toEqual({});
    expect(inputFromDraft({ ...base, cuped: { enabled: true, lookbackDays: null } }).cuped).toEqual({ enabled: true, lookbackDays: 14 });
  });

  it('puts the server’s 400 on the lookback at its field, anything else at the switch', () => {
    const body = { ...inputFromDraft(draftFromExperiment(stored(undefined))), cuped: { enabled: true, lookbackDays: 61 } };
    const parsed = experimentInputSchema.safeParse(body);
    expect(parsed.success).toBe(false);
    expect(serverErrorsByField(formatZodIssues(parsed.error?.issues ?? []))).toEqual({ 'cuped.lookbackDays': 'at most 60 days' });
    expect(fieldOfPath(['cuped'])).toBe('cuped');
    expect(fieldOfPath(['cuped', 'enabled'])).toBe('cuped');
  });
});

const goals: HoldoutResults['goals'] = [
  { event: 'checkout', kind: 'conversion' },
  { event: 'revenue', kind: 'mean' },
];

const comparison: ExperimentResult = {
  goal: 'checkout',
  arm: 'personalized',
  baseline: 'holdout',
  relative: { lift: 0.25, ci: [0.1, 0.4], pValue: 0.001 },
  absolute: { lift: 0.02, ci: [0.008, 0.032], pValue: 0.001 },
  sequential: { ci: [0.05, 0.45], pValue: 0.01 },
  chanceToWin: 0.998,
};

const on: HoldoutResults = {
  share: 0.1,
  goals,
  alpha: 0.05,
  goal: 'checkout',
  kind: 'conversion',
  arms: [
    { key: 'holdout', weight: 0.1, units: 400, conversions: 32, sum: 32, sumSquares: 32, mean: 0.08 },
    { key: 'personalized', weight: 0.9, units: 3600, conversions: 360, sum: 360, sumSquares: 360, mean: 0.1 },
  ],
  results: [comparison],
};

const off: HoldoutResults = { share: 0, goals: [], alpha: 0.05, goal: null, kind: null, arms: [], results: [] };

const Report = ({ data }: { data: HoldoutResults }) => <HoldoutReport data={data} onGoal={() => undefined} t={useT()} />;
const render = (locale: 'en' | 'fr', data: HoldoutResults) => renderAdmin(locale, <Report data={data} />);

describe('the holdout report', () => {
  quietServerLayoutEffects();

  it('reads the answer as off, on without goals, or a comparison in the results table’s shape', () => {
    expect(holdoutView(off)).toEqual({ state: 'off' });
    expect(holdoutView({ ...off, goals })).toEqual({ state: 'off' });
    expect(holdoutView({ ...off, share: 0.05 })).toEqual({ state: 'no-goals', share: 0.05 });
    const view = holdoutView(on);
    if (view.state !== 'on') throw new Error(`expected on, got ${view.state}`);
    expect(view.comparison).toBe(comparison);
    expect(view.table.alpha).toBe(0.05);
    expect(view.table.goals).toEqual([
      {
        goal: 'checkout',
        kind: 'conversion',
        arms: [
          { key: 'holdout', conversions: 32, sum: 32, sumSquares: 32, mean: 0.08 },
          { key: 'personalized', conversions: 360, sum: 360, sumSquares: 360, mean: 0.1 },
        ],
      },
    ]);
    expect(holdoutView({ ...on, results: [] })).toMatchObject({ state: 'on', comparison: undefined });
  });

  it('says how to turn it on when it is off, in English and French', () => {
    const en = render('en', off).text;
    expect(en).toContain('The holdout is off');
    expect(en).toContain('config/plugins.ts');
    expect(en).toContain(HOLDOUT_CONFIG_EXAMPLE);
    expect(render('en', { ...off, share: 0.05 }).text).toContain('The holdout is on (5% of visitors) but compares no goal.');
    expect(render('fr', off).text).toContain('Le groupe témoin est désactivé');
  });

  it('compares personalized visitors with the held-out ones on the chosen goal, in words', () => {
    const { text, html } = render('en', on);
    expect(text).toContain('10% of visitors get every entry as published');
    expect(text).toMatch(/Held out \(no personalization\) 10% 400 32 8% Baseline/);
    expect(text).toMatch(/Personalized 90% 3,600 360 10% 25% 5% to 45% 99\.8% Better/i);
    expect(text).toContain('Personalized: 99.8% chance to win');
    expect(text).toContain('better, however often you looked');
    expect(html).toContain('checkout');
    const fr = render('fr', on).text;
    expect(fr).toContain('Témoin (sans personnalisation)');
    expect(fr).toContain('Personnalisés');
    expect(render('en', { ...on, results: [] }).text).toContain('Personalized: no chance to win yet (not enough data).');
  });
});
