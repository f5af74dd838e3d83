/**
 * flagd's `sem_ver`, matched to flagd's Go evaluator. Vectors ported from:
 * - open-feature/flagd core/pkg/evaluator/semver.go and semver_test.go at
 *   bbb05d4bc3903ea8bf5123a88b1cf558750a22ab (files last changed in 670c91cdca80c29fd1cee378d1ea228c4ef36935,
 *   "fix: various custom operator conformance fixes (#1950)": V prefix, null on errors); flagd uses
 *   golang.org/x/mod v0.35.0 semver and diegoholiveira/jsonlogic v3.9.1 (JSON numbers decode as float64).
 * - open-feature/flagd-testbed evaluator/gherkin/semver.feature with evaluator/flags/testkit-flags.json at
 *   82ba89ec8db498fa51368e558e4d87642d9e93c4 (the suite flagd's Go evaluator runs).
 * - open-feature/js-sdk-contrib libs/shared/flagd-core/src/lib/targeting/targeting.spec.ts ("Sem ver
 *   operator") at 9750615d3846b689f0c5837f29fca6da3abf4c2d: the JS flagd core agrees with Go on all of them.
 * "Go vs JS" vectors: inputs where flagd-core JS (sem-ver.ts, node-semver) disagrees with Go; the expected
 * values were computed by flagd's semver.go itself (built against x/mod v0.35.0 semver), and we follow Go.
 * Whether a flagd `{"if": [cond, a, b]}` picks a or b only depends on the truthiness of cond; we check the
 * operator's value itself where flagd's own tests only see the variant (null vs false).
 */
import { goFormatFloat } from '../../engine/src/semver';
import type { Rule } from '../../engine/src';
import { BACKENDS, engineFor } from './backends';

describe.each(BACKENDS)('%s backend', (backend) => {
  const { evaluate } = engineFor(backend);
  const run = (rule: unknown, data: unknown = {}) => evaluate(rule as Rule, data);
  /** Literal operands (the target is pre-parsed at compile time) and the same values read from data. */
  const both = (a: unknown, op: unknown, b: unknown): [unknown, unknown] => [
    run({ sem_ver: [a, op, b] }),
    run({ sem_ver: [{ var: 'a' }, { var: 'op' }, { var: 'b' }] }, { a, op, b }),
  ];
  const expectSemVer = (a: unknown, op: unknown, b: unknown, expected: boolean | null) => {
    expect(both(a, op, b)).toEqual([expected, expected]);
  };

  describe('flagd semver_test.go TestSemVerOperator_Compare', () => {
    // wantErr → the operator gives null (SemVerEvaluation returns nil on every error).
    it.each<[string, string, string, string, boolean | null]>([
      ['invalid version', 'invalid', '>', 'v1.0.0', null],
      ['preview version vs non preview version', 'v1.0.0-preview.1.2', '>', 'v1.0.0', false],
      ['preview version vs preview version', 'v1.0.0-preview.1.3', '>', 'v1.0.0-preview.1.2', true],
      ['no prefixed v left greater', '0.0.1', '>', 'v0.0.2', false],
      ['no prefixed v right greater', 'v0.0.1', '>', '0.0.2', false],
      ['no prefixed v right equals', 'v0.0.1', '=', '0.0.1', true],
      ['uppercase V prefix equals lowercase or no prefix', 'V1.0.0', '=', '1.0.0', true],
      ['no prefixed v both', '0.0.1', '>', '0.0.2', false],
      ['invalid operator', 'v0.0.1', '', 'v0.0.2', null],
      ['less with large number', 'v1234.0.1', '<', 'v1235.0.2', true],
      ['less', 'v0.0.1', '<', 'v0.0.2', true],
      ['no minor version', 'v1.0', '<', 'v1.2', true],
      ['not less', 'v0.0.1', '<', 'v0.0.1', false],
      ['less or equal', 'v0.0.1', '<=', 'v0.0.2', true],
      ['less or equal 2', 'v0.0.1', '<=', 'v0.0.1', true],
      ['equal', 'v0.0.1', '=', 'v0.0.1', true],
      ['not equal', 'v0.0.2', '=', 'v0.0.1', false],
      ['unequal', 'v0.0.2', '!=', 'v0.0.1', true],
      ['not unequal', 'v0.0.1', '!=', 'v0.0.1', false],
      ['greater or equal 1', 'v0.0.2', '>=', 'v0.0.1', true],
      ['greater or equal 2', 'v0.0.1', '>=', 'v0.0.1', true],
      ['not greater or equal', 'v0.0.1', '>=', 'v0.0.2', false],
      ['greater', 'v0.0.2', '>', 'v0.0.1', true],
      ['not greater', 'v0.0.1', '>', 'v0.0.1', false],
      ['matching major version', 'v1.3.4', '^', 'v1.5.3', true],
      ['not matching major version', 'v2.1.1', '^', 'v1.1.1', false],
      ['matching minor version', 'v1.3.4', '~', 'v1.3.1', true],
      ['not matching minor version', 'v2.2.1', '~', 'v2.1.1', false],
    ])('%s: %s %s %s → %s', (_name, a, op, b, expected) => {
      expectSemVer(a, op, b, expected);
    });
  });

  describe('flagd semver_test.go TestJSONEvaluator_semVerEvaluation', () => {
    it.each<[string, unknown, unknown, string]>([
      ['versions and operator provided - match', { sem_ver: ['1.0.0', '>', '0.1.0'] }, { version: '1.0.0' }, 'red'],
      [
        'resolve target property using nested operation - match',
        { sem_ver: [{ var: 'version' }, '>', '1.0.0'] },
        { version: '1.0.1' },
        'red',
      ],
      ['versions and operator provided - no match', { sem_ver: ['1.0.0', '>', '1.0.0'] }, { version: '1.0.0' }, 'green'],
      ['versions and major-version operator provided - match', { sem_ver: ['1.2.3', '^', '1.5.6'] }, {}, 'red'],
      ['versions and minor-version operator provided - match', { sem_ver: ['1.2.3', '~', '1.2.6'] }, {}, 'red'],
      ['versions given as double - match', { sem_ver: [1.2, '=', '1.2'] }, {}, 'red'],
      ['versions given as int - match', { sem_ver: [1, '=', 'v1.0.0'] }, {}, 'red'],
      [
        'versions with prefixed v operator provided - match',
        { sem_ver: [{ var: 'version' }, '<', 'v1.2'] },
        { version: 'v1.0.0' },
        'red',
      ],
      ['versions and major-version operator provided - no match', { sem_ver: ['2.2.3', '^', '1.2.3'] }, {}, 'green'],
      ['versions and minor-version operator provided - no match', { sem_ver: ['1.3.3', '~', '1.2.6'] }, {}, 'green'],
      [
        'resolve target property using nested operation - no match',
        { sem_ver: [{ var: 'version' }, '>', '1.0.0'] },
        { version: '0.0.1' },
        'green',
      ],
      ['error during parsing (not an array) - return default', { sem_ver: 'not an array' }, {}, 'green'],
      ['error during parsing (wrong number of items in array) - return default', { sem_ver: ['not', 'enough'] }, {}, 'green'],
      ['error during parsing (invalid property value) - return default', { sem_ver: ['invalid', '>', '1.0.0'] }, {}, 'green'],
      ['error during parsing (invalid property type) - return default', { sem_ver: [1.0, '>', '1.0.0'] }, {}, 'green'],
      ['error during parsing (invalid operator) - return default', { sem_ver: ['1.0.0', 'invalid', '1.0.0'] }, {}, 'green'],
      ['error during parsing (invalid operator type) - return default', { sem_ver: ['1.0.0', 1, '1.0.0'] }, {}, 'green'],
      ['error during parsing (invalid target version) - return default', { sem_ver: ['1.0.0', '>', 'invalid'] }, {}, 'green'],
    ])('%s', (_name, condition, data, expected) => {
      expect(run({ if: [condition, 'red', 'green'] }, data)).toBe(expected);
    });

    it('the operator values behind those variants (null on error, as SemVerEvaluation returns nil)', () => {
      expect(run({ sem_ver: 'not an array' })).toBeNull();
      expect(run({ sem_ver: ['not', 'enough'] })).toBeNull();
      expect(run({ sem_ver: ['invalid', '>', '1.0.0'] })).toBeNull();
      // 1.0 is the float64 1, printed "1" by fmt.Sprintf("%v"): v1 is valid, v1 > v1.0.0 is false
      expect(run({ sem_ver: [1.0, '>', '1.0.0'] })).toBe(false);
      expect(run({ sem_ver: ['1.0.0', 'invalid', '1.0.0'] })).toBeNull();
      expect(run({ sem_ver: ['1.0.0', 1, '1.0.0'] })).toBeNull();
      expect(run({ sem_ver: ['1.0.0', '>', 'invalid'] })).toBeNull();
      expect(run({ sem_ver: [1.2, '=', '1.2'] })).toBe(true);
      expect(run({ sem_ver: [1, '=', 'v1.0.0'] })).toBe(true);
    });
  });

  describe('flagd semver_test.go TestSemVerEvaluation_ErrorFallbackWhenUsedDirectly (targeting → null)', () => {
    it.each<[string, unknown, unknown]>([
      ['invalid context version falls back', { sem_ver: [{ var: 'version' }, '=', '1.0.0'] }, { version: 'not-a-version' }],
      ['invalid operator falls back', { sem_ver: [{ var: 'version' }, '===', '1.0.0'] }, { version: '1.0.0' }],
      ['wrong arg count falls back', { sem_ver: [{ var: 'version' }, '='] }, { version: '1.0.0' }],
    ])('%s', (_name, rule, data) => {
      expect(run(rule, data)).toBeNull();
    });
  });

  describe('flagd-testbed semver.feature', () => {
    const flag = (targeting: unknown) => (version: unknown) => run(targeting, version === undefined ? {} : { version });
    const v = { var: 'version' };

    const equalGreaterLesser = flag({
      if: [
        { sem_ver: [v, '=', '2.0.0'] },
        'equal',
        { if: [{ sem_ver: [v, '>', '2.0.0'] }, 'greater', { if: [{ sem_ver: [v, '<', '2.0.0'] }, 'lesser', 'none'] }] },
      ],
    });
    it.each([
      ['2.0.0', 'equal'],
      ['2.1.0', 'greater'],
      ['1.9.0', 'lesser'],
      ['2.0.0-alpha', 'lesser'],
      ['2.0.0.0', 'none'],
    ])('Numeric comparison: %s → %s', (version, expected) => {
      expect(equalGreaterLesser(version)).toBe(expected);
    });

    const majorMinor = flag({
      if: [{ sem_ver: [v, '~', '3.0.0'] }, 'minor', { if: [{ sem_ver: [v, '^', '3.0.0'] }, 'major', 'none'] }],
    });
    it.each([
      ['3.0.1', 'minor'],
      ['3.1.0', 'major'],
      ['4.0.0', 'none'],
    ])('Semantic comparison (minor/major range): %s → %s', (version, expected) => {
      expect(majorMinor(version)).toBe(expected);
    });

    it.each<[string, unknown, string]>([
      ['semver-invalid-version-flag', { sem_ver: [v, '=', '1.0.0'] }, 'not-a-version'],
      ['semver-invalid-operator-flag', { sem_ver: [v, '===', '1.0.0'] }, '1.0.0'],
      ['semver-wrong-args-flag', { sem_ver: [v, '='] }, '1.0.0'],
    ])('@operator-errors %s → null (falls back to the default variant)', (_key, targeting, version) => {
      expect(flag(targeting)(version)).toBeNull();
    });

    const vPrefix = flag({ if: [{ sem_ver: [v, '=', 'v1.0.0'] }, 'match', 'no-match'] });
    it.each([
      ['1.0.0', 'match'],
      ['v1.0.0', 'match'],
      ['V1.0.0', 'match'],
      ['2.0.0', 'no-match'],
    ])('v-prefix handling: %s → %s', (version, expected) => {
      expect(vPrefix(version)).toBe(expected);
    });

    // Integer and Float context values arrive in Go as float64.
    const partial = flag({ if: [{ sem_ver: [v, '^', '1'] }, 'match', 'no-match'] });
    it.each<[unknown, string]>([
      ['1.5.0', 'match'],
      ['1.0.0', 'match'],
      ['1.0', 'match'],
      ['1', 'match'],
      [1, 'match'],
      [1.2, 'match'],
      ['2.0.0', 'no-match'],
    ])('partial version string handling: %j → %s', (version, expected) => {
      expect(partial(version)).toBe(expected);
    });

    const numericContext = flag({ if: [{ sem_ver: [v, '>', '1.1'] }, 'match', 'no-match'] });
    it.each<[unknown, string]>([
      [1.2, 'match'],
      [1.1, 'no-match'],
      [2, 'match'],
      [1, 'no-match'],
      ['1.2', 'match'],
    ])('numeric context value coercion: %j → %s', (version, expected) => {
      expect(numericContext(version)).toBe(expected);
    });

    const buildMetadata = flag({ if: [{ sem_ver: [v, '=', '1.0.0+build'] }, 'match', 'no-match'] });
    it.each([
      ['1.0.0', 'match'],
      ['1.0.0+other', 'match'],
      ['2.0.0', 'no-match'],
    ])('build metadata ignored in comparison: %s → %s', (version, expected) => {
      expect(buildMetadata(version)).toBe(expected);
    });
  });

  describe('js-sdk-contrib flagd-core targeting.spec.ts "Sem ver operator" (Go agrees)', () => {
    it.each<[string, unknown[], boolean | null]>([
      ['should support equal operator', ['v1.2.3', '=', '1.2.3'], true],
      ['should support neq operator', ['v1.2.3', '!=', '1.2.4'], true],
      ['should support lt operator', ['v1.2.3', '<', '1.2.4'], true],
      ['should support lte operator', ['v1.2.3', '<=', '1.2.3'], true],
      ['should support gte operator', ['v1.2.3', '>=', '1.2.3'], true],
      ['should support gt operator', ['v1.2.4', '>', '1.2.3'], true],
      ['should support major comparison operator', ['v1.2.3', '^', 'v1.0.0'], true],
      ['should support minor comparison operator', ['v5.0.3', '~', 'v5.0.8'], true],
      ['should handle unknown operator', ['v1.0.0', '-', 'v1.0.0'], null],
      ['should handle invalid inputs', ['myVersion_1', '=', 'myVersion_1'], null],
      ['should validate inputs', ['myVersion_2', '+', 'myVersion_1', 'myVersion_1'], null],
    ])('%s', (_name, operands, expected) => {
      expect(run({ sem_ver: operands })).toBe(expected);
    });
  });

  describe('Go vs JS: where flagd-core JS differs, the Go evaluator is followed', () => {
    it.each<[string, unknown, unknown, unknown, boolean | null]>([
      // JS strips one [vV] then node-semver accepts another "v" and trims whitespace; Go: one prefix, no trimming.
      ['double prefix vv', 'vv1.0.0', '=', '1.0.0', null],
      ['double prefix Vv', 'Vv1.0.0', '=', '1.0.0', null],
      ['V then v', 'V1.0.0', '=', 'vV1.0.0', null],
      ['leading space', ' 1.0.0', '=', '1.0.0', null],
      ['trailing space', '1.0.0 ', '=', '1.0.0', null],
      ['trailing newline', '1.0.0\n', '=', '1.0.0', null],
      ['tab', '\t1.0.0', '=', '1.0.0', null],
      ['space after v', 'v 1.0.0', '=', '1.0.0', null],
      // node-semver rejects numbers above MAX_SAFE_INTEGER and strings over 256 characters; Go compares digit strings.
      ['major above 2^53', '9007199254740993.0.0', '>', '9007199254740992.0.0', true],
      ['20-digit major', '99999999999999999999.0.0', '>', '1.0.0', true],
      ['17-digit major shorthand', '12345678901234567', '>', '1.0.0', true],
      ['17-digit major with minor (JS coerces it to 1.0.0)', '12345678901234567.1', '=', '1.0.0', false],
      ['long version string', '1.' + '1'.repeat(300) + '.0', '>', '1.2.0', true],
      // numbers are printed as Go prints a float64: from 1e6 on in exponent form, -0 as "-0"
      ['1e6 prints "1e+06"', 1000000, '=', '1000000.0.0', null],
      ['1234567 prints "1.234567e+06"', 1234567, '>', '1.0.0', null],
      ['-0 prints "-0"', -0, '=', '0.0.0', null],
      ['999999 is still positional', 999999, '=', '999999.0.0', true],
      ['0.5 is 0.5.0', 0.5, '<', '1.0.0', true],
      // non-strings other than numbers print as "[…]", "true", "<nil>": never a version (JS String() of ["1.0.0"] is "1.0.0")
      ['array of a version', ['1.0.0'], '=', '1.0.0', null],
      ['array of a number', [1], '=', '1.0.0', null],
      ['boolean', true, '=', '1.0.0', null],
      ['null', null, '=', '1.0.0', null],
      // the operator must be a string in Go (JS applies String())
      ['operator in an array', '1.2.3', ['='], '1.2.3', null],
    ])('%s: %j %j %j → %s', (_name, a, op, b, expected) => {
      expectSemVer(a, op, b, expected);
    });

    it('a missing value is invalid (Go prints nil as "<nil>")', () => {
      expect(run({ sem_ver: [{ var: 'missing' }, '=', '1.0.0'] }, {})).toBeNull();
    });
  });

  describe('golang.org/x/mod/semver rules', () => {
    it.each<[string, string, string, boolean]>([
      // partial versions (shorthand without prerelease or build)
      ['1.5.0', '^', '1', true],
      ['2.0.0', '^', '1', false],
      ['1.2', '=', '1.2.0', true],
      ['1', '=', '1.0.0', true],
      ['V1', '=', '1.0.0', true],
      ['1.2', '<', '1.2.1', true],
      ['1.2.9', '~', '1.2', true],
      // build metadata ignored
      ['1.0.0', '=', '1.0.0+build', true],
      ['1.0.0+build.01', '=', '1.0.0', true],
      ['1.0.0-rc.1+build.5', '=', '1.0.0-rc.1', true],
      // semver 2.0.0 prerelease ordering
      ['1.0.0-alpha', '<', '1.0.0-alpha.1', true],
      ['1.0.0-alpha.1', '<', '1.0.0-alpha.beta', true],
      ['1.0.0-alpha.beta', '<', '1.0.0-beta', true],
      ['1.0.0-beta', '<', '1.0.0-beta.2', true],
      ['1.0.0-beta.2', '<', '1.0.0-beta.11', true],
      ['1.0.0-beta.11', '<', '1.0.0-rc.1', true],
      ['1.0.0-rc.1', '<', '1.0.0', true],
      ['1.0.0-999999999999999999999', '>', '1.0.0-99999999999999999999', true],
      ['1.0.0-alpha', '!=', '1.0.0', true],
      ['1.0.0-rc.1', '^', '1.9.9', true],
      ['1.2.0-rc.1', '~', '1.2.9', true],
      // numeric parts of any size, compared numerically
      ['1.99999999999999999999.0', '>', '1.9.0', true],
      ['10.0.0', '>', '9.0.0', true],
    ])('%s %s %s → %s', (a, op, b, expected) => {
      expectSemVer(a, op, b, expected);
    });

    it.each([
      '1.2-beta',
      '1-beta',
      '1.2+build',
      '01.2.3',
      '1.02.3',
      '01',
      '1.02',
      '1.2.3-01',
      '1.2.3-',
      '1.2.3+',
      '1.2.3-a..b',
      '1.2.3-a.',
      '1.2.3-beta_1',
      'vV1.0.0',
      'VV1.0.0',
      '1.2.3.4',
      '',
      'v',
      'V',
      '=1.0.0',
      '１.0.0',
      'v1.0.0-ß',
    ])('invalid version %j → null', (version) => {
      expectSemVer(version, '=', '1.0.0', null);
      expectSemVer('1.0.0', '=', version, null);
    });
  });
});

describe('goFormatFloat: Go\'s fmt.Sprintf("%v", float64) (values printed by Go 1.19)', () => {
  it.each<[number, string]>([
    [0, '0'],
    [-0, '-0'],
    [1, '1'],
    [-1, '-1'],
    [1.2, '1.2'],
    [0.5, '0.5'],
    [100000, '100000'],
    [999999, '999999'],
    [999999.9999999999, '999999.9999999999'],
    [1000000, '1e+06'],
    [1234567, '1.234567e+06'],
    [10000000, '1e+07'],
    [2 ** 53, '9.007199254740992e+15'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [0.0001, '0.0001'],
    [0.00012, '0.00012'],
    [0.00001, '1e-05'],
    [0.000015, '1.5e-05'],
    [1e-100, '1e-100'],
    [5e-324, '5e-324'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%p → %s', (value, expected) => {
    expect(goFormatFloat(value)).toBe(expected);
  });
});
