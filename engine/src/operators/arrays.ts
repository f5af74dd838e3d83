/**
 * merge and the iterating operators. map/filter/all/none/some evaluate the per-item rule with the item as
 * scope; reduce with `{current, accumulator}`. Every visited item spends the per-item rule's weight of
 * fuel, and merge one unit per item it copies (see ../fuel.ts).
 */
import type { Compiler, OperatorCompiler, OperatorSite } from '../compiler-types';
import type { Evaluator } from '../types';
import { ITERATION_COST, ruleWeight, spendFuel } from '../fuel';
import { assertArrayLength, compileOperands, requireOperands } from './operands';
import { literalVarRef, readRef } from './path-ref';

export const compileMerge: OperatorCompiler = (site, compiler) => {
  const args = compileOperands(site, compiler);
  const max = compiler.limits.arrayLength;
  const { budget } = compiler;
  const { path } = site;
  return (s) => {
    // [].concat(a, b, ...): arrays are flattened one level, anything else is appended.
    const merged: unknown[] = [];
    for (let i = 0; i < args.length; i++) {
      const value = args[i](s);
      if (Array.isArray(value)) {
        assertArrayLength(merged.length + value.length, max, path);
        spendFuel(budget, value.length, path);
        for (let j = 0; j < value.length; j++) merged.push(value[j]);
      } else {
        assertArrayLength(merged.length + 1, max, path);
        merged.push(value);
      }
    }
    return merged;
  };
};

interface IterationParts {
  source: Evaluator;
  perItem: Evaluator;
  /** Fuel one item costs: the per-item rule's weight. */
  cost: number;
}

/** The array operand and the per-item rule (compiled with `scoped`, so its vars read the item). */
function iterationParts(site: OperatorSite, compiler: Compiler): IterationParts {
  requireOperands(site, 2, 'an array and a rule to apply to each item');
  const ref = literalVarRef(site.operands[0], compiler, site.scoped);
  return {
    // {"some": [{"var": "behavior.recentlyViewed"}, ...]}: read the array without a closure call
    source: ref !== undefined ? (s) => readRef(s, ref) : compiler.compile(site.operands[0], site.operandPath(0), site.scoped),
    perItem: compiler.compile(site.operands[1], site.operandPath(1), true),
    cost: ITERATION_COST + ruleWeight(site.operands[1]),
  };
}

export const compileMap: OperatorCompiler = (site, compiler) => {
  const { source, perItem, cost } = iterationParts(site, compiler);
  const { budget, tracer } = compiler;
  const max = compiler.limits.arrayLength;
  const { path } = site;
  return (s) => {
    const items = source(s);
    if (!Array.isArray(items)) return [];
    assertArrayLength(items.length, max, path);
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      spendFuel(budget, cost, path);
      if (tracer !== undefined) tracer.enterItem(i);
      out.push(perItem(items[i]));
    }
    return out;
  };
};

export const compileFilter: OperatorCompiler = (site, compiler) => {
  const { source, perItem, cost } = iterationParts(site, compiler);
  const { budget, tracer } = compiler;
  const max = compiler.limits.arrayLength;
  const { path } = site;
  return (s) => {
    const items = source(s);
    if (!Array.isArray(items)) return [];
    assertArrayLength(items.length, max, path);
    const out: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      spendFuel(budget, cost, path);
      if (tracer !== undefined) tracer.enterItem(i);
      const keep = perItem(items[i]);
      if (Array.isArray(keep) ? keep.length !== 0 : keep) out.push(items[i]);
    }
    return out;
  };
};

export const compileReduce: OperatorCompiler = (site, compiler) => {
  const { source, perItem, cost } = iterationParts(site, compiler);
  // The initial value is evaluated only when written; without it the accumulator starts at null.
  const initial: Evaluator =
    site.operands.length > 2 ? compiler.compile(site.operands[2], site.operandPath(2), site.scoped) : () => null;
  const { budget, tracer } = compiler;
  const max = compiler.limits.arrayLength;
  const { path } = site;
  return (s) => {
    const items = source(s);
    let accumulator = initial(s);
    if (!Array.isArray(items)) return accumulator;
    assertArrayLength(items.length, max, path);
    for (let i = 0; i < items.length; i++) {
      spendFuel(budget, cost, path);
      if (tracer !== undefined) tracer.enterItem(i);
      accumulator = perItem({ current: items[i], accumulator });
    }
    return accumulator;
  };
};

/** all / none / some: `stopWhen` is the item truthiness that ends the loop with `stopResult`. */
function quantifier(emptyResult: boolean, stopWhen: boolean, stopResult: boolean): OperatorCompiler {
  return (site, compiler) => {
    const { source, perItem, cost } = iterationParts(site, compiler);
    const { budget, tracer } = compiler;
    const max = compiler.limits.arrayLength;
    const { path } = site;
    return (s) => {
      const items = source(s);
      if (!Array.isArray(items) || items.length === 0) return emptyResult;
      assertArrayLength(items.length, max, path);
      for (let i = 0; i < items.length; i++) {
        spendFuel(budget, cost, path);
        if (tracer !== undefined) tracer.enterItem(i);
        const v = perItem(items[i]);
        if ((Array.isArray(v) ? v.length !== 0 : !!v) === stopWhen) return stopResult;
      }
      return !stopResult;
    };
  };
}

export const compileAll = quantifier(false, false, false);
export const compileNone = quantifier(true, true, false);
export const compileSome = quantifier(false, true, true);
