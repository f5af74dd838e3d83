/**
 * var, missing, missing_some — json-logic-js's data access, restricted to own properties (see safe-access.ts).
 * A literal path is split once at compile time; paths through a blocked key are constant misses.
 */
import type { Budget, OperatorCompiler } from '../compiler-types';
import { isBlockedKey, lookupVar, ownValue, ownValueUnchecked, readPath } from '../safe-access';
import type { Evaluator, RulePath } from '../types';
import {
  assertArrayLength,
  compileOperands,
  evaluateAll,
  evaluationFailed,
  isPrimitive,
  requireOperands,
  spendIteration,
  withIgnoredOperands,
} from './operands';

type Num = number;

/** Reader for a literal path, unrolled for the usual 1–3 segments. */
function pathReader(segments: readonly string[], notFound: unknown): Evaluator {
  switch (segments.length) {
    case 1: {
      const [k0] = segments;
      return (s) => {
        const v = ownValueUnchecked(s, k0);
        return v === undefined ? notFound : v;
      };
    }
    case 2: {
      const [k0, k1] = segments;
      return (s) => {
        const a = ownValueUnchecked(s, k0);
        if (a === undefined || a === null) return notFound;
        const v = ownValueUnchecked(a, k1);
        return v === undefined ? notFound : v;
      };
    }
    case 3: {
      const [k0, k1, k2] = segments;
      return (s) => {
        const a = ownValueUnchecked(s, k0);
        if (a === undefined || a === null) return notFound;
        const b = ownValueUnchecked(a, k1);
        if (b === undefined || b === null) return notFound;
        const v = ownValueUnchecked(b, k2);
        return v === undefined ? notFound : v;
      };
    }
    default:
      return (s) => readPath(s, segments, notFound);
  }
}

/** The path segments a `var` path operand reads; empty for the whole scope. */
function segmentsOf(path: unknown): string[] {
  return path === undefined || path === '' || path === null ? [] : String(path).split('.');
}

export const compileVar: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const [rawPath, rawDefault] = site.operands;
  const [pathArg, defaultArg] = args;
  const { tracer } = compiler;

  if (tracer !== undefined) {
    // explain: same result, plus the path read and the value found there.
    return (s) => {
      const path = args.length > 0 ? pathArg(s) : undefined;
      const fallback = args.length > 1 ? defaultArg(s) : undefined;
      for (let i = 2; i < args.length; i++) args[i](s);
      const result = lookupVar(s, path, fallback);
      const read = segmentsOf(path);
      tracer.noteVar(read, read.length === 0 ? s : readPath(s, read, null));
      return result;
    };
  }

  let main: Evaluator;
  if (args.length === 0 || rawPath === '' || rawPath === null) {
    main = (s) => s; // the whole scope (a default is evaluated but never used)
    if (args.length > 1 && !isPrimitive(rawDefault)) {
      main = (s) => {
        defaultArg(s);
        return s;
      };
    }
  } else if (isPrimitive(rawPath)) {
    const text = String(rawPath);
    const segments = text.split('.');
    if (!site.scoped) compiler.noteVar(text);
    const blocked = segments.some(isBlockedKey);
    if (args.length < 2 || isPrimitive(rawDefault)) {
      const notFound = args.length < 2 ? null : rawDefault;
      main = blocked ? () => notFound : pathReader(segments, notFound);
    } else {
      main = (s) => {
        const fallback = defaultArg(s);
        const notFound = fallback === undefined ? null : fallback;
        return blocked ? notFound : readPath(s, segments, notFound);
      };
    }
  } else if (args.length < 2) {
    main = (s) => lookupVar(s, pathArg(s), undefined);
  } else {
    main = (s) => lookupVar(s, pathArg(s), defaultArg(s));
  }
  return withIgnoredOperands(site, 2, args, main);
};

/**
 * json-logic-js's `missing` on evaluated operands: the keys are the first operand when it is an array,
 * else all operands. A key counts as missing when `{"var": key}` gives null or "".
 * (json-logic-js re-evaluates a key that looks like a rule; here keys are always data.)
 */
function missingKeys(data: unknown, values: readonly unknown[], budget: Budget, maxLength: number, path: RulePath): unknown[] {
  const keys: readonly unknown[] = Array.isArray(values[0]) ? values[0] : values;
  assertArrayLength(keys.length, maxLength, path);
  const missing: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    spendIteration(budget, path);
    const key = keys[i];
    const value = Array.isArray(key) ? lookupVar(data, key[0], key[1]) : lookupVar(data, key, undefined);
    if (value === null || value === '') missing.push(key);
  }
  return missing;
}

export const compileMissing: OperatorCompiler = (site, compiler) => {
  const { budget, limits } = compiler;
  const { path } = site;
  const operands = site.operands;
  const literalKeys: readonly unknown[] | undefined =
    operands.length === 1 && Array.isArray(operands[0]) && operands[0].every(isPrimitive)
      ? operands[0]
      : operands.length > 0 && !Array.isArray(operands[0]) && operands.every(isPrimitive)
        ? operands
        : undefined;

  if (literalKeys !== undefined && compiler.tracer === undefined) {
    // Keys known at compile time: split once.
    const checks = literalKeys.map((key) => ({ key, segments: segmentsOf(key) }));
    if (!site.scoped) for (const { segments } of checks) if (segments.length > 0) compiler.noteVar(segments.join('.'));
    return (s) => {
      const missing: unknown[] = [];
      for (let i = 0; i < checks.length; i++) {
        const { key, segments } = checks[i];
        const value = segments.length === 0 ? s : readPath(s, segments, null);
        if (value === null || value === '') missing.push(key);
      }
      return missing;
    };
  }
  const args = compileOperands(site, compiler);
  return (s) => missingKeys(s, evaluateAll(args, s), budget, limits.arrayLength, path);
};

export const compileMissingSome: OperatorCompiler = (site, compiler) => {
  // json-logic-js reads `options.length` of an absent operand and throws on every evaluation.
  requireOperands(site, 2, 'a minimum count and a list of keys');
  const { budget, limits } = compiler;
  const { path } = site;
  const args = compileOperands(site, compiler);
  const [needArg, optionsArg] = args;
  return withIgnoredOperands(site, 2, args, (s) => {
    const need = needArg(s);
    const options = optionsArg(s);
    const missing = missingKeys(s, Array.isArray(options) ? options : [options], budget, limits.arrayLength, path);
    if (options === null || options === undefined) {
      throw evaluationFailed('"missing_some" needs a list of keys, got ' + String(options), path);
    }
    const count = ownValue(options, 'length');
    return (count as Num) - missing.length >= (need as Num) ? [] : missing;
  });
};
