/** var, missing, missing_some and experiment: literal paths become inline own-property reads. */
import { literalMissingKeys } from '../../operators/data';
import { isPrimitive, type Primitive } from '../../operators/operands';
import { isBlockedKey } from '../../safe-access';
import { anyValue, scalar, withIgnored } from '../expr';
import { jsLiteral } from '../literals';
import type { Expr, Generator, OperatorEmitter } from '../types';

/** A literal `var` path as segments ([] = the whole scope), or 'blocked' when it goes through a blocked key. */
export function literalSegments(path: Primitive): string[] | 'blocked' {
  if (path === '' || path === null) return [];
  const segments = String(path).split('.');
  return segments.some(isBlockedKey) ? 'blocked' : segments;
}

/** json-logic-js's `var` walk for a literal path: the own value found, or `notFound` (a null found is null). */
export function readLiteralPath(g: Generator, path: Primitive, notFound: Primitive): Expr {
  const segments = literalSegments(path);
  if (segments === 'blocked') return scalar(jsLiteral(notFound));
  if (segments.length === 0) return anyValue('s');
  const chain = g.fn.readChain(segments);
  if (notFound === null) return anyValue(`(${chain} ?? null)`);
  const t = g.fn.temp();
  return anyValue(`((${t} = ${chain}) === void 0 ? ${jsLiteral(notFound)} : ${t})`);
}

/**
 * `{"var": path}` / `{"var": [path, default]}` with a literal path; a computed path is left to the
 * interpreter (it splits at run time).
 */
export const emitVar: OperatorEmitter = (site, g) => {
  const [rawPath, rawDefault] = site.operands;
  const n = site.operands.length;
  let main: Expr;
  if (n === 0 || rawPath === '' || rawPath === null) {
    main = anyValue('s'); // the whole scope; a computed default is evaluated but never used
    if (n > 1 && !isPrimitive(rawDefault)) main = anyValue(`(${g.emit(rawDefault, site.operandPath(1), site.scoped).code}, s)`);
  } else if (!isPrimitive(rawPath)) {
    return undefined;
  } else if (n < 2 || isPrimitive(rawDefault)) {
    main = readLiteralPath(g, rawPath, n < 2 ? null : (rawDefault as Primitive));
  } else {
    const fallback = g.emit(rawDefault, site.operandPath(1), site.scoped);
    const segments = literalSegments(rawPath);
    const d = g.fn.temp();
    const notFound = `(${d} = ${fallback.code}) === void 0 ? null : ${d}`;
    if (segments === 'blocked') main = anyValue(`(${notFound})`);
    else {
      const t = g.fn.temp();
      main = anyValue(`(${d} = (${notFound}), (${t} = ${g.fn.readChain(segments)}) === void 0 ? ${d} : ${t})`);
    }
  }
  return withIgnored(site, 2, main, g);
};

/** Literal keys: each is a path read; a key is missing when its value is null or "" (no budget: the rule bounds them). */
function literalMissing(g: Generator, keys: readonly unknown[]): string {
  const list = g.fn.temp();
  const parts = [`${list} = []`];
  for (const key of keys) {
    const t = g.fn.temp();
    const value = readLiteralPath(g, key as Primitive, null).code;
    parts.push(`((${t} = ${value}) === null || ${t} === "") && ${list}.push(${jsLiteral(key as Primitive)})`);
  }
  parts.push(list);
  return `(${parts.join(', ')})`;
}

export const emitMissing: OperatorEmitter = (site, g) => {
  const keys = literalMissingKeys(site.operands);
  return keys === undefined ? undefined : anyValue(literalMissing(g, keys));
};

export const emitMissingSome: OperatorEmitter = (site, g) => {
  const [rawNeed, rawOptions] = site.operands;
  if (site.operands.length !== 2 || !isPrimitive(rawNeed) || !Array.isArray(rawOptions) || !rawOptions.every(isPrimitive)) {
    return undefined;
  }
  const missing = g.fn.temp();
  const code = `(${missing} = ${literalMissing(g, rawOptions)}, ${rawOptions.length} - ${missing}.length >= ${jsLiteral(rawNeed)} ? [] : ${missing})`;
  return anyValue(code);
};

/** `{"experiment": ["key", "arm"]}` with literal strings: `experiments[key] === arm`, own properties only. */
export const emitExperiment: OperatorEmitter = (site, g) => {
  const [rawKey, rawArm] = site.operands;
  if (typeof rawKey !== 'string' || typeof rawArm !== 'string') return undefined;
  if (isBlockedKey(rawKey)) return scalar('false');
  return scalar(`(${g.fn.readChain(['experiments', rawKey])} === ${jsLiteral(rawArm)})`);
};
