/**
 * flagd custom operations, ported from open-feature/flagd (core/pkg/evaluator/*_test.go) and the
 * flagd-testbed evaluator suite (evaluator/gherkin/{fractional,string}.feature with
 * evaluator/flags/testkit-flags.json), v2 ("high-precision") fractional bucketing. sem_ver: semver.test.ts.
 */
import fc from 'fast-check';
import jsonLogic from 'json-logic-js';
import { murmur3, murmur3String, type Rule } from '../../engine/src';
import { bucketOf, fractional } from '../../engine/src/operators/fractional';
import { murmur3Joined, utf8Bytes } from '../../engine/src/murmur3';
import { BACKENDS, engineFor } from './backends';

describe.each(BACKENDS)('%s backend', (backend) => {
  const { evaluate } = engineFor(backend);

  /** flagd's targeting `{"if": [cond, "a", "b"]}` picks a variant; we look at the operator's value directly. */
  const run = (rule: unknown, data: unknown = {}) => evaluate(rule as Rule, data);

  describe('murmur3 x86_32', () => {
    // Reference vectors (SMHasher's verification inputs and the widely used seed 0x9747b28c table).
    const bytes: [number[], number, number][] = [
      [[], 0, 0],
      [[], 1, 0x514e28b7],
      [[], 0xffffffff, 0x81f16f39],
      [[0xff, 0xff, 0xff, 0xff], 0, 0x76293b50],
      [[0x21, 0x43, 0x65, 0x87], 0, 0xf55b516b],
      [[0x21, 0x43, 0x65, 0x87], 0x5082edee, 0x2362f9de],
      [[0x21, 0x43, 0x65], 0, 0x7e4a8634],
      [[0x21, 0x43], 0, 0xa0f7b07a],
      [[0x21], 0, 0x72661cf4],
      [[0, 0, 0, 0], 0, 0x2362f9de],
      [[0, 0, 0], 0, 0x85f0b427],
      [[0, 0], 0, 0x30f4c306],
      [[0], 0, 0x514e28b7],
    ];
    it.each(bytes)('bytes %j seed %i', (input, seed, expected) => {
      expect(murmur3(input, seed)).toBe(expected);
    });

    const strings: [string, number][] = [
      ['a', 0x7fa09ea6],
      ['aa', 0x5d211726],
      ['aaa', 0x283e0130],
      ['aaaa', 0x5a97808a],
      ['ab', 0x74875592],
      ['abc', 0xc84a62dd],
      ['abcd', 0xf0478627],
      ['Hello, world!', 0x24884cba],
      ['ππππππππ', 0xd58063c1],
      ['a'.repeat(256), 0x37405bdc],
      ['The quick brown fox jumps over the lazy dog', 0x2fa826cd],
    ];
    it.each(strings)('string %j with seed 0x9747b28c (UTF-8)', (input, expected) => {
      expect(murmur3String(input, 0x9747b28c)).toBe(expected);
    });

    it('hashes strings as UTF-8, like Go and TextEncoder (lone surrogates become U+FFFD)', () => {
      const samples = ['', 'abc', 'é', '€', '😀', 'a\ud800b', '\udc00', 'ππ😀x'];
      for (const text of samples) {
        expect(Array.from(utf8Bytes(text))).toEqual(Array.from(new TextEncoder().encode(text)));
      }
    });

    it('the flagd-testbed edge keys hash to the critical boundary values', () => {
      // "keys chosen by brute-force search so their MurmurHash3-x86-32 (seed=0) falls at the boundary values"
      expect(murmur3String('ejOoVL')).toBe(0);
      expect(murmur3String('bY9fO-')).toBe(1);
      expect(murmur3String('SI7p-')).toBe(2147483647);
      expect(murmur3String('6LvT0')).toBe(2147483648);
      expect(murmur3String('ceQdGm')).toBe(4294967295);
    });
  });

  describe('v2 bucket arithmetic: (hash × totalWeight) >> 32', () => {
    const hashes = [0, 1, 2, 65535, 65536, 2147483647, 2147483648, 4294967294, 4294967295, 123456789, 3735928559];
    const totals = [1, 2, 3, 7, 100, 1000, 65536, 65537, 1000003, 2147483646, 2147483647];
    it('is exact for every 32-bit hash and total weight up to MaxInt32 (checked with BigInt)', () => {
      for (const hash of hashes) {
        for (const total of totals) {
          const expected = Number((BigInt(hash) * BigInt(total)) >> 32n);
          expect(bucketOf(hash, total)).toBe(expected);
          expect(bucketOf(hash, total)).toBeLessThan(total);
        }
      }
    });
    it('testbed: jon@company.com falls in bucket 36 of 100, user1 in 76', () => {
      expect(bucketOf(murmur3String('jon@company.com'), 100)).toBe(36);
      expect(bucketOf(murmur3String('user1'), 100)).toBe(76);
    });
  });

  /** Independent BigInt reference of flagd's distributeValue, for cross-checks. */
  function referenceVariant(bucketBy: string, buckets: [string, number][]): string {
    const total = buckets.reduce((sum, [, w]) => sum + w, 0);
    const bucket = (BigInt(murmur3String(bucketBy)) * BigInt(total)) >> 32n;
    let end = 0n;
    for (const [variant, weight] of buckets) {
      end += BigInt(weight);
      if (bucket < end) return variant;
    }
    return '';
  }

  describe('fractional — flagd-testbed v2 scenarios', () => {
    const cards = [['clubs', 25], ['diamonds', 25], ['hearts', 25], ['spades', 25]];

    // "fractional-flag": {"cat": [{"var": "$flagd.flagKey"}, {"var": "user.name"}]}
    const fractionalFlag = { fractional: [{ cat: [{ var: '$flagd.flagKey' }, { var: 'user.name' }] }, ...cards] };
    it.each([
      ['jack', 'hearts'],
      ['queen', 'spades'],
      ['ten', 'clubs'],
      ['nine', 'diamonds'],
      ['3', 'clubs'],
    ])('fractional-flag, user.name=%s → %s', (name, expected) => {
      expect(run(fractionalFlag, { $flagd: { flagKey: 'fractional-flag' }, user: { name } })).toBe(expected);
    });

    // "fractional-flag-A-shared-seed" and "-B-": {"cat": ["shared-seed", {"var": "user.name"}]}
    const sharedSeed = { fractional: [{ cat: ['shared-seed', { var: 'user.name' }] }, ...cards] };
    it.each([
      ['seven', 'hearts'],
      ['eight', 'diamonds'],
      ['nine', 'clubs'],
      ['two', 'spades'],
    ])('shared seed, user.name=%s → %s (same for flag A and B)', (name, expected) => {
      expect(run(sharedSeed, { $flagd: { flagKey: 'fractional-flag-A-shared-seed' }, user: { name } })).toBe(expected);
      expect(run(sharedSeed, { $flagd: { flagKey: 'fractional-flag-B-shared-seed' }, user: { name } })).toBe(expected);
    });

    // "fractional-flag-shorthand": no bucketing expression, ["heads"] has the default weight 1.
    const shorthand = { fractional: [['heads'], ['tails', 1]] };
    it.each([
      ['jon@company.com', 'heads'],
      ['jane@company.com', 'tails'],
    ])('shorthand: targetingKey %s → %s (bucketing value = flagKey + targetingKey)', (targetingKey, expected) => {
      expect(run(shorthand, { targetingKey, $flagd: { flagKey: 'fractional-flag-shorthand' } })).toBe(expected);
    });

    // "fractional-hash-edge-flag"
    it.each([
      ['ejOoVL', 'lower'],
      ['bY9fO-', 'lower'],
      ['SI7p-', 'lower'],
      ['6LvT0', 'upper'],
      ['ceQdGm', 'upper'],
    ])('hash edge key %s → %s', (targetingKey, expected) => {
      expect(run({ fractional: [{ var: 'targetingKey' }, ['lower', 50], ['upper', 50]] }, { targetingKey })).toBe(expected);
    });

    // "fractional-nested-if-flag", "-var-", "-weight-"
    it.each([
      ['jon@company.com', 'premium', 'premium'],
      ['jon@company.com', 'basic', 'standard'],
      ['user1', 'premium', 'standard'],
      ['user1', 'basic', 'standard'],
    ])('nested if as variant: %s / %s → %s', (targetingKey, tier, expected) => {
      const rule = {
        fractional: [{ var: 'targetingKey' }, [{ if: [{ '==': [{ var: 'tier' }, 'premium'] }, 'premium', 'standard'] }, 50], ['standard', 50]],
      };
      expect(run(rule, { targetingKey, tier })).toBe(expected);
    });

    it.each([
      ['jon@company.com', 'red', 'red'],
      ['jon@company.com', 'green', 'green'],
      ['user1', 'red', 'blue'],
      ['jon@company.com', '', ''],
    ])('nested var as variant: %s / color %j → %j', (targetingKey, color, expected) => {
      const rule = { fractional: [{ var: 'targetingKey' }, [{ var: 'color' }, 50], ['blue', 50]] };
      expect(run(rule, { targetingKey, color })).toBe(expected);
    });

    it.each([
      ['jon@company.com', 'premium', 'red'],
      ['jon@company.com', 'basic', 'blue'],
      ['user1', 'premium', 'red'],
      ['user1', 'basic', 'blue'],
    ])('nested if as weight: %s / %s → %s', (targetingKey, tier, expected) => {
      const rule = { fractional: [{ var: 'targetingKey' }, ['red', { if: [{ '==': [{ var: 'tier' }, 'premium'] }, 100, 0] }], ['blue', 10]] };
      expect(run(rule, { targetingKey, tier })).toBe(expected);
    });

    it('fractional as a condition: boolean variants', () => {
      const data = { targetingKey: 'some-targeting-key', $flagd: { flagKey: 'fractional-as-condition-flag' } };
      expect(run({ if: [{ fractional: [[false, 0], [true, 100]] }, 'big', 'small'] }, data)).toBe('big');
      expect(run({ if: [{ fractional: [[false, 100], [true, 0]] }, 'big', 'small'] }, data)).toBe('small');
    });

    it('a single entry always resolves to it', () => {
      expect(run({ fractional: [['single', 1]] }, { targetingKey: 'anyone' })).toBe('single');
    });

    it('missing bucket key and no targetingKey → null (falls back to the default)', () => {
      // "fractional-null-bucket-key-flag"
      expect(run({ fractional: [{ var: 'missing_key' }, ['one', 50], ['two', 50]] }, {})).toBeNull();
      expect(run({ if: [{ fractional: [{ var: 'missing_key' }, ['one', 50], ['two', 50]] }, 'true', 'false'] }, {})).toBe('false');
    });

    it('negative weights count as 0 ("fractional-negative-weight-flag")', () => {
      for (const targetingKey of ['a', 'b', 'c', 'jon@company.com', 'user1']) {
        expect(run({ fractional: [{ var: 'targetingKey' }, ['one', -50], ['two', 100]] }, { targetingKey })).toBe('two');
      }
    });

    it('all weights zero → "" ("fractional-zero-weights-flag"; flagd returns the empty string)', () => {
      expect(run({ fractional: [{ var: 'targetingKey' }, ['one', 0], ['two', 0]] }, { targetingKey: 'x' })).toBe('');
    });
  });

  describe('fractional — flagd fractional_test.go scenarios (with v2 expectations)', () => {
    const colors: [string, number][] = [['red', 25], ['blue', 25], ['green', 25], ['yellow', 25]];
    const rule = (first: unknown, buckets: unknown[] = colors) => ({ fractional: [first, ...buckets] });

    it.each(['rachel@faas.com', 'monica@faas.com', 'joey@faas.com', 'ross@faas.com'])(
      'bucketing by {"cat": [$flagd.flagKey, email]} for %s matches the BigInt reference',
      (email) => {
        const data = { email, $flagd: { flagKey: 'headerColor' } };
        const value = run(rule({ cat: [{ var: '$flagd.flagKey' }, { var: 'email' }] }), data);
        expect(value).toBe(referenceVariant('headerColor' + email, colors));
      },
    );

    it('a custom seed changes the assignment deterministically', () => {
      for (const email of ['rachel@faas.com', 'monica@faas.com', 'joey@faas.com', 'ross@faas.com']) {
        const value = run(rule({ cat: ['my-seed', { var: 'email' }] }), { email });
        expect(value).toBe(referenceVariant('my-seed' + email, colors));
        expect(run(rule({ cat: ['my-seed', { var: 'email' }] }), { email })).toBe(value); // sticky
      }
    });

    it('"non even split" and non-percentage weights', () => {
      const buckets: [string, number][] = [['red', 50], ['blue', 25], ['green', 25]];
      expect(run(rule('test4@faas.com', buckets))).toBe(referenceVariant('test4@faas.com', buckets));
      expect(run(rule({ var: 'email' }, [['red', 25], ['blue', 25]]), { email: 'foo@foo.com' })).toBe(
        referenceVariant('foo@foo.com', [['red', 25], ['blue', 25]]),
      );
    });

    it('"non-specified weight values" default to 1', () => {
      expect(run(rule({ var: 'email' }, [['red'], ['blue']]), { email: 'foo@foo.com' })).toBe(
        referenceVariant('foo@foo.com', [['red', 1], ['blue', 1]]),
      );
      // an explicit null weight is also 1
      expect(run(rule({ var: 'email' }, [['red', null], ['blue']]), { email: 'foo@foo.com' })).toBe(
        referenceVariant('foo@foo.com', [['red', 1], ['blue', 1]]),
      );
    });

    it('"fallback to default variant if no email provided": null', () => {
      expect(run(rule({ var: 'email' }), {})).toBeNull();
    });

    it('"default to targetingKey if no bucket key provided"', () => {
      const buckets: [string, number][] = [['blue', 50], ['green', 50]];
      const data = { targetingKey: 'foo@foo.com', $flagd: { flagKey: 'headerColor' } };
      expect(run({ fractional: buckets }, data)).toBe(referenceVariant('headerColorfoo@foo.com', buckets));
      // without $flagd the flag key part is empty
      expect(run({ fractional: buckets }, { targetingKey: 'foo@foo.com' })).toBe(referenceVariant('foo@foo.com', buckets));
    });

    it('"missing email - parser should ignore nil/missing custom variables and continue"', () => {
      const buckets: [string, number][] = [['red', 50], ['blue', 50]];
      const data = { targetingKey: 'foo@foo.com', $flagd: { flagKey: 'headerColor' } };
      expect(run(rule({ var: 'email' }, buckets), data)).toBe(referenceVariant('headerColorfoo@foo.com', buckets));
    });

    it('distributes proportionally to the weights', () => {
      const buckets: [string, number][] = [['a', 50], ['b', 30], ['c', 20]];
      const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
      for (let i = 0; i < 20000; i++) counts[run(rule(`visitor-${i}`, buckets)) as string]++;
      expect(counts.a / 20000).toBeCloseTo(0.5, 1);
      expect(counts.b / 20000).toBeCloseTo(0.3, 1);
      expect(counts.c / 20000).toBeCloseTo(0.2, 1);
    });

    it('supports weights up to a total of MaxInt32 and 1/MaxInt32 resolution', () => {
      expect(run(rule('x', [['tiny', 1], ['huge', 2147483646]]))).toBe(referenceVariant('x', [['tiny', 1], ['huge', 2147483646]]));
      // the hash-0 key always lands in the first non-empty bucket, however small
      expect(run(rule('ejOoVL', [['tiny', 1], ['huge', 2147483646]]))).toBe('tiny');
    });
  });

  describe('fractional — invalid input gives null', () => {
    const ok = ['red', 50];
    it.each<[string, unknown, unknown]>([
      ['operands not written as an array', { fractional: 'abc' }, { targetingKey: 'k' }],
      ['no operands', { fractional: [] }, { targetingKey: 'k' }],
      ['data is not an object', { fractional: ['k', ok] }, 'a string'],
      ['data is an array', { fractional: ['k', ok] }, [1]],
      ['bucket entry is not an array', { fractional: ['k', 'red'] }, {}],
      ['bucket entry is empty', { fractional: ['k', []] }, {}],
      ['variant is an array', { fractional: ['k', [['nested'], 10]] }, {}],
      ['variant is an object', { fractional: ['k', [{ var: 'obj' }, 10]] }, { obj: { a: 1, b: 2 } }],
      ['weight is a string', { fractional: ['k', ['red', '50']] }, {}],
      ['weight is a boolean', { fractional: ['k', ['red', true]] }, {}],
      ['weight is not an integer', { fractional: ['k', ['red', 12.5]] }, {}],
      ['weight above MaxInt32', { fractional: ['k', ['red', 2147483648]] }, {}],
      ['weights summing above MaxInt32', { fractional: ['k', ['red', 2147483647], ['blue', 1]] }, {}],
      ['first operand a number (treated as a bucket, which is invalid)', { fractional: [42, ok] }, { targetingKey: 'k' }],
      ['no bucketing value and a non-string targetingKey', { fractional: [ok, ['blue', 50]] }, { targetingKey: 7 }],
      ['no bucketing value and no targetingKey', { fractional: [ok, ['blue', 50]] }, {}],
    ])('%s', (_name, rule, data) => {
      expect(run(rule, data)).toBeNull();
    });

    it('a non-string $flagd.flagKey counts as empty (as Go unmarshalling fails)', () => {
      const buckets: [string, number][] = [['blue', 50], ['green', 50]];
      expect(run({ fractional: buckets }, { targetingKey: 'k', $flagd: { flagKey: 5 } })).toBe(referenceVariant('k', buckets));
    });

    it('the direct function mirrors flagd for the first-operand forms', () => {
      expect(fractional([null, ['a', 1]], { targetingKey: 't' })).toBe('a'); // null first operand is dropped
      expect(fractional([['a', 1]], { targetingKey: 't' })).toBe('a');
      expect(fractional(['bucket'], {})).toBe(''); // no buckets: total weight 0
    });
  });

  // sem_ver: tests/engine/semver.test.ts

  describe('starts_with / ends_with', () => {
    // flagd string_comparison_test.go
    it('starts_with', () => {
      expect(run({ if: [{ starts_with: ['user@faas.com', 'user@faas'] }, 'red', null] })).toBe('red');
      expect(run({ if: [{ starts_with: [{ var: 'email' }, 'user@faas'] }, 'red', null] }, { email: 'user@faas.com' })).toBe('red');
      expect(run({ if: [{ starts_with: ['user@faas.com', 'nope'] }, 'red', 'green'] })).toBe('green');
      expect(run({ if: [{ starts_with: [{ var: 'email' }, 'nope'] }, 'red', 'green'] }, { email: 'user@faas.com' })).toBe('green');
      expect(run({ starts_with: 'no-array' })).toBeNull();
    });

    it('ends_with', () => {
      expect(run({ if: [{ ends_with: ['user@faas.com', 'faas.com'] }, 'red', null] })).toBe('red');
      expect(run({ if: [{ ends_with: [{ var: 'email' }, 'faas.com'] }, 'red', null] }, { email: 'user@faas.com' })).toBe('red');
      expect(run({ if: [{ ends_with: ['user@faas.com', 'nope'] }, 'red', 'green'] })).toBe('green');
      expect(run({ if: [{ ends_with: [{ var: 'email' }, 'nope'] }, 'red', 'green'] }, { email: 'user@faas.com' })).toBe('green');
      expect(run({ ends_with: 'no-array' })).toBeNull();
    });

    // parseStringComparisonEvaluationData table + flagd-testbed string.feature
    it.each<[string, unknown[]]>([
      ['one element', ['a']],
      ['three elements', ['a', 'b', 'c']],
      ['property is not a string', [1, 'b']],
      ['target is not a string', ['a', 1]],
    ])('%s → null', (_name, operands) => {
      expect(run({ starts_with: operands })).toBeNull();
      expect(run({ ends_with: operands })).toBeNull();
    });

    it.each([
      ['abcdef', 'prefix'],
      ['uvwxyz', 'postfix'],
      ['abcxyz', 'prefix'],
      ['lmnopq', 'none'],
    ])('testbed starts-ends-flag: %s → %s', (id, expected) => {
      const rule = { if: [{ starts_with: [{ var: 'id' }, 'abc'] }, 'prefix', { if: [{ ends_with: [{ var: 'id' }, 'xyz'] }, 'postfix', 'none'] }] };
      expect(run(rule, { id })).toBe(expected);
    });

    it('testbed non-string input and wrong argument count → null', () => {
      expect(run({ starts_with: [{ var: 'num' }, 'abc'] }, { num: 123 })).toBeNull();
      expect(run({ ends_with: [{ var: 'num' }, 'xyz'] }, { num: 123 })).toBeNull();
      expect(run({ starts_with: ['abc'] })).toBeNull();
      expect(run({ ends_with: ['xyz'] })).toBeNull();
    });
  });

  describe('compiled fractional equals flagd semantics on evaluated operands (random cases)', () => {
    // The compiler specialises literal buckets and {"cat": [...]} bucketing values; this checks those
    // paths against the plain `fractional` function applied to json-logic-js-evaluated operands.
    const variant = fc.oneof(fc.constantFrom('red', 'blue', '', 'é'), fc.boolean(), fc.integer({ min: -2, max: 3 }), fc.constant(null));
    const weight = fc.oneof(fc.integer({ min: -3, max: 100 }), fc.constantFrom(0, 1, 2147483647, 2147483648, 1.5, null, '5', true));
    const bucket = fc.oneof(
      fc.tuple(variant).map(([v]) => [v]),
      fc.tuple(variant, weight).map(([v, w]) => [v, w]),
      fc.tuple(variant, weight, fc.constant('extra')).map(([v, w, x]) => [v, w, x]),
    );
    const bucketing = fc.oneof(
      fc.constantFrom('user-1', 'ümlaut', '', 'x'),
      fc.constantFrom('id', 'missing', 'n', 'targetingKey').map((path) => ({ var: path })),
      fc.tuple(fc.constantFrom('salt-', 'ü', ''), fc.constantFrom('id', 'missing', 'n', 'uni')).map(([salt, path]) => ({ cat: [salt, { var: path }] })),
      fc.constant(null),
    );
    const data = fc.record({
      id: fc.constantFrom('a', 'visitor-42', 'ü-1'),
      n: fc.integer({ min: 0, max: 9 }),
      uni: fc.constant('😀x'),
      targetingKey: fc.oneof(fc.constantFrom('tk-1', 'tk-2', ''), fc.constant(7)),
      $flagd: fc.oneof(fc.record({ flagKey: fc.constantFrom('flag-a', 'flag-b') }), fc.constant(null)),
    }, { requiredKeys: ['id', 'n', 'uni'] });

    it('specialised and generic paths agree', () => {
      fc.assert(
        fc.property(fc.option(bucketing, { nil: undefined }), fc.array(bucket, { minLength: 0, maxLength: 4 }), data, (first, buckets, d) => {
          const operands = first === undefined ? buckets : [first, ...buckets];
          const rule = { fractional: operands };
          const evaluatedOperands = jsonLogic.apply(operands as never, d) as unknown[];
          expect(run(rule, d)).toEqual(fractional(evaluatedOperands, d));
        }),
        { numRuns: 3000, seed: 42 },
      );
    });

    it('murmur3Joined equals hashing the joined string', () => {
      fc.assert(
        fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }), { maxLength: 4 }), (parts) => {
          expect(murmur3Joined(parts)).toBe(murmur3String(parts.join('')));
        }),
        { numRuns: 2000, seed: 3 },
      );
    });
  });
});
