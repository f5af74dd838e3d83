/**
 * The code generator: walks a validated rule and writes one JavaScript module (a `new Function` body) that
 * evaluates it. Operations it has an emitter for become inline code; any other operation becomes a call of
 * the interpreter's closure for that node (compiled by the same session: same budget, same audiences), so
 * every result is the interpreter's by construction or by an emitter that mirrors it.
 *
 * Rule text never becomes code: primitives are written through literals.ts, everything else (objects,
 * paths for errors, sets, closures) is a constant read from the `K` parameter.
 */
import { constantRuleChecker } from '../constant-folding';
import { operatorSite } from '../operator-site';
import { isPrimitive } from '../operators/operands';
import type { CompileSession } from '../session';
import type { RulePath } from '../types';
import { anyValue, scalar } from './expr';
import { jsLiteral } from './literals';
import { operatorEmitter } from './operators/registry';
import { RUNTIME_NAMES } from './runtime';
import { ScopeFunction } from './scope-function';
import type { Expr, Generator } from './types';

/** json-logic-js's is_logic: an object (not an array) with exactly one key. */
function isOperation(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}

const isPrimitiveItem = (value: unknown) => value === null || typeof value !== 'object';

/** A primitive value (results of folded operations may be undefined) as code. */
function valueLiteral(value: unknown): string {
  return value === undefined ? '(void 0)' : jsLiteral(value as Parameters<typeof jsLiteral>[0]);
}

export interface GeneratedModule {
  /** Body of `new Function('R', 'K', 'B', source)`, which returns the evaluate function. */
  readonly source: string;
  /** The `K` argument. */
  readonly constants: readonly unknown[];
}

export class CodeGenerator implements Generator {
  readonly limits;
  readonly semantics;
  private readonly constants: unknown[] = [];
  private readonly functions: string[] = [];
  private functionCount = 0;
  private readonly audiences = new Map<string, { name: string; scalar: boolean }>();
  private readonly stack: ScopeFunction[] = [];
  private readonly isConstantRule = constantRuleChecker();
  /** Prefix hoisting reads data early; off when an onLog callback could change the data in between. */
  private readonly hoist: boolean;

  constructor(private readonly session: CompileSession) {
    this.limits = session.limits;
    this.semantics = session.semantics;
    this.hoist = session.onLog === undefined;
  }

  get fn(): ScopeFunction {
    return this.stack[this.stack.length - 1];
  }

  /** The module for a rule already validated by `session.compileRoot`. */
  generate(rule: unknown): GeneratedModule {
    const root = this.scopeFunction(rule, [], false).name;
    const lines = [
      '"use strict";',
      `const { ${RUNTIME_NAMES.join(', ')} } = R;`,
      ...this.constants.map((_, i) => `const c${i} = K[${i}];`),
      ...this.functions,
      'return function evaluate(d) {',
      `  B.fuelLeft = ${jsLiteral(this.session.limits.fuel)};`,
      '  try {',
      `    return ${root}(d);`,
      '  } catch (e) {',
      '    throw asRuleError(e);',
      '  }',
      '};',
    ];
    return { source: lines.join('\n'), constants: this.constants.slice() };
  }

  emit(rule: unknown, path: RulePath, scoped: boolean): Expr {
    if (Array.isArray(rule)) return this.emitArray(rule, path, scoped);
    if (!isOperation(rule)) return isPrimitive(rule) ? scalar(jsLiteral(rule)) : anyValue(this.constant(rule));
    if (this.isConstantRule(rule)) return this.folded(rule, path, scoped);
    const site = operatorSite(rule, path, scoped);
    const { op } = site;
    return operatorEmitter(op)?.(site, this) ?? this.closure(rule, path, scoped);
  }

  constant(value: unknown): string {
    this.constants.push(value);
    return `c${this.constants.length - 1}`;
  }

  itemFunction(rule: unknown, path: RulePath): { name: string; scalar: boolean } {
    return this.scopeFunction(rule, path, true);
  }

  moduleFunction(source: (name: string) => string): string {
    const name = `f${this.functionCount++}`;
    this.functions.push(source(name));
    return name;
  }

  audience(key: string): { name: string; scalar: boolean } {
    let generated = this.audiences.get(key);
    if (generated === undefined) {
      // As the interpreter: compiled in place, with paths inside the audience's rule (cycles were refused).
      generated = this.scopeFunction(this.session.audienceRule(key), [], false);
      this.audiences.set(key, generated);
    }
    return generated;
  }

  audienceRule(key: string): unknown {
    return this.session.audienceRule(key);
  }

  private scopeFunction(rule: unknown, path: RulePath, scoped: boolean): { name: string; scalar: boolean } {
    const fn = new ScopeFunction(`f${this.functionCount++}`, this.hoist);
    this.stack.push(fn);
    let body: Expr;
    try {
      body = this.emit(rule, path, scoped);
    } finally {
      this.stack.pop();
    }
    this.functions.push(fn.finish(body.code));
    return { name: fn.name, scalar: body.scalar };
  }

  private emitArray(items: readonly unknown[], path: RulePath, scoped: boolean): Expr {
    if (items.every(isPrimitiveItem)) return anyValue(`${this.constant(items.slice())}.slice()`); // fresh each time
    const parts = items.map((item, i) => this.emit(item, [...path, i], scoped).code);
    return anyValue(`[${parts.join(', ')}]`);
  }

  /** The interpreter's closure for this node. */
  private closure(rule: unknown, path: RulePath, scoped: boolean): Expr {
    return anyValue(`${this.constant(this.session.compile(rule, path, scoped))}(s)`);
  }

  /** An operation on literals only: its value, computed once by the interpreter (as its constant folding does). */
  private folded(rule: unknown, path: RulePath, scoped: boolean): Expr {
    const evaluator = this.session.compile(rule, path, scoped);
    let value: unknown;
    try {
      this.session.budget.fuelLeft = this.session.limits.fuel; // as the interpreter's fold: a full budget
      value = evaluator(undefined);
    } catch {
      return anyValue(`${this.constant(evaluator)}(s)`); // throws at run time, as in the interpreter
    }
    if (value === null || typeof value !== 'object') return scalar(valueLiteral(value));
    if (Array.isArray(value) && value.every(isPrimitiveItem)) return anyValue(`${this.constant(value.slice())}.slice()`);
    return anyValue(`${this.constant(evaluator)}(s)`);
  }
}
