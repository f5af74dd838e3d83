/**
 * map, filter, all, none, some as plain loops: one module-level function per operation, the per-item rule
 * as its own scope function, the per-item rule's weight of fuel spent inline. Same checks, in the same order,
 * as operators/arrays.ts (reduce is left to the interpreter).
 */
import type { OperatorSite } from '../../compiler-types';
import { ITERATION_COST, ruleWeight } from '../../fuel';
import { anyValue, scalar } from '../expr';
import { jsLiteral } from '../literals';
import type { Expr, Generator, OperatorEmitter } from '../types';

interface LoopParts {
  source: Expr;
  cost: number;
  item: { name: string; scalar: boolean };
  max: string;
  path: string;
}

function loopParts(site: OperatorSite, g: Generator): LoopParts {
  return {
    source: g.emit(site.operands[0], site.operandPath(0), site.scoped),
    cost: ITERATION_COST + ruleWeight(site.operands[1]),
    item: g.itemFunction(site.operands[1], site.operandPath(1)),
    max: jsLiteral(g.limits.arrayLength),
    path: g.constant(site.path),
  };
}

/** JSON-logic truthiness of `value` (an identifier) for a per-item result. */
function test(value: string, isScalar: boolean): string {
  return isScalar ? value : `(isArray(${value}) ? ${value}.length !== 0 : ${value})`;
}

const spend = (cost: number, path: string) => `if ((B.fuelLeft -= ${cost}) < 0) outOfFuel(${path});`;

/** all / none / some: `stopWhen` is the item truthiness that ends the loop with `stopResult`. */
function quantifier(emptyResult: boolean, stopWhen: boolean, stopResult: boolean): OperatorEmitter {
  return (site, g) => {
    const { source, item, max, path, cost } = loopParts(site, g);
    const name = g.moduleFunction((fn) => [
      `function ${fn}(a) {`,
      `  if (!isArray(a) || a.length === 0) return ${emptyResult};`,
      `  if (a.length > ${max}) throwArrayLimit(a.length, ${max}, ${path});`,
      `  for (let i = 0; i < a.length; i++) {`,
      `    ${spend(cost, path)}`,
      `    const v = ${item.name}(a[i]);`,
      `    if (${stopWhen ? '' : '!'}${test('v', item.scalar)}) return ${stopResult};`,
      `  }`,
      `  return ${!stopResult};`,
      `}`,
    ].join('\n'));
    return scalar(`${name}(${source.code})`);
  };
}

export const emitAll = quantifier(false, false, false);
export const emitNone = quantifier(true, true, false);
export const emitSome = quantifier(false, true, true);

function collect(keep: boolean): OperatorEmitter {
  return (site, g) => {
    const { source, item, max, path, cost } = loopParts(site, g);
    const body = keep
      ? [`    const v = ${item.name}(a[i]);`, `    if (${test('v', item.scalar)}) out.push(a[i]);`]
      : [`    out.push(${item.name}(a[i]));`];
    const name = g.moduleFunction((fn) => [
      `function ${fn}(a) {`,
      `  if (!isArray(a)) return [];`,
      `  if (a.length > ${max}) throwArrayLimit(a.length, ${max}, ${path});`,
      `  const out = [];`,
      `  for (let i = 0; i < a.length; i++) {`,
      `    ${spend(cost, path)}`,
      ...body,
      `  }`,
      `  return out;`,
      `}`,
    ].join('\n'));
    return anyValue(`${name}(${source.code})`);
  };
}

export const emitMap = collect(false);
export const emitFilter = collect(true);
