/**
 * explain(): evaluates a rule compiled with a tracer and returns the tree of operations that ran, with
 * what each returned. Same compiler, same closures, so results cannot drift from `evaluate`.
 */
import { CompileSession, asRuleError, type CompileOptions } from './session';
import type { OperatorSite, TraceRecorder } from './compiler-types';
import { truthy } from './truthy';
import type { Evaluator, ExplainNode, Rule } from './types';

/** The tree stops recording new nodes past this many (counted in `omitted` of their parent). */
export const MAX_EXPLAIN_NODES = 500;

const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_VALUE_DEPTH = 3;

/** A JSON-safe, bounded copy of a value for the tree (the root result is kept exact). */
export function abbreviate(value: unknown, depth = 0): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') return value.length > MAX_STRING ? value.slice(0, MAX_STRING) + '…' : value;
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'number' || typeof value === 'boolean' ? value : null;
  }
  if (Array.isArray(value)) {
    if (depth >= MAX_VALUE_DEPTH) return `[array of ${value.length}]`;
    const items = value.slice(0, MAX_ITEMS).map((item) => abbreviate(item, depth + 1));
    if (value.length > MAX_ITEMS) items.push(`… ${value.length - MAX_ITEMS} more`);
    return items;
  }
  const keys = Object.keys(value);
  if (depth >= MAX_VALUE_DEPTH) return `[object with ${keys.length} keys]`;
  const out: Record<string, unknown> = {};
  for (const key of keys.slice(0, MAX_ITEMS)) {
    Object.defineProperty(out, key, {
      value: abbreviate((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (keys.length > MAX_ITEMS) out['…'] = `${keys.length - MAX_ITEMS} more keys`;
  return out;
}

class Tracer implements TraceRecorder {
  roots: ExplainNode[] = [];
  /** Open nodes; null marks an evaluation that is not recorded (over the cap). */
  private readonly stack: (ExplainNode | null)[] = [];
  private recorded = 0;
  private pendingItem: number | undefined;
  private pendingDepth = -1;
  private lastPath = '';

  wrap(site: OperatorSite, evaluator: Evaluator, audience?: string): Evaluator {
    const { op, path } = site;
    return (scope) => {
      const node = this.open(op, path, audience);
      const result = evaluator(scope);
      this.close(node, result);
      return result;
    };
  }

  /** Forgets the previous evaluation's nodes, so one compiled tracer can explain many. */
  reset(): void {
    this.roots = [];
    this.stack.length = 0;
    this.recorded = 0;
    this.pendingItem = undefined;
    this.pendingDepth = -1;
    this.lastPath = '';
  }

  noteVar(read: readonly string[], value: unknown): void {
    this.lastPath = read.join('.');
    const node = this.stack[this.stack.length - 1];
    if (node) {
      node.read = read.slice();
      node.value = abbreviate(value);
    }
  }

  lastVarPath(): string {
    return this.lastPath;
  }

  noteMissing(paths: readonly string[]): void {
    const node = this.stack[this.stack.length - 1];
    if (node) node.missing = [...new Set(paths)];
  }

  enterItem(index: number): void {
    this.pendingItem = index;
    this.pendingDepth = this.stack.length;
  }

  private open(op: string, path: readonly (string | number)[], audience: string | undefined): ExplainNode | null {
    const parent = this.stack.length > 0 ? this.stack[this.stack.length - 1] : undefined;
    if (parent === null || (parent !== undefined && this.recorded >= MAX_EXPLAIN_NODES)) {
      if (parent) parent.omitted = (parent.omitted ?? 0) + 1;
      this.stack.push(null);
      return null;
    }
    const node: ExplainNode = { op, path: path.slice(), result: null, truthy: false };
    if (audience !== undefined) node.audience = audience;
    if (this.pendingItem !== undefined && this.stack.length === this.pendingDepth) {
      node.item = this.pendingItem;
      this.pendingItem = undefined;
    }
    this.recorded++;
    if (parent === undefined) this.roots.push(node);
    else (parent.children ??= []).push(node);
    this.stack.push(node);
    return node;
  }

  private close(node: ExplainNode | null, result: unknown): void {
    this.stack.pop();
    if (this.stack.length < this.pendingDepth) this.pendingItem = undefined;
    if (node) {
      node.result = abbreviate(result);
      node.truthy = truthy(result);
    }
  }
}

/** A rule compiled once for explaining, then explained against many data. */
export interface Explainer {
  explain(data?: unknown): ExplainNode;
}

/**
 * Compiles `rule` with tracing once; each `explain(data)` evaluates it and returns the operations that
 * ran: each node has the operator, its path in the rule, its result and truthiness; `var` nodes also
 * say what they read. Branches skipped by short-circuiting are absent. The root's `result` is exactly
 * what `evaluate` returns. Throws RuleError at compile time for an invalid rule.
 */
export function createExplainer(rule: Rule, options?: CompileOptions): Explainer {
  const tracer = new Tracer();
  const session = new CompileSession(options, tracer);
  const root = session.compileRoot(rule);
  const isOperation = typeof rule === 'object' && rule !== null && !Array.isArray(rule) && Object.keys(rule).length === 1;
  return {
    explain(data?: unknown): ExplainNode {
      tracer.reset();
      session.budget.fuelLeft = session.limits.fuel;
      let result: unknown;
      try {
        result = root(data);
      } catch (error) {
        throw asRuleError(error);
      }
      if (isOperation && tracer.roots.length === 1) {
        const node = tracer.roots[0];
        node.result = result;
        return node;
      }
      const node: ExplainNode = { op: Array.isArray(rule) ? 'array' : 'literal', path: [], result, truthy: truthy(result) };
      if (tracer.roots.length > 0) node.children = tracer.roots;
      return node;
    },
  };
}

/** One-shot `createExplainer(rule, options).explain(data)`. */
export function explain(rule: Rule, data?: unknown, options?: CompileOptions): ExplainNode {
  return createExplainer(rule, options).explain(data);
}
