/**
 * flagd's string and version operations (OpenFeature flagd, core/pkg/evaluator): sem_ver, starts_with,
 * ends_with (`fractional` lives in fractional.ts). Operands are evaluated first, as JSON-logic does before
 * calling them; the operands must be written as an array (flagd's rule); every invalid input gives null.
 */
import type { OperatorCompiler } from '../compiler-types';
import { parseFlagdSemVer, semVerMatches } from '../semver';
import type { Evaluator } from '../types';
import { chargeValue } from '../fuel';
import { compileOperands, evaluateAll } from './operands';

/**
 * `sem_ver`: [version, operator, version] with =, !=, <, <=, >, >=, ^ (same major), ~ (same minor). A version
 * is a string or a number (printed as Go prints a float64: 1.2 → "1.2", 1e6 → "1e+06"), see ../semver.
 */
export function semVer(values: readonly unknown[]): boolean | null {
  if (values.length !== 3) return null;
  const actual = parseFlagdSemVer(values[0]);
  const operator = values[1];
  const target = parseFlagdSemVer(values[2]);
  if (actual === undefined || target === undefined || typeof operator !== 'string') return null;
  return semVerMatches(actual, operator, target) ?? null;
}

export const compileSemVer: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const { budget } = compiler;
  const { path } = site;
  // Parsing a version is work: the values are charged to the fuel (../fuel.ts).
  if (!site.operandsWrittenAsArray || args.length !== 3) return (s) => (evaluateAll(args, s), null);
  const [, rawOperator, rawTarget] = site.operands;
  const [actualArg] = args;
  if (typeof rawOperator === 'string' && (typeof rawTarget === 'string' || typeof rawTarget === 'number')) {
    // The usual form, {"sem_ver": [{"var": "appVersion"}, ">=", "2.1.0"]}: parse the target once.
    const target = parseFlagdSemVer(rawTarget);
    if (target === undefined || semVerMatches(target, rawOperator, target) === undefined) {
      return (s) => (actualArg(s), null);
    }
    return (s) => {
      const actual = parseFlagdSemVer(chargeValue(budget, actualArg(s), path));
      return actual === undefined ? null : (semVerMatches(actual, rawOperator, target) ?? null);
    };
  }
  return (s) => semVer(evaluateAll(args, s).map((value) => chargeValue(budget, value, path)));
};

function stringPair(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string';
}

export function startsWith(values: readonly unknown[]): boolean | null {
  return values.length === 2 && stringPair(values[0], values[1]) ? (values[0] as string).startsWith(values[1] as string) : null;
}

export function endsWith(values: readonly unknown[]): boolean | null {
  return values.length === 2 && stringPair(values[0], values[1]) ? (values[0] as string).endsWith(values[1] as string) : null;
}

function affixOperator(test: (text: string, affix: string) => boolean): OperatorCompiler {
  return (site, compiler) => {
    const args = compileOperands(site, compiler);
    if (!site.operandsWrittenAsArray || args.length !== 2) {
      return (s) => (evaluateAll(args, s), null);
    }
    const [textArg, affixArg]: Evaluator[] = args;
    const { budget } = compiler;
    const { path } = site;
    return (s) => {
      const text = chargeValue(budget, textArg(s), path);
      const affix = chargeValue(budget, affixArg(s), path);
      return typeof text === 'string' && typeof affix === 'string' ? test(text, affix) : null;
    };
  };
}

export const compileStartsWith = affixOperator((text, affix) => text.startsWith(affix));
export const compileEndsWith = affixOperator((text, affix) => text.endsWith(affix));
