/**
 * The pure stages of the delivery pipeline (server/src/delivery): the evaluation context,
 * variant selection and the response's validators, without Strapi.
 */
import type { Context } from 'koa';

import { compile, orderingSignals } from '../../engine/src';
import { evaluationContext, flagKeyOf, sampleSignals } from '../../server/src/delivery/context';
import { etagOf, sendPersonalized } from '../../server/src/delivery/respond';
import { matchVariant, selectFixed, selectVariant, type SelectionRules } from '../../server/src/delivery/select';
import type { CompiledVariant } from '../../server/src/platform/conditions';
import type { Variant } from '../../contracts/src/variants/schema';

const variant = (id: string, condition?: unknown, enabled = true): Variant => ({ id, name: id, enabled, condition, overrides: {} });

const compiled = (candidate: Variant): CompiledVariant => ({
  variant: candidate,
  evaluator: candidate.condition === undefined ? null : compile(candidate.condition as never),
});

const rules = (overrides: Partial<SelectionRules> = {}): SelectionRules & { errors: string[] } => {
  const errors: string[] = [];
  return {
    errors,
    explain: () => [{ rule: 'explained', result: true }],
    onConditionError: (failed, message) => errors.push(`${failed.variant.id}: ${message}`),
    ...overrides,
  };
};

describe('evaluation context', () => {
  it('puts the visitor id in targetingKey and <uid>:<documentId> in $flagd.flagKey', () => {
    const data = evaluationContext({ behavior: { dwellSec: 3 } }, { uid: 'api::home.home', documentId: 'abc' }, 'visitor-0000000001');
    expect(data).toEqual({
      behavior: { dwellSec: 3 },
      targetingKey: 'visitor-0000000001',
      $flagd: { flagKey: 'api::home.home:abc' },
    });
    expect(flagKeyOf({ uid: 'api::a.a', documentId: 'x' })).toBe('api::a.a:x');
  });

  it('leaves targetingKey out without a visitor, so fractional has nothing to bucket on', () => {
    expect(evaluationContext({}, { uid: 'api::a.a', documentId: 'x' }, undefined)).not.toHaveProperty('targetingKey');
  });

  it('fills the time signals a sample leaves out, and keeps those it gives', () => {
    const filled = sampleSignals({ time: { hour: 3 } }, 'UTC');
    expect(filled.time?.hour).toBe(3);
    expect(typeof filled.time?.weekday).toBe('number');
  });
});

describe('variant selection', () => {
  const program: CompiledVariant[] = [
    compiled(variant('disabled', undefined, false)),
    // A stored condition that no longer compiles (an audience it names was deleted, say).
    { variant: variant('broken', { nope: [] }), evaluator: null, compileError: 'unknown operator "nope"' },
    compiled(variant('mobile', { '==': [{ var: 'context.device' }, 'mobile'] })),
    compiled(variant('always')),
  ];

  it('takes the first enabled match, skipping disabled variants and reporting broken ones', () => {
    const selectionRules = rules();
    const selection = selectVariant(program, { context: { device: 'mobile' } }, selectionRules);
    expect(selection.variant?.id).toBe('mobile');
    expect(selection.reason).toEqual([
      { rule: 'condition-error', variant: 'broken', error: 'compile_error' },
      { rule: 'explained', result: true },
    ]);
    expect(selectionRules.errors).toEqual(['broken: unknown operator "nope"']);
  });

  it('matches a variant without a condition always, with the reason "always"', () => {
    const selection = selectVariant(program, { context: { device: 'desktop' } }, rules());
    expect(selection.variant?.id).toBe('always');
    expect(selection.reason).toEqual([
      { rule: 'condition-error', variant: 'broken', error: 'compile_error' },
      { rule: 'always', result: true },
    ]);
  });

  it('lets a selection rule pass over a match (the hook caps and experiment arms plug into), saying why', () => {
    const capped = rules({ passOver: [(candidate) => (candidate.id === 'mobile' ? { rule: 'capped', result: false } : null)] });
    const selection = selectVariant(program, { context: { device: 'mobile' } }, capped);
    expect(selection.variant?.id).toBe('always');
    expect(selection.reason).toContainEqual({ rule: 'capped', result: false });
  });

  it('returns no variant when nothing matches', () => {
    const selection = selectVariant([program[0], program[2]], { context: { device: 'desktop' } }, rules());
    expect(selection).toEqual({ variant: null, reason: [] });
  });

  it('treats a condition that throws as no match', () => {
    const throwing: CompiledVariant = {
      variant: variant('throws', {}),
      evaluator: {
        matches: () => {
          throw new Error('boom');
        },
      } as never,
    };
    expect(matchVariant(throwing, {})).toEqual({ matched: false, error: 'boom', errorCode: 'evaluation_failed' });
    const selectionRules = rules();
    expect(selectVariant([throwing], {}, selectionRules)).toEqual({
      variant: null,
      reason: [{ rule: 'condition-error', variant: 'throws', error: 'evaluation_failed' }],
    });
    expect(selectionRules.errors).toEqual(['throws: boom']);
  });

  it('a condition that runs out of its work budget is no match, with reason condition-error (limit_exceeded)', () => {
    const condition = { some: [{ var: 'xs' }, { '==': [{ var: '' }, -1] }] };
    const hungry: CompiledVariant = { variant: variant('hungry', condition), evaluator: compile(condition as never, { limits: { fuel: 100 } }) };
    const selectionRules = rules();
    const selection = selectVariant([hungry, compiled(variant('always'))], { xs: Array.from({ length: 100 }, (_, i) => i) }, selectionRules);
    expect(selection.variant?.id).toBe('always');
    expect(selection.reason[0]).toEqual({ rule: 'condition-error', variant: 'hungry', error: 'limit_exceeded' });
    expect(selectionRules.errors).toEqual([expect.stringMatching(/^hungry: Evaluation exceeded its work budget/)]);
  });

  it('serves a fixed variant only when it is enabled, unless a preview asks for a disabled one', () => {
    expect(selectFixed(program, 'mobile').variant?.id).toBe('mobile');
    expect(selectFixed(program, 'disabled')).toEqual({ variant: null, reason: [], fixedMissing: true });
    expect(selectFixed(program, 'disabled', { includeDisabled: true }).variant?.id).toBe('disabled');
    expect(selectFixed(program, 'unknown').fixedMissing).toBe(true);
  });
});

describe('variant selection: missing signals', () => {
  /** As the conditions service compiles a variant: evaluator and the signals its ordering comparisons read. */
  const withSignals = (candidate: Variant, audiences: Record<string, unknown> = {}): CompiledVariant => ({
    variant: candidate,
    evaluator: compile(candidate.condition as never, { audiences: audiences as never }),
    orderingSignals: orderingSignals(candidate.condition as never, { audiences: audiences as never }),
  });
  const quickExit = variant('v_quick_exit', {
    and: [{ '==': [{ var: 'context.device' }, 'mobile'] }, { '<': [{ var: 'behavior.dwellSec' }, 10] }],
  });
  const returning = variant('v_returning', { audience: 'returning' });
  const audiences = { returning: { '>=': [{ var: 'profile.visits' }, 3] } };
  const program = [withSignals(quickExit), withSignals(returning, audiences), compiled(variant('v_fallback'))];

  it('does not match a missing signal, and says which signal was missing for each variant passed over', () => {
    const selection = selectVariant(program, { context: { device: 'mobile' } }, rules());
    expect(selection.variant?.id).toBe('v_fallback');
    expect(selection.reason).toEqual([
      { rule: 'missing-signal', variant: 'v_quick_exit', signals: ['behavior.dwellSec'] },
      { rule: 'missing-signal', variant: 'v_returning', signals: ['profile.visits'] },
      { rule: 'always', result: true },
    ]);
  });

  it('says nothing about signals that were sent, or about a variant that matched', () => {
    const selection = selectVariant(program, { context: { device: 'mobile' }, behavior: { dwellSec: 3 } }, rules());
    expect(selection).toEqual({ variant: quickExit, reason: [{ rule: 'explained', result: true }] });
    const lingering = selectVariant(program, { context: { device: 'mobile' }, behavior: { dwellSec: 60 }, profile: { visits: 0 } }, rules());
    expect(lingering.reason).toEqual([{ rule: 'always', result: true }]);
  });

  it('reports no missing signal for a variant that was disabled or broken', () => {
    const disabled = withSignals(variant('v_off', quickExit.condition, false));
    const broken: CompiledVariant = { ...withSignals(quickExit), compileError: 'Unknown audience' };
    // the broken one is reported as such, not as missing signals
    expect(selectVariant([disabled, broken], {}, rules()).reason).toEqual([{ rule: 'condition-error', variant: 'v_quick_exit', error: 'compile_error' }]);
  });
});

describe('response', () => {
  const fakeContext = (ifNoneMatch = '') => {
    const headers: Record<string, string> = {};
    const vary: string[] = [];
    const ctx = {
      status: 404,
      body: undefined as unknown,
      type: '',
      set: (name: string, value: string) => {
        headers[name.toLowerCase()] = value;
      },
      get: (name: string) => (name.toLowerCase() === 'if-none-match' ? ifNoneMatch : ''),
      vary: (fields: string[]) => vary.push(...fields),
    };
    return { ctx: ctx as unknown as Context & typeof ctx, headers, vary };
  };

  it('has an ETag that changes with the data and with the variant', () => {
    expect(etagOf('{"a":1}', 'v1')).toBe(etagOf('{"a":1}', 'v1'));
    expect(etagOf('{"a":1}', 'v1')).not.toBe(etagOf('{"a":1}', 'v2'));
    expect(etagOf('{"a":1}', 'v1')).not.toBe(etagOf('{"a":2}', 'v1'));
    expect(etagOf('x', '')).toMatch(/^"[A-Za-z0-9_-]+"$/);
  });

  it('writes the body from the cached JSON, with ETag, Cache-Control and Vary on the personalize headers', () => {
    const { ctx, headers, vary } = fakeContext();
    sendPersonalized(ctx, { data: '{"title":"T"}', etag: '"e1"' }, { cacheControl: 'private, no-cache', meta: { personalize: { variant: null } } });
    expect(ctx.status).toBe(200);
    expect(JSON.parse(ctx.body as string)).toEqual({ data: { title: 'T' }, meta: { personalize: { variant: null } } });
    expect(headers).toMatchObject({ etag: '"e1"', 'cache-control': 'private, no-cache' });
    expect(vary).toEqual(['x-personalize-signals', 'x-personalize-variant', 'x-personalize-visitor']);
  });

  it.each(['"e1"', 'W/"e1"', '"other", "e1"', '*'])('answers 304 to If-None-Match %s', (ifNoneMatch) => {
    const { ctx } = fakeContext(ifNoneMatch);
    sendPersonalized(ctx, { data: '{}', etag: '"e1"' }, { cacheControl: 'x', meta: {} });
    expect(ctx.status).toBe(304);
    expect(ctx.body).toBeNull();
  });

  it('answers 200 to an If-None-Match that does not match', () => {
    const { ctx } = fakeContext('"e2"');
    sendPersonalized(ctx, { data: '{}', etag: '"e1"' }, { cacheControl: 'x', meta: {} });
    expect(ctx.status).toBe(200);
  });
});
