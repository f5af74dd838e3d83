/**
 * Semantic versions as flagd's Go evaluator compares them (open-feature/flagd core/pkg/evaluator/semver.go):
 * a non-string operand is printed as Go's fmt.Sprintf("%v") prints the JSON value, a leading "V" becomes "v"
 * and a missing "v" is prefixed, then golang.org/x/mod/semver decides. So "1" and "1.2" are valid shorthands
 * for 1.0.0 and 1.2.0 (without prerelease or build), numbers have no leading zeros, build metadata is ignored,
 * and prerelease ordering follows semver 2.0.0. Numeric parts are compared as digit strings: any size works.
 */

export interface SemVer {
  readonly major: string;
  readonly minor: string;
  readonly patch: string;
  /** Including the leading "-", or "" for a release. */
  readonly prerelease: string;
}

/**
 * flagd's `normalizeVersion` then `semver.IsValid`: undefined where flagd reports an error (the operator then
 * gives null). Strings are used as they are: no trimming, exactly one "V" or "v" prefix.
 */
export function parseFlagdSemVer(value: unknown): SemVer | undefined {
  const version = goSprintV(value);
  if (version === undefined) return undefined;
  return parseGoSemVer(version.startsWith('v') ? version : 'v' + (version.startsWith('V') ? version.slice(1) : version));
}

/**
 * flagd's `ensureString`: a string as it is, anything else as fmt.Sprintf("%v", value) prints the value that
 * encoding/json decoded (numbers are float64). Only strings and numbers can print as a version; the others print
 * as "true", "false", "<nil>", "[…]" or "map[…]", never valid, so they give undefined.
 */
export function goSprintV(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' ? goFormatFloat(value) : undefined;
}

/**
 * Go's `%v` for a float64 (strconv.FormatFloat(v, 'g', -1, 64)): the shortest digits that round-trip (as
 * JavaScript's), in exponent form when the decimal exponent is below -4 or at least 6 ("1e+06", "1.5e-05",
 * exponent of at least two digits), else in positional form ("123456", "0.0001", "1.2"). -0 prints "-0".
 */
export function goFormatFloat(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  const magnitude = Math.abs(value);
  if (magnitude === 0) return sign + '0';
  const [mantissa, exponentText] = magnitude.toExponential().split('e'); // shortest round-trip digits
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const digits = String(Math.abs(exponent));
    return `${sign}${mantissa}e${exponent < 0 ? '-' : '+'}${digits.length < 2 ? '0' + digits : digits}`;
  }
  return sign + String(magnitude); // positional: JavaScript prints 1e-7 <= x < 1e21 the same way
}

/** golang.org/x/mod/semver's parse (the input starts with "v"). */
export function parseGoSemVer(v: string): SemVer | undefined {
  if (v === '' || v[0] !== 'v') return undefined;
  let rest = v.slice(1);
  const major = leadingNumber(rest);
  if (major === undefined) return undefined;
  rest = rest.slice(major.length);
  if (rest === '') return { major, minor: '0', patch: '0', prerelease: '' };
  if (rest[0] !== '.') return undefined;
  rest = rest.slice(1);
  const minor = leadingNumber(rest);
  if (minor === undefined) return undefined;
  rest = rest.slice(minor.length);
  if (rest === '') return { major, minor, patch: '0', prerelease: '' };
  if (rest[0] !== '.') return undefined;
  rest = rest.slice(1);
  const patch = leadingNumber(rest);
  if (patch === undefined) return undefined;
  rest = rest.slice(patch.length);
  let prerelease = '';
  if (rest[0] === '-') {
    const end = rest.indexOf('+') === -1 ? rest.length : rest.indexOf('+');
    prerelease = rest.slice(0, end);
    if (!validIdentifiers(prerelease.slice(1), true)) return undefined;
    rest = rest.slice(end);
  }
  if (rest[0] === '+') {
    if (!validIdentifiers(rest.slice(1), false)) return undefined;
    rest = '';
  }
  return rest === '' ? { major, minor, patch, prerelease } : undefined;
}

/** Digits at the start of `text`, without a leading zero unless the number is 0. */
function leadingNumber(text: string): string | undefined {
  let end = 0;
  while (end < text.length && text.charCodeAt(end) >= 48 && text.charCodeAt(end) <= 57) end++;
  if (end === 0 || (text[0] === '0' && end !== 1)) return undefined;
  return text.slice(0, end);
}

/** Dot-separated non-empty [0-9A-Za-z-] identifiers; prerelease numbers may not have leading zeros. */
function validIdentifiers(text: string, isPrerelease: boolean): boolean {
  const parts = text.split('.');
  for (const part of parts) {
    if (part === '' || !/^[0-9A-Za-z-]+$/.test(part)) return false;
    if (isPrerelease && /^[0-9]+$/.test(part) && part.length > 1 && part[0] === '0') return false;
  }
  return true;
}

function compareNumbers(x: string, y: string): number {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}

function comparePrerelease(x: string, y: string): number {
  if (x === y) return 0;
  if (x === '') return 1;
  if (y === '') return -1;
  const xs = x.slice(1).split('.');
  const ys = y.slice(1).split('.');
  for (let i = 0; i < xs.length && i < ys.length; i++) {
    const a = xs[i];
    const b = ys[i];
    if (a === b) continue;
    const aNumeric = /^[0-9]+$/.test(a);
    const bNumeric = /^[0-9]+$/.test(b);
    if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
    if (aNumeric) return compareNumbers(a, b);
    return a < b ? -1 : 1;
  }
  return xs.length === ys.length ? 0 : xs.length < ys.length ? -1 : 1;
}

/** -1, 0 or 1, as semver.Compare (build metadata ignored). */
export function compareSemVer(a: SemVer, b: SemVer): number {
  return (
    compareNumbers(a.major, b.major) ||
    compareNumbers(a.minor, b.minor) ||
    compareNumbers(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease)
  );
}

/** flagd's sem_ver operators; undefined for an unknown operator. */
export function semVerMatches(a: SemVer, operator: string, b: SemVer): boolean | undefined {
  switch (operator) {
    case '=':
      return compareSemVer(a, b) === 0;
    case '!=':
      return compareSemVer(a, b) !== 0;
    case '<':
      return compareSemVer(a, b) < 0;
    case '<=':
      return compareSemVer(a, b) <= 0;
    case '>':
      return compareSemVer(a, b) > 0;
    case '>=':
      return compareSemVer(a, b) >= 0;
    case '^': // same major
      return compareNumbers(a.major, b.major) === 0;
    case '~': // same major and minor
      return compareNumbers(a.major, b.major) === 0 && compareNumbers(a.minor, b.minor) === 0;
    default:
      return undefined;
  }
}
