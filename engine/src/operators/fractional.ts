/**
 * flagd's `fractional` (core/pkg/evaluator/fractional.go), v2 bucketing: deterministic weighted split by
 * MurmurHash3 x86_32 (seed 0) of the bucketing value's UTF-8 bytes; bucket = (hash × total weight) >> 32.
 * Every invalid input gives null.
 */
import type { Compiler, OperatorCompiler, OperatorSite } from '../compiler-types';
import { RuleError } from '../errors';
import { murmur3Joined, murmur3String } from '../murmur3';
import { ownValue } from '../safe-access';
import type { Evaluator } from '../types';
import { compileOperands, evaluateAll, isPrimitive } from './operands';
import { literalVarRef, readRef, type PathRef } from './path-ref';
import { joinPart } from './strings';
import { CHAR_SHIFT, chargeValue, spendFuel } from '../fuel';

const MAX_INT32 = 2147483647;
const TWO_POW_63 = 9223372036854775808;

/** Parsed buckets: variants[i] gets weights[i] of `total`. */
export interface Distribution {
  readonly variants: readonly unknown[];
  readonly weights: readonly number[];
  readonly total: number;
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

/** flagd's weight rules: an integer (absent or null means 1), negatives count as 0, at most MaxInt32. */
function parseWeight(entry: readonly unknown[]): number | undefined {
  if (entry.length < 2 || entry[1] === null) return 1;
  const raw = entry[1];
  // Go converts to int64 first: out-of-range values fail its "weights must be integers" check.
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw >= TWO_POW_63 || raw < -TWO_POW_63) return undefined;
  if (raw > MAX_INT32) return undefined;
  return raw < 0 ? 0 : raw;
}

/** Buckets `[variant, weight?]`; variants are strings, booleans, numbers or null. */
export function parseDistribution(entries: readonly unknown[]): Distribution | undefined {
  const variants: unknown[] = [];
  const weights: number[] = [];
  let total = 0;
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length === 0) return undefined;
    const variant: unknown = entry[0];
    if (variant !== null && typeof variant !== 'string' && typeof variant !== 'boolean' && typeof variant !== 'number') {
      return undefined;
    }
    const weight = parseWeight(entry);
    if (weight === undefined) return undefined;
    total += weight;
    variants.push(variant);
    weights.push(weight);
  }
  return total > MAX_INT32 ? undefined : { variants, weights, total };
}

/** The variant whose range holds the bucket of `bucketBy`; "" when every weight is 0 (as flagd). */
export function pickVariant(distribution: Distribution, bucketBy: string): unknown {
  return distribution.total === 0 ? '' : pickVariantByHash(distribution, murmur3String(bucketBy));
}

/** The variant whose range holds the bucket of a bucketing value's hash (total weight > 0). */
export function pickVariantByHash(distribution: Distribution, hash: number): unknown {
  const { variants, weights, total } = distribution;
  const bucket = bucketOf(hash, total);
  let rangeEnd = 0;
  for (let i = 0; i < weights.length; i++) {
    rangeEnd += weights[i];
    if (bucket < rangeEnd) return variants[i];
  }
  return ''; // unreachable: bucket < total
}

export function isObjectData(data: unknown): boolean {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

/** `$flagd.flagKey` + `targetingKey`, or undefined without a string targetingKey. */
function defaultBucketingValue(data: unknown): string | undefined {
  const targetingKey = ownValue(data, 'targetingKey');
  if (typeof targetingKey !== 'string') return undefined;
  const flagKey = ownValue(ownValue(data, '$flagd'), 'flagKey');
  return (typeof flagKey === 'string' ? flagKey : '') + targetingKey;
}

/**
 * `fractional` on evaluated operands. The bucketing value is the first operand when it is a string;
 * otherwise (a null first operand is dropped) `$flagd.flagKey` + `targetingKey` of the data, and null
 * when there is no string targetingKey.
 */
export function fractional(values: readonly unknown[], data: unknown): unknown {
  if (values.length < 1 || !isObjectData(data)) return null;
  let bucketBy: string | undefined;
  let entries: readonly unknown[];
  if (typeof values[0] === 'string') {
    bucketBy = values[0];
    entries = values.slice(1);
  } else {
    entries = values[0] === null ? values.slice(1) : values;
    bucketBy = defaultBucketingValue(data);
    if (bucketBy === undefined) return null;
  }
  const distribution = parseDistribution(entries);
  return distribution === undefined ? null : pickVariant(distribution, bucketBy);
}

/**
 * Compiled `fractional`. When the buckets are written as literals (the usual case) they are parsed once;
 * at run time only the bucketing value is evaluated and hashed.
 */
export const compileFractional: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  if (!site.operandsWrittenAsArray) return (s) => (evaluateAll(args, s), null); // flagd: "not an array"
  const { budget } = compiler;
  const { path } = site;
  // Hashing the bucketing value is work: it is charged to the fuel (../fuel.ts).
  const generic: Evaluator = (s) => {
    const values = evaluateAll(args, s);
    chargeValue(budget, values[0], path);
    if (isObjectData(s)) chargeValue(budget, defaultBucketingValue(s), path);
    return fractional(values, s);
  };
  const { operands } = site;
  const literalBucket = (entry: unknown) => Array.isArray(entry) && entry.every(isPrimitive);
  if (operands.length < 2 || !operands.slice(1).every(literalBucket)) return generic;

  const rest = parseDistribution(operands.slice(1)); // undefined: invalid buckets, always null
  if (literalBucket(operands[0])) {
    // No bucketing expression: every operand is a bucket and the targetingKey decides.
    const all = parseDistribution(operands);
    return (s) => {
      if (!isObjectData(s)) return null;
      const bucketBy = chargeValue(budget, defaultBucketingValue(s), path);
      return bucketBy === undefined || all === undefined ? null : pickVariant(all, bucketBy);
    };
  }
  const joined = rest === undefined ? undefined : joinedBucketing(site, compiler, rest);
  if (joined !== undefined) return joined;
  const [bucketing] = args;
  const bucketingRef = literalVarRef(operands[0], compiler, site.scoped);
  return (s) => {
    const value = chargeValue(budget, bucketingRef !== undefined ? readRef(s, bucketingRef) : bucketing(s), path);
    if (typeof value !== 'string') return fractional([value, ...operands.slice(1)], s); // rare: null or odd values
    if (!isObjectData(s)) return null;
    return rest === undefined ? null : pickVariant(rest, value);
  };
};

/**
 * `{"fractional": [{"cat": ["salt", {"var": "visitorId"}]}, ...]}` — flagd's usual way to salt the bucketing
 * value: the parts are hashed as one string without building it (same result, see murmur3Joined).
 */
function joinedBucketing(site: OperatorSite, compiler: Compiler, distribution: Distribution): Evaluator | undefined {
  const cat = site.operands[0];
  if (compiler.tracer !== undefined || typeof cat !== 'object' || cat === null || Array.isArray(cat)) return undefined;
  const keys = Object.keys(cat);
  const raw: unknown = keys.length === 1 && keys[0] === 'cat' ? (cat as Record<string, unknown>).cat : undefined;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const parts: (PathRef | string)[] = [];
  for (const operand of raw) {
    if (isPrimitive(operand)) parts.push(joinPart(operand));
    else {
      const ref = literalVarRef(operand, compiler, site.scoped);
      if (ref === undefined) return undefined;
      parts.push(ref);
    }
  }
  const texts: string[] = new Array<string>(parts.length).fill('');
  const max = compiler.limits.stringLength;
  const catPath = site.operandPath(0);
  return (s) => {
    let length = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      texts[i] = typeof part === 'string' ? part : joinPart(readRef(s, part));
      length += texts[i].length;
    }
    if (length > max) {
      throw new RuleError('limit_exceeded', `String of ${length} characters exceeds the limit of ${max}`, catPath);
    }
    spendFuel(compiler.budget, length >>> CHAR_SHIFT, catPath);
    if (!isObjectData(s)) return null;
    return distribution.total === 0 ? '' : pickVariantByHash(distribution, murmur3Joined(texts));
  };
}
