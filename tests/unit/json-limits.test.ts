/**
 * The iterative JSON walks (issue 16, finding 5): depth and size without recursion, and the cache
 * key's stable JSON, on inputs far deeper than the call stack allows.
 */
import fc from 'fast-check';

import { evaluateBodySchema } from '../../contracts/src/admin/evaluate';
import { audienceInputSchema } from '../../contracts/src/admin/audience';
import { JSON_DEPTH_LIMITS, jsonValueSchema, measureJson } from '../../contracts/src/json';
import { resolveBodySchema } from '../../contracts/src/delivery';
import { variantsValueSchema } from '../../contracts/src/variants/schema';
import { assertSignalsSize, decodeSignals } from '../../server/src/signals/decode';
import { stableJson } from '../../server/src/utils/stable-json';
import { readEventsBody } from '../../server/src/visitors/body';

/** `depth` levels of arrays, built without recursion. */
const deepArray = (depth: number, leaf: unknown = true): unknown => {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = [value];
  return value;
};
const deepObject = (depth: number, key = 'a', leaf: unknown = true): unknown => {
  let value = leaf;
  for (let level = 0; level < depth; level += 1) value = { [key]: value };
  return value;
};

/** The former recursive stableJson: the iterative one must write exactly the same text. */
const recursiveStableJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(recursiveStableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${recursiveStableJson(item)}`).join(',')}}`;
};

describe('measureJson', () => {
  it('measures exactly what JSON.stringify writes, in UTF-8 bytes (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.string({ unit: 'binary' }), (value, text) => {
        for (const candidate of [value, text, { [text]: [value, text] }]) {
          const measured = measureJson(candidate, 64);
          expect(measured).toEqual({ ok: true, bytes: Buffer.byteLength(JSON.stringify(candidate)) });
        }
      }),
      { numRuns: 300 }
    );
  });

  it.each([5000, 100_000, 1_000_000])('refuses %i levels at the limit, with the path, without overflowing', (depth) => {
    expect(measureJson(deepArray(depth), 32)).toEqual({
      ok: false,
      kind: 'depth',
      path: Array.from({ length: 32 }, () => 0),
      message: 'nested deeper than 32 levels',
    });
    const object = measureJson({ signals: deepObject(depth) }, 32);
    expect(object).toMatchObject({ ok: false, kind: 'depth', message: 'nested deeper than 32 levels' });
    expect(object.ok === false && object.path).toEqual(['signals', ...Array.from({ length: 31 }, () => 'a')]);
  });

  it('counts levels of arrays and objects: the limit itself is allowed', () => {
    expect(measureJson(deepArray(32), 32).ok).toBe(true);
    expect(measureJson(deepArray(33), 32).ok).toBe(false);
    expect(measureJson('text', 0).ok).toBe(true);
    expect(measureJson([], 0).ok).toBe(false);
  });

  it('refuses what is not JSON, with its path', () => {
    expect(measureJson({ a: [1, Number.NaN] }, 8)).toMatchObject({ ok: false, kind: 'type', path: ['a', 1] });
    expect(measureJson({ a: undefined }, 8)).toMatchObject({ ok: false, kind: 'type', path: ['a'] });
    expect(measureJson({ when: new Date() }, 8)).toMatchObject({ ok: false, kind: 'type', path: ['when'] });
    expect(measureJson(() => 1, 8)).toMatchObject({ ok: false, kind: 'type', path: [] });
  });
});

describe('stableJson', () => {
  it('writes what the recursive version wrote (property)', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 5, withObjectString: false, withBigInt: false, withMap: false, withSet: false }), (value) => {
        expect(stableJson(value)).toBe(recursiveStableJson(value));
      }),
      { numRuns: 300 }
    );
    expect(stableJson({ b: [1, undefined, { d: 1, c: undefined }], a: 'x' })).toBe('{"a":"x","b":[1,null,{"d":1}]}');
  });

  it('does not overflow the stack, however deep', () => {
    const depth = 200_000;
    expect(stableJson(deepArray(depth, 1))).toBe(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
    expect(stableJson(deepObject(depth, 'a', 1))).toHaveLength(depth * 6 + 1);
  });
});

describe('schemas that take any JSON', () => {
  it.each([257, 5000, 100_000])('refuse a condition %i levels deep with a zod issue at its path', (depth) => {
    const evaluate = evaluateBodySchema.safeParse({ condition: deepObject(depth, '!') });
    expect(evaluate.success).toBe(false);
    const [issue] = evaluate.error!.issues;
    expect(issue.message).toBe(`nested deeper than ${JSON_DEPTH_LIMITS.any} levels`);
    expect(issue.path).toEqual(['condition', ...Array.from({ length: JSON_DEPTH_LIMITS.any }, () => '!')]);

    expect(audienceInputSchema.safeParse({ name: 'Deep', key: 'deep', condition: deepArray(depth) }).success).toBe(false);
    const variants = variantsValueSchema.safeParse({ variants: [{ id: 'a', name: 'A', condition: deepArray(depth) }] });
    expect(variants.error?.issues[0].path.slice(0, 3)).toEqual(['variants', 0, 'condition']);
  });

  it('still take JSON up to the ceiling, and nothing else', () => {
    expect(jsonValueSchema.safeParse(deepArray(JSON_DEPTH_LIMITS.any)).success).toBe(true);
    expect(jsonValueSchema.safeParse({ and: [{ '==': [{ var: 'context.device' }, 'mobile'] }] }).success).toBe(true);
    expect(jsonValueSchema.safeParse(undefined).success).toBe(false);
    expect(jsonValueSchema.safeParse({ a: Number.POSITIVE_INFINITY }).success).toBe(false);
    expect(audienceInputSchema.safeParse({ name: 'No condition', key: 'none' }).success).toBe(false);
  });

  it('resolve body: populate is shaped by Strapi, its depth by the route (not by zod recursion)', () => {
    expect(resolveBodySchema.safeParse({ uid: 'api::article.article', populate: deepObject(5000) }).success).toBe(true);
  });
});

describe('signals', () => {
  it.each([33, 5000, 100_000])('assertSignalsSize: %i levels are a 400 naming the path and the limit', (depth) => {
    expect(() => assertSignalsSize({ custom: { x: deepArray(depth) } }, 16384)).toThrow(
      expect.objectContaining({ name: 'ValidationError', message: expect.stringMatching(/^Invalid signals at signals\.custom\.x\.0.*: nested deeper than 32 levels$/) })
    );
  });

  it('assertSignalsSize: still a 413 over the size limit, with the exact size', () => {
    const signals = { custom: { note: 'é'.repeat(9000) } };
    expect(() => assertSignalsSize(signals, 16384)).toThrow(
      expect.objectContaining({ name: 'PayloadTooLargeError', message: `Signals are ${Buffer.byteLength(JSON.stringify(signals))} bytes; the limit is 16384 (limits.signalsBytes)` })
    );
    expect(() => assertSignalsSize({ custom: { note: 'é'.repeat(8000) } }, 16384)).not.toThrow();
  });

  it('decodeSignals: deep JSON once decoded is a 400', () => {
    const encoded = Buffer.from(JSON.stringify({ custom: { x: deepArray(2000) } })).toString('base64url');
    expect(() => decodeSignals(encoded, 16384)).toThrow(expect.objectContaining({ name: 'ValidationError', message: expect.stringMatching(/nested deeper than 32 levels/) }));
  });
});

describe('events body', () => {
  /** What readEventsBody reads of a request strapi::body parsed (without includeUnparsed), sent chunked. */
  const parsedChunked = (body: unknown) =>
    ({ get: () => '', request: { body } }) as unknown as Parameters<typeof readEventsBody>[0];

  it('measures a parsed body sent without a Content-Length without JSON.stringify (no overflow)', async () => {
    await expect(readEventsBody(parsedChunked({ visitorId: 'v', extra: deepArray(100_000) }), 65536)).rejects.toMatchObject({
      name: 'PayloadTooLargeError',
    });
    const small = { visitorId: 'v', extra: deepArray(5000) };
    await expect(readEventsBody(parsedChunked(small), 65536)).resolves.toBe(small);
  });
});
