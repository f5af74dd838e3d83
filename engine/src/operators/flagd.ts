/**
 * flagd's custom operations (OpenFeature flagd, core/pkg/evaluator): fractional (v2 bucketing), sem_ver,
 * starts_with, ends_with. Operands are evaluated first, as JSON-logic does before calling them; every
 * invalid input gives null, which is falsy. The operand must be written as an array, as flagd requires.
 */
import type { Compiler, OperatorCompiler, OperatorSite } from '../compiler-types';
import { murmur3String } from '../murmur3';
import { ownValue } from '../safe-access';
import { parseFlagdSemVer, semVerMatches } from '../semver';
import type { Evaluator } from '../types';
import { compileOperands, evaluateAll } from './operands';

const MAX_INT32 = 2147483647;
const TWO_POW_63 = 9223372036854775808;

/** Applies `apply` to the evaluated operands; null when they were not written as an array (flagd's rule). */
function flagdOperator(site: OperatorSite, compiler: Compiler, apply: (values: unknown[], scope: unknown) => unknown): Evaluator {
  const args = compileOperands(site, compiler);
  if (!site.operandsWrittenAsArray) return () => null;
  return (s) => apply(evaluateAll(args, s), s);
}

interface WeightedVariant {
  variant: unknown;
  weight: number;
}

/**
 * floor(hash × totalWeight / 2^32) without losing bits: hash < 2^32 and totalWeight < 2^31, so the
 * product needs 63 bits; split the hash into 16-bit halves and carry exactly.
 */
export function bucketOf(hash: number, totalWeight: number): number {
  const high = (hash >>> 16) * totalWeight; // < 2^47
  const low = (hash & 0xffff) * totalWeight; // < 2^47
  const highCarry = Math.floor(high / 65536);
  return highCarry + Math.floor(((high - highCarry * 65536) * 65536 + low) / 4294967296);
}

/** flagd's weight rules: an integer (or absent/null for 1), negatives count as 0, at most MaxInt32. */
function parseWeight(entry: readonly unknown[]): number | undefined {
  if (entry.length < 2 || entry[1] === null) return 1;
  const raw = entry[1];
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw >= TWO_POW_63 || raw < -TWO_POW_63) return undefined;
  if (raw > MAX_INT32) return undefined;
  return raw < 0 ? 0 : raw;
}

function parseDistribution(values: readonly unknown[]): WeightedVariant[] | undefined {
  const variants: WeightedVariant[] = [];
  let total = 0;
  for (const entry of values) {
    if (!Array.isArray(entry) || entry.length === 0) return undefined;
    const variant: unknown = entry[0];
    if (variant !== null && typeof variant !== 'string' && typeof variant !== 'boolean' && typeof variant !== 'number') {
      return undefined;
    }
    const weight = parseWeight(entry);
    if (weight === undefined) return undefined;
    total += weight;
    variants.push({ variant, weight });
  }
  return total > MAX_INT32 ? undefined : variants;
}

/**
 * `fractional`: deterministic weighted split. The bucketing value is the first operand when it evaluates
 * to a string; otherwise (a null first operand is dropped) `$flagd.flagKey` + `targetingKey` of the data,
 * and null when there is no string targetingKey. Bucket = (murmur3(value) × total weight) >> 32.
 */
export function fractional(values: readonly unknown[], data: unknown): unknown {
  if (values.length < 1) return null;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  let bucketBy: string;
  let buckets: readonly unknown[];
  if (typeof values[0] === 'string') {
    bucketBy = values[0];
    buckets = values.slice(1);
  } else {
    buckets = values[0] === null ? values.slice(1) : values;
    const targetingKey = ownValue(data, 'targetingKey');
    if (typeof targetingKey !== 'string') return null;
    const flagKey = ownValue(ownValue(data, '$flagd'), 'flagKey');
    bucketBy = (typeof flagKey === 'string' ? flagKey : '') + targetingKey;
  }
  const variants = parseDistribution(buckets);
  if (variants === undefined) return null;
  let total = 0;
  for (const { weight } of variants) total += weight;
  if (total === 0) return '';
  const bucket = bucketOf(murmur3String(bucketBy), total);
  let rangeEnd = 0;
  for (const { variant, weight } of variants) {
    rangeEnd += weight;
    if (bucket < rangeEnd) return variant;
  }
  return ''; // unreachable: bucket < total
}

/** `sem_ver`: [version, operator, version] with =, !=, <, <=, >, >=, ^ (same major), ~ (same minor). */
export function semVer(values: readonly unknown[]): boolean | null {
  if (values.length !== 3) return null;
  const actual = parseFlagdSemVer(values[0]);
  const operator = values[1];
  const target = parseFlagdSemVer(values[2]);
  if (actual === undefined || target === undefined || typeof operator !== 'string') return null;
  return semVerMatches(actual, operator, target) ?? null;
}

function stringPair(values: readonly unknown[]): [string, string] | undefined {
  return values.length === 2 && typeof values[0] === 'string' && typeof values[1] === 'string'
    ? [values[0], values[1]]
    : undefined;
}

export function startsWith(values: readonly unknown[]): boolean | null {
  const pair = stringPair(values);
  return pair === undefined ? null : pair[0].startsWith(pair[1]);
}

export function endsWith(values: readonly unknown[]): boolean | null {
  const pair = stringPair(values);
  return pair === undefined ? null : pair[0].endsWith(pair[1]);
}

export const compileFractional: OperatorCompiler = (site, compiler) => flagdOperator(site, compiler, fractional);
export const compileSemVer: OperatorCompiler = (site, compiler) => flagdOperator(site, compiler, semVer);
export const compileStartsWith: OperatorCompiler = (site, compiler) => flagdOperator(site, compiler, startsWith);
export const compileEndsWith: OperatorCompiler = (site, compiler) => flagdOperator(site, compiler, endsWith);
