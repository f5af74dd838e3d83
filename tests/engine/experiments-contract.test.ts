/**
 * The experiment contract (contracts/src/experiments.ts): docs/design.md, "Experiments" shape, issue paths for
 * 400s, and the server helper unknownArmVariants.
 */
import {
  experimentInputSchema,
  experimentUpdateSchema,
  unknownArmVariants,
  type ExperimentInput,
  type ExperimentResultsResponse,
} from '../../contracts/src/experiments';
import { EVENT_LIMITS, visitorEventSchema } from '../../contracts/src/events';
import { formatZodIssues } from '../../contracts/src/zod-issues';

const valid = (): ExperimentInput => ({
  key: 'hero-test',
  name: 'Hero test',
  arms: [
    { key: 'control', weight: 0.5 },
    { key: 'b', weight: 0.5 },
  ],
  goal: { event: 'signup', kind: 'conversion' },
});

/** The issues of a failed parse, as the 400's `details.errors`. */
const issues = (body: unknown, schema: typeof experimentInputSchema | typeof experimentUpdateSchema = experimentInputSchema) => {
  const result = schema.safeParse(body);
  if (result.success) throw new Error(`expected a failure, got ${JSON.stringify(result.data)}`);
  return formatZodIssues(result.error.issues).map(({ path, message }) => ({ path, message }));
};
const paths = (body: unknown, schema?: typeof experimentInputSchema | typeof experimentUpdateSchema) =>
  issues(body, schema).map((issue) => issue.path);

describe('experimentInputSchema', () => {
  it('accepts the smallest experiment and fills the defaults', () => {
    expect(experimentInputSchema.parse(valid())).toEqual({
      key: 'hero-test',
      name: 'Hero test',
      status: 'draft',
      mode: 'ab',
      traffic: 1,
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'b', weight: 0.5, variants: [] },
      ],
      goal: { event: 'signup', kind: 'conversion', windowHours: 72 },
    });
  });

  it('accepts the whole shape of docs/design.md', () => {
    const body = {
      key: 'pricing_2026-q1',
      name: 'Pricing page',
      hypothesis: 'A shorter hero converts better',
      status: 'running',
      mode: 'bandit',
      target: { uid: 'api::page.page', documentId: 'abc123', locale: 'en' },
      arms: [
        { key: 'control', name: 'Published', weight: 0.2, variants: [] },
        { key: 'short', weight: 0.3, variants: ['v_short'] },
        { key: 'short-or-quick', weight: 0.5, variants: ['v_short', 'v_quick_exit'] },
      ],
      traffic: 0.5,
      condition: { and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { audience: 'returning' }] },
      goal: { event: 'checkout:completed', kind: 'mean', windowHours: 168 },
      secondary: [{ event: 'signup', kind: 'conversion', windowHours: 72 }],
      bandit: { cadenceMinutes: 60, burnInMinutes: 120, minUnitsPerArm: 200, minWeight: 0.05 },
    };
    expect(experimentInputSchema.parse(body)).toEqual(body);
  });

  it('a mean goal may have a cap (primary and secondary)', () => {
    const body = {
      ...valid(),
      goal: { event: 'revenue', kind: 'mean' as const, cap: 500 },
      secondary: [{ event: 'basket', kind: 'mean' as const, windowHours: 24, cap: 0.5 }],
    };
    expect(experimentInputSchema.parse(body)).toMatchObject({
      goal: { event: 'revenue', kind: 'mean', windowHours: 72, cap: 500 },
      secondary: [{ event: 'basket', kind: 'mean', windowHours: 24, cap: 0.5 }],
    });
  });

  it('weights summing to 1 within 1e-9 pass (0.1 + 0.2 + 0.7 is 0.9999999999999999)', () => {
    const body = {
      ...valid(),
      arms: [
        { key: 'a', weight: 0.1 },
        { key: 'b', weight: 0.2 },
        { key: 'c', weight: 0.7 },
      ],
    };
    expect(experimentInputSchema.safeParse(body).success).toBe(true);
  });

  it.each([
    ['key', { key: 'Hero Test' }, [['key']]],
    ['key too long', { key: 'a'.repeat(65) }, [['key']]],
    ['empty name', { name: '  ' }, [['name']]],
    ['status', { status: 'archived' }, [['status']]],
    ['mode', { mode: 'mab' }, [['mode']]],
    ['traffic above 1', { traffic: 1.5 }, [['traffic']]],
    ['negative traffic', { traffic: -0.1 }, [['traffic']]],
    ['goal event', { goal: { event: '1signup', kind: 'conversion' } }, [['goal', 'event']]],
    ['goal kind', { goal: { event: 'signup', kind: 'revenue' } }, [['goal', 'kind']]],
    ['goal window', { goal: { event: 'signup', kind: 'conversion', windowHours: 0 } }, [['goal', 'windowHours']]],
    ['goal window not whole', { goal: { event: 'signup', kind: 'conversion', windowHours: 1.5 } }, [['goal', 'windowHours']]],
    ['target uid', { target: { uid: 'article', documentId: 'x' } }, [['target', 'uid']]],
    ['unknown field', { owner: 'me' }, [[]]],
    ['bandit cadence under 15 minutes', { bandit: { cadenceMinutes: 10 } }, [['bandit', 'cadenceMinutes']]],
    ['one arm', { arms: [{ key: 'a', weight: 1 }] }, [['arms']]],
    ['a cap on a conversion goal', { goal: { event: 'signup', kind: 'conversion', cap: 10 } }, [['goal', 'cap']]],
    [
      'a cap on a secondary conversion goal',
      { secondary: [{ event: 'buy', kind: 'conversion', cap: 10 }] },
      [['secondary', 0, 'cap']],
    ],
    ['a cap of 0', { goal: { event: 'signup', kind: 'mean', cap: 0 } }, [['goal', 'cap']]],
    ['a negative cap', { goal: { event: 'signup', kind: 'mean', cap: -5 } }, [['goal', 'cap']]],
    ['a cap over 1e12', { goal: { event: 'signup', kind: 'mean', cap: 2e12 } }, [['goal', 'cap']]],
    ['a cap that is not a number', { goal: { event: 'signup', kind: 'mean', cap: '100' } }, [['goal', 'cap']]],
  ])('%s → 400 at its path', (_name, change, expected) => {
    expect(paths({ ...valid(), ...change })).toEqual(expected);
  });

  it('weights that do not sum to 1 → an issue at arms', () => {
    expect(
      issues({
        ...valid(),
        arms: [
          { key: 'a', weight: 0.5 },
          { key: 'b', weight: 0.4 },
        ],
      })
    ).toEqual([{ path: ['arms'], message: "the arms' weights must sum to 1 (they sum to 0.9)" }]);
    expect(
      paths({
        ...valid(),
        arms: [
          { key: 'a', weight: 0.5 },
          { key: 'b', weight: 0.5 + 1e-8 },
        ],
      })
    ).toEqual([['arms']]);
  });

  it('a weight outside 0..1 and a bad arm key are reported on the arm', () => {
    expect(
      paths({
        ...valid(),
        arms: [
          { key: 'A', weight: 1.5 },
          { key: 'b', weight: -0.5 },
        ],
      })
    ).toEqual([
      ['arms', 0, 'key'],
      ['arms', 0, 'weight'],
      ['arms', 1, 'weight'],
    ]);
  });

  it('duplicate arm keys → an issue at the second', () => {
    expect(
      issues({
        ...valid(),
        arms: [
          { key: 'a', weight: 0.25 },
          { key: 'b', weight: 0.25 },
          { key: 'a', weight: 0.5 },
        ],
      })
    ).toEqual([{ path: ['arms', 2, 'key'], message: 'duplicate arm key "a"' }]);
  });

  it('variants need a target; a variant listed twice in an arm is reported', () => {
    const arms = [
      { key: 'control', weight: 0.5, variants: [] },
      { key: 'b', weight: 0.5, variants: ['v1', 'v1'] },
    ];
    expect(paths({ ...valid(), arms })).toEqual([
      ['arms', 1, 'variants', 1],
      ['arms', 1, 'variants'],
    ]);
    expect(paths({ ...valid(), arms, target: { uid: 'api::page.page', documentId: 'd1' } })).toEqual([
      ['arms', 1, 'variants', 1],
    ]);
    expect(
      paths({
        ...valid(),
        arms: [arms[0], { ...arms[1], variants: ['Not An Id'] }],
        target: { uid: 'api::page.page', documentId: 'd1' },
      })
    ).toEqual([['arms', 1, 'variants', 0]]);
  });

  it('bandit.minWeight must leave room: K·f < 1', () => {
    const arms = [0, 1, 2, 3].map((index) => ({ key: `a${index}`, weight: 0.25 }));
    expect(issues({ ...valid(), arms, bandit: { minWeight: 0.25 } })).toEqual([
      { path: ['bandit', 'minWeight'], message: 'must be below 1/4 with 4 arms (every arm gets at least this weight)' },
    ]);
    expect(experimentInputSchema.safeParse({ ...valid(), arms, bandit: { minWeight: 0.2 } }).success).toBe(true);
  });

  it('a secondary goal may not repeat an event', () => {
    expect(
      paths({
        ...valid(),
        secondary: [
          { event: 'signup', kind: 'mean' },
          { event: 'buy', kind: 'conversion' },
          { event: 'buy', kind: 'mean' },
        ],
      })
    ).toEqual([
      ['secondary', 0, 'event'],
      ['secondary', 2, 'event'],
    ]);
  });

  it('condition is any JSON (the server compiles it); null and absent mean none', () => {
    expect(experimentInputSchema.safeParse({ ...valid(), condition: null }).success).toBe(true);
    expect(experimentInputSchema.safeParse({ ...valid(), condition: { '>=': [{ var: 'profile.visits' }, 3] } }).success).toBe(
      true
    );
  });
});

describe('experimentUpdateSchema', () => {
  it('takes any of the fields and adds no defaults', () => {
    expect(experimentUpdateSchema.parse({ name: 'Renamed' })).toEqual({ name: 'Renamed' });
    expect(experimentUpdateSchema.parse({ traffic: 0.3 })).toEqual({ traffic: 0.3 });
  });

  it('checks the arms it is sent', () => {
    expect(
      paths(
        {
          arms: [
            { key: 'a', weight: 0.3 },
            { key: 'a', weight: 0.3 },
          ],
        },
        experimentUpdateSchema
      )
    ).toEqual([['arms'], ['arms', 1, 'key']]);
    // variants without knowing the stored target: the server checks the merged experiment
    expect(
      experimentUpdateSchema.safeParse({
        arms: [
          { key: 'a', weight: 0.5, variants: ['v1'] },
          { key: 'b', weight: 0.5 },
        ],
      }).success
    ).toBe(true);
    expect(
      paths(
        {
          target: null,
          arms: [
            { key: 'a', weight: 0.5, variants: ['v1'] },
            { key: 'b', weight: 0.5 },
          ],
        },
        experimentUpdateSchema
      )
    ).toEqual([['arms', 0, 'variants']]);
  });
});

describe('track event values', () => {
  const track = (value: unknown) => ({ id: 'evt_0123456789abcdef', ts: 1, type: 'track', name: 'revenue', value });

  it('accepts values within ±1e9', () => {
    expect(EVENT_LIMITS.maxValue).toBe(1e9);
    for (const value of [0, -12.5, 1e9, -1e9]) expect(visitorEventSchema.safeParse(track(value)).success).toBe(true);
  });

  it.each([1e9 + 1, -1e9 - 1, 1e308, -1e308, Infinity, Number.NaN, '12', null])('refuses %p at value', (value) => {
    const result = visitorEventSchema.safeParse(track(value));
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0].path).toEqual(['value']);
  });
});

describe('unknownArmVariants', () => {
  it("lists the arms' variants the target entry does not have, with their paths", () => {
    const experiment = {
      arms: [
        { key: 'control', variants: [] },
        { key: 'b', variants: ['v1', 'gone'] },
        { key: 'c', variants: ['v2', 'v1', 'missing'] },
      ],
    };
    expect(unknownArmVariants(experiment, ['v1', 'v2'])).toEqual([
      { path: ['arms', 1, 'variants', 1], arm: 'b', variant: 'gone' },
      { path: ['arms', 2, 'variants', 2], arm: 'c', variant: 'missing' },
    ]);
    expect(unknownArmVariants(experiment, new Set(['v1', 'v2', 'gone', 'missing']))).toEqual([]);
    expect(unknownArmVariants({ arms: [{ key: 'a' }] }, [])).toEqual([]);
  });
});

describe('results response type', () => {
  it('matches the example of docs/design.md', () => {
    const response: ExperimentResultsResponse = {
      data: {
        key: 'hero-test',
        status: 'running',
        mode: 'bandit',
        alpha: 0.05,
        sequentialNStar: 5000,
        updatedAt: '2026-01-02T00:00:00.000Z',
        srm: { pValue: 0.42, ok: true },
        arms: [{ key: 'control', weight: 0.5, units: 100, conversions: 7, sum: 7, sumSquares: 7, mean: 0.07 }],
        goals: [{ goal: 'signup', kind: 'conversion', arms: [{ key: 'control', conversions: 7, sum: 7, sumSquares: 7, mean: 0.07 }] }],
        results: [
          {
            goal: 'signup',
            arm: 'b',
            baseline: 'control',
            relative: { lift: 0.1, ci: [-0.05, 0.25], pValue: 0.2 },
            absolute: { lift: 0.007, ci: [-0.003, 0.017], pValue: 0.2 },
            sequential: { ci: [-0.1, 0.3], pValue: 0.5 },
            chanceToWin: 0.9,
          },
        ],
        bandit: {
          weights: [0.4, 0.6],
          pBest: [0.3, 0.7],
          history: [{ at: '2026-01-02T00:00:00.000Z', weights: [0.4, 0.6], pBest: [0.3, 0.7] }],
          nextUpdateAt: null,
        },
        daily: [{ date: '2026-01-01', arms: [{ key: 'control', units: 100, conversions: 7 }] }],
      },
    };
    expect(response.data.results[0].chanceToWin).toBe(0.9);
  });
});
