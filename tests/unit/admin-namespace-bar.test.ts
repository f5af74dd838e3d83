/**
 * The experiment editor's namespace (admin/src/experiments/namespace.ts): the bar's data (the namespace's other
 * experiments that are not stopped, this one's range, overlaps marked, the free share), the draft's round trip and
 * problems; and the guardrail banner's data (admin/src/experiments/guardrails.ts).
 */
import { experimentInputSchema, type Experiment, type ExperimentResults } from '../../contracts/src/experiments';
import { draftFromExperiment, draftProblems, emptyDraft, emptyGuardrail, fieldOfPath, inputFromDraft } from '../../admin/src/experiments/draft';
import { harmedGuardrails } from '../../admin/src/experiments/guardrails';
import { emptyNamespace, namespaceBar, namespaceProblems } from '../../admin/src/experiments/namespace';

type Listed = Pick<Experiment, 'documentId' | 'key' | 'name' | 'status' | 'namespace'>;

const listed = (documentId: string, status: Experiment['status'], namespace: Experiment['namespace']): Listed => ({
  documentId,
  key: `exp-${documentId}`,
  name: `Experiment ${documentId}`,
  status,
  namespace,
});

const EXPERIMENTS: Listed[] = [
  listed('a', 'running', { key: 'checkout', range: [0, 0.3] }),
  listed('b', 'draft', { key: 'checkout', range: [0.6, 0.8] }),
  listed('c', 'stopped', { key: 'checkout', range: [0.3, 0.6] }),
  listed('d', 'running', { key: 'home', range: [0, 1] }),
  listed('e', 'paused', null),
  listed('self', 'draft', { key: 'checkout', range: [0.9, 1] }),
];

const current = (from: number | null, to: number | null, key = 'checkout') => ({
  documentId: 'self',
  key: 'this-one',
  name: 'This one',
  status: 'draft' as const,
  namespace: { key, fromPercent: from, toPercent: to },
});

describe('the namespace bar', () => {
  it('shows the namespace’s other experiments that are not stopped and this one’s range, in order, with the free share', () => {
    const bar = namespaceBar(EXPERIMENTS, current(30, 60));
    expect(bar).toEqual({
      key: 'checkout',
      segments: [
        { key: 'exp-a', name: 'Experiment a', status: 'running', from: 0, to: 30, current: false, overlaps: false },
        { key: 'this-one', name: 'This one', status: 'draft', from: 30, to: 60, current: true, overlaps: false },
        { key: 'exp-b', name: 'Experiment b', status: 'draft', from: 60, to: 80, current: false, overlaps: false },
      ],
      freePercent: 20,
    });
  });

  it('marks the ranges this one overlaps (half-open: touching is not overlapping), and this one', () => {
    const bar = namespaceBar(EXPERIMENTS, current(25, 65))!;
    expect(bar.segments.map((segment) => [segment.key, segment.overlaps])).toEqual([
      ['exp-a', true],
      ['this-one', true],
      ['exp-b', true],
    ]);
    // The union of [0, 30), [25, 65) and [60, 80) is [0, 80).
    expect(bar.freePercent).toBe(20);
    expect(namespaceProblems(current(25, 65).namespace, bar)).toEqual({ 'namespace.range': 'range-overlap' });
    expect(namespaceBar(EXPERIMENTS, current(80, 100))!.segments.every((segment) => !segment.overlaps)).toBe(true);
  });

  it('shows only the others while this range is empty or reversed, and nothing without a namespace key', () => {
    const bar = namespaceBar(EXPERIMENTS, current(50, 50))!;
    expect(bar.segments.map((segment) => segment.key)).toEqual(['exp-a', 'exp-b']);
    expect(bar.freePercent).toBe(50);
    expect(namespaceBar(EXPERIMENTS, current(0, 50, '  '))).toBeNull();
    expect(namespaceBar(EXPERIMENTS, { ...current(0, 50), namespace: null })).toBeNull();
    // Another namespace: only its own experiments.
    expect(namespaceBar(EXPERIMENTS, current(0, 50, 'home'))!.segments.map((segment) => [segment.key, segment.overlaps])).toEqual([
      ['exp-d', true],
      ['this-one', true],
    ]);
  });

  it('round-trips through the draft, sends null without a namespace, and checks the key and range', () => {
    const names = { control: 'Control', treatment: 'Variants' };
    const draft = {
      ...emptyDraft(names),
      name: 'Namespaced',
      key: 'namespaced',
      goal: { event: 'signup', kind: 'conversion' as const, windowHours: 72 },
      namespace: { key: 'checkout', fromPercent: 12.5, toPercent: 50 },
    };
    expect(draftProblems(draft)).toEqual({});
    const body = inputFromDraft(draft);
    expect(body.namespace).toEqual({ key: 'checkout', range: [0.125, 0.5] });
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
    const stored = { ...experimentInputSchema.parse(body), documentId: 'x', startedAt: null, stoppedAt: null };
    expect(draftFromExperiment(stored).namespace).toEqual(draft.namespace);
    expect(inputFromDraft({ ...draft, namespace: null }).namespace).toBeNull();
    expect(emptyNamespace()).toEqual({ key: '', fromPercent: 0, toPercent: 100 });
    expect(draftProblems({ ...draft, namespace: { key: 'Bad key', fromPercent: 60, toPercent: 40 } })).toEqual({
      'namespace.key': 'key-pattern',
      'namespace.range': 'range-order',
    });
    expect(draftProblems({ ...draft, namespace: { key: '', fromPercent: null, toPercent: 120 } })).toEqual({
      'namespace.key': 'required',
      'namespace.range': 'required',
    });
    expect(fieldOfPath(['namespace', 'range'])).toBe('namespace.range');
    expect(fieldOfPath(['namespace', 'key'])).toBe('namespace.key');
  });
});

describe('guardrails in the editor', () => {
  it('round-trips guardrails with their direction, sends them whole, and checks their events like goals', () => {
    const draft = {
      ...emptyDraft({ control: 'Control', treatment: 'Variants' }),
      name: 'Guarded',
      key: 'guarded',
      goal: { event: 'signup', kind: 'conversion' as const, windowHours: 72 },
      guardrails: [{ ...emptyGuardrail(), event: 'refund' }, { event: 'time', kind: 'mean' as const, windowHours: 24, cap: 600, direction: 'increase' as const }],
    };
    expect(emptyGuardrail()).toEqual({ event: '', kind: 'conversion', windowHours: 72, direction: 'decrease' });
    expect(draftProblems(draft)).toEqual({});
    const body = inputFromDraft(draft);
    expect(body.guardrails).toEqual([
      { event: 'refund', kind: 'conversion', windowHours: 72, direction: 'decrease' },
      { event: 'time', kind: 'mean', windowHours: 24, cap: 600, direction: 'increase' },
    ]);
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
    const stored = { ...experimentInputSchema.parse(body), documentId: 'x', startedAt: null, stoppedAt: null };
    expect(draftFromExperiment(stored).guardrails).toEqual([
      { event: 'refund', kind: 'conversion', windowHours: 72, cap: null, direction: 'decrease' },
      { event: 'time', kind: 'mean', windowHours: 24, cap: 600, direction: 'increase' },
    ]);
    expect(inputFromDraft({ ...draft, guardrails: [] }).guardrails).toEqual([]);
    expect(draftProblems({ ...draft, guardrails: [{ ...emptyGuardrail(), event: 'signup' }] })).toEqual({ 'guardrails.0.event': 'duplicate-goal' });
    expect(fieldOfPath(['guardrails', 1, 'direction'])).toBe('guardrails.1.direction');
    expect(fieldOfPath(['guardrails'])).toBe('form');
  });
});

describe('the guardrail banner', () => {
  it('names each arm and guardrail marked harmful, with its sequential interval', () => {
    const row = (goal: string, arm: string, guardrail?: { direction: 'increase' | 'decrease'; harmful: boolean }) => ({
      goal,
      arm,
      baseline: 'control',
      relative: { lift: 0.5, ci: [0.2, 0.8] as [number, number], pValue: 0.01 },
      absolute: { lift: 0.1, ci: [0.05, 0.15] as [number, number], pValue: 0.01 },
      sequential: { ci: [0.1, 0.9] as [number, number], pValue: 0.02 },
      chanceToWin: 0.99,
      ...(guardrail ? { guardrail } : {}),
    });
    const results: Pick<ExperimentResults, 'results'> = {
      results: [
        row('checkout', 'b'),
        row('refund', 'b', { direction: 'decrease', harmful: true }),
        row('refund', 'c', { direction: 'decrease', harmful: false }),
        row('engaged', 'c', { direction: 'increase', harmful: true }),
        { ...row('engaged', 'b', { direction: 'increase', harmful: true }), sequential: null },
      ],
    };
    expect(harmedGuardrails(results)).toEqual([
      { arm: 'b', goal: 'refund', direction: 'decrease', ci: [0.1, 0.9] },
      { arm: 'c', goal: 'engaged', direction: 'increase', ci: [0.1, 0.9] },
    ]);
  });
});
