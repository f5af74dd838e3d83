/**
 * var, missing, missing_some — json-logic-js's data access, restricted to own properties (see safe-access.ts).
 * A literal path is split once at compile time; paths through a blocked key are constant misses.
 */
import type { Budget, Compiler, OperatorCompiler } from '../compiler-types';
import { lookupVar, ownValue, readPath } from '../safe-access';
import type { Evaluator, RulePath } from '../types';
import {
  assertArrayLength,
  compileOperands,
  evaluateAll,
  evaluationFailed,
  isPrimitive,
  requireOperands,
  withIgnoredOperands,
} from './operands';
import { chargePath, chargeValue, spendFuel } from '../fuel';
import { pathRef, readRef } from './path-ref';

type Num = number;

/** The path segments a `var` path operand reads; empty for the whole scope. */
function segmentsOf(path: unknown): string[] {
  return path === undefined || path === '' || path === null ? [] : String(path).split('.');
}

export const compileVar: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const [rawPath, rawDefault] = site.operands;
  const [pathArg, defaultArg] = args;
  const { tracer, budget } = compiler;
  const { path: sitePath } = site;

  if (tracer !== undefined) {
    // explain: same result, plus the path read and the value found there.
    return (s) => {
      // a literal path is the rule's (in its weight); a computed one is charged, as below
      const path = args.length === 0 ? undefined : isPrimitive(rawPath) ? pathArg(s) : chargePath(budget, pathArg(s), sitePath);
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
    if (args.length < 2 || isPrimitive(rawDefault)) {
      const ref = pathRef(rawPath, args.length < 2 ? null : rawDefault);
      main = (s) => readRef(s, ref);
    } else {
      const ref = pathRef(rawPath, null);
      main = (s) => {
        const fallback = defaultArg(s);
        const notFound = fallback === undefined ? null : fallback;
        return ref.length === -1 ? notFound : readPath(s, ref.segments, notFound);
      };
    }
    if (!site.scoped) compiler.noteVar(String(rawPath));
  } else if (args.length < 2) {
    // A computed path is converted to a string and split: its length is work.
    main = (s) => lookupVar(s, chargePath(budget, pathArg(s), sitePath), undefined);
  } else {
    main = (s) => lookupVar(s, chargePath(budget, pathArg(s), sitePath), defaultArg(s));
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
    const key = chargeValue(budget, keys[i], path);
    spendFuel(budget, 1, path);
    const value = Array.isArray(key) ? lookupVar(data, key[0], key[1]) : lookupVar(data, key, undefined);
    if (value === null || value === '') missing.push(key);
  }
  return missing;
}

/** Literal keys of `missing`, as json-logic-js picks them (the first operand if it is a list, else all). */
export function literalMissingKeys(operands: readonly unknown[]): readonly unknown[] | undefined {
  if (operands.length === 1 && Array.isArray(operands[0])) return operands[0].every(isPrimitive) ? operands[0] : undefined;
  return operands.length > 0 && !Array.isArray(operands[0]) && operands.every(isPrimitive) ? operands : undefined;
}

/** Keys known at compile time: each becomes a pre-split path read (no budget: the rule bounds them). */
function literalMissingCheck(keys: readonly unknown[], compiler: Compiler, scoped: boolean): (s: unknown) => unknown[] {
  const refs = keys.map((key) => pathRef(key, null));
  if (!scoped) for (const ref of refs) if (ref.length !== 0) compiler.noteVar(ref.text);
  return (s) => {
    const missing: unknown[] = [];
    for (let i = 0; i < refs.length; i++) {
      const value = readRef(s, refs[i]);
      if (value === null || value === '') missing.push(keys[i]);
    }
    return missing;
  };
}

export const compileMissing: OperatorCompiler = (site, compiler) => {
  const { budget, limits } = compiler;
  const { path } = site;
  const literalKeys = literalMissingKeys(site.operands);
  if (literalKeys !== undefined && compiler.tracer === undefined) return literalMissingCheck(literalKeys, compiler, site.scoped);
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
  const [rawNeed, rawOptions] = site.operands;
  if (
    compiler.tracer === undefined && args.length === 2 && isPrimitive(rawNeed) &&
    Array.isArray(rawOptions) && rawOptions.every(isPrimitive) && !rawOptions.some(Array.isArray)
  ) {
    // {"missing_some": [1, ["a", "b"]]}: options known at compile time
    const check = literalMissingCheck(rawOptions, compiler, site.scoped);
    const enough = rawOptions.length;
    return (s) => {
      const missing = check(s);
      return enough - missing.length >= (rawNeed as Num) ? [] : missing;
    };
  }
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
