/**
 * A compilation session: validation, audience resolution, references and the closure compiler (the
 * interpreter backend). The code generator (codegen/) reuses a session for all of these, so compile-time
 * errors, references and every operator it does not generate itself are the interpreter's by construction.
 */
import type { Budget, Compiler, OperatorSite, TraceRecorder } from './compiler-types';
import { constantRuleChecker, foldConstant } from './constant-folding';
import { RuleError, formatRulePath } from './errors';
import { resolveLimits, type LimitOverrides, type Limits } from './limits';
import { assertRuleShape } from './measure';
import { parseSemantics, type Semantics } from './missing-signals';
import { operatorSite } from './operator-site';
import { operatorCompiler } from './operators/registry';
import type { Evaluator, Rule, RulePath, RuleReferences } from './types';

export interface CompileOptions {
  /** Audience key → rule, for `{"audience": "key"}`. */
  audiences?: Readonly<Record<string, Rule>>;
  limits?: LimitOverrides;
  /** Receives the values passed to `log` (default: ignored; the engine never writes to the console). */
  onLog?: (value: unknown) => void;
  /**
   * How the rule is evaluated: generated code (`new Function`, fastest) or the closure interpreter (works
   * under a Content Security Policy without unsafe-eval). `auto` (default) uses generated code when the
   * environment allows it; `codegen` throws when it does not.
   */
  backend?: 'auto' | 'codegen' | 'interpreter';
  /**
   * `personalize` (default): `<`, `<=`, `>`, `>=` (and the between forms) are false when a compared operand
   * is a `var` without a default whose value is missing (absent or null): a missing signal never satisfies
   * an ordering comparison. `json-logic-js`: exactly json-logic-js 2.0.5's results (`null < 10` is true).
   */
  semantics?: Semantics;
}

export interface CompiledRule {
  /** Evaluates the rule against `data`; throws a RuleError when a runtime limit is hit. */
  evaluate(data?: unknown): unknown;
  /** `truthy(evaluate(data))`: whether a condition matches. */
  matches(data?: unknown): boolean;
  readonly references: RuleReferences;
  readonly limits: Readonly<Limits>;
  /** Which backend evaluates this rule: generated code, or the closure interpreter. */
  readonly backend: 'codegen' | 'interpreter';
  /** How ordering comparisons treat missing signals (the `semantics` option, resolved). */
  readonly semantics: Semantics;
}

/** Audiences may reference audiences; a chain longer than this is refused (it also bounds recursion). */
export const MAX_AUDIENCE_NESTING = 16;

const hasOwn = Object.prototype.hasOwnProperty;

/** json-logic-js's is_logic: an object (not an array) with exactly one key. */
function isOperation(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1;
}

function isPrimitiveLiteral(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** Compiles one rule (and the audiences it reaches). `tracer` is set by `explain`. */
export class CompileSession implements Compiler {
  readonly limits: Limits;
  readonly budget: Budget;
  readonly tracer: TraceRecorder | undefined;
  readonly onLog: ((value: unknown) => void) | undefined;
  readonly semantics: Semantics;
  private readonly audienceRules: Readonly<Record<string, unknown>>;
  private readonly audienceCache = new Map<string, Evaluator>();
  private readonly audienceStack: string[] = [];
  private readonly audienceKeys = new Set<string>();
  private readonly experimentKeys = new Set<string>();
  private readonly varPaths = new Set<string>();
  private readonly isConstantRule = constantRuleChecker();

  constructor(options: CompileOptions | undefined, tracer?: TraceRecorder) {
    this.limits = resolveLimits(options?.limits);
    this.budget = { fuelLeft: this.limits.fuel };
    this.tracer = tracer;
    this.onLog = options?.onLog;
    this.semantics = parseSemantics(options?.semantics);
    const audiences: unknown = options?.audiences ?? {};
    if (typeof audiences !== 'object' || audiences === null || Array.isArray(audiences)) {
      throw new TypeError('options.audiences must be an object of audience key → rule');
    }
    this.audienceRules = audiences as Record<string, unknown>;
  }

  /** Validates and compiles a top-level rule. */
  compileRoot(rule: unknown): Evaluator {
    assertRuleShape(rule, this.limits);
    return this.compile(rule, [], false);
  }

  compile(rule: unknown, path: RulePath, scoped: boolean): Evaluator {
    if (Array.isArray(rule)) return this.compileArray(rule, path, scoped);
    if (!isOperation(rule)) return () => rule; // primitives, and objects that are data (0 or 2+ keys)
    const site = operatorSite(rule, path, scoped);
    const { op } = site;
    const compileOperator = operatorCompiler(op);
    if (compileOperator === undefined) {
      throw new RuleError('unknown_operator', `Unknown operator "${op}"`, path);
    }
    const evaluator = compileOperator(site, this);
    if (this.tracer === undefined) return this.isConstantRule(rule) ? this.fold(evaluator) : evaluator;
    return this.tracer.wrap(site, evaluator, op === 'audience' ? String(site.operands[0]) : undefined);
  }

  /**
   * A constant operation evaluated once, now, with a full budget: folding never depends on what was
   * folded before, so both backends fold the same operations (and a fold is free at run time).
   */
  fold(evaluator: Evaluator): Evaluator {
    this.budget.fuelLeft = this.limits.fuel;
    return foldConstant(evaluator);
  }

  /** Arrays are evaluated element by element into a fresh array (callers may mutate results). */
  private compileArray(items: readonly unknown[], path: RulePath, scoped: boolean): Evaluator {
    if (items.every(isPrimitiveLiteral)) {
      const template = items.slice();
      return () => template.slice();
    }
    const parts = items.map((item, i) => this.compile(item, [...path, i], scoped));
    if (parts.length === 1) {
      const [a] = parts;
      return (s) => [a(s)];
    }
    if (parts.length === 2) {
      const [a, b] = parts;
      return (s) => [a(s), b(s)];
    }
    return (s) => {
      const out: unknown[] = [];
      for (let i = 0; i < parts.length; i++) out.push(parts[i](s));
      return out;
    };
  }

  compileAudience(key: string, site: OperatorSite): Evaluator {
    if (!hasOwn.call(this.audienceRules, key)) {
      throw new RuleError('unknown_audience', `Unknown audience "${key}"`, site.path);
    }
    const cached = this.audienceCache.get(key);
    if (cached !== undefined) return cached;
    const cycleStart = this.audienceStack.indexOf(key);
    if (cycleStart !== -1) {
      const cycle = [...this.audienceStack.slice(cycleStart), key].join(' → ');
      throw new RuleError('audience_cycle', `Audience cycle: ${cycle}`, site.path);
    }
    if (this.audienceStack.length >= MAX_AUDIENCE_NESTING) {
      throw new RuleError('too_deep', `Audiences nest deeper than ${MAX_AUDIENCE_NESTING} levels`, site.path);
    }
    this.audienceKeys.add(key);
    this.audienceStack.push(key);
    let evaluator: Evaluator;
    try {
      const rule = this.audienceRules[key];
      assertRuleShape(rule, this.limits);
      evaluator = this.compile(rule, [], false);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      // Report at the reference in this rule; say where inside the audience it went wrong.
      const inner = `${error.detail} (at ${formatRulePath(error.path)} in audience "${key}")`;
      throw new RuleError(error.code, inner, site.path);
    } finally {
      this.audienceStack.pop();
    }
    this.audienceCache.set(key, evaluator);
    return evaluator;
  }

  /** The rule of an audience (call after compileAudience has validated the key). */
  audienceRule(key: string): unknown {
    return this.audienceRules[key];
  }

  noteVar(path: string): void {
    this.varPaths.add(path);
  }

  noteExperiment(key: string): void {
    this.experimentKeys.add(key);
  }

  references(): RuleReferences {
    return Object.freeze({
      audiences: Object.freeze([...this.audienceKeys]),
      experiments: Object.freeze([...this.experimentKeys]),
      vars: Object.freeze([...this.varPaths]),
    });
  }
}

/** Anything thrown while evaluating becomes a RuleError (native TypeErrors are where json-logic-js throws too). */
export function asRuleError(error: unknown): RuleError {
  if (error instanceof RuleError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RuleError('evaluation_failed', `Evaluation failed: ${message}`, []);
}
