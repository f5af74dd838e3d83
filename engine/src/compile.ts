/**
 * compile(): validates a rule once and returns its evaluator. Two backends with identical semantics:
 * generated code (codegen/, `new Function`) where the environment allows it, and the closure interpreter
 * (session.ts + operators/) everywhere else, e.g. in a browser whose CSP has no `unsafe-eval`.
 */
import { chooseBackend } from './backend';
import { generateEvaluator } from './codegen';
import type { Budget } from './compiler-types';
import { CompileSession, asRuleError, type CompiledRule, type CompileOptions } from './session';
import { truthy } from './truthy';
import type { Evaluator, Rule } from './types';

export { CompileSession, asRuleError, MAX_AUDIENCE_NESTING } from './session';
export type { CompileOptions, CompiledRule } from './session';

/** The interpreter's entry point: resets the budget and turns any failure into a RuleError. */
function entryPoint(root: Evaluator, budget: Budget, fuel: number): (data?: unknown) => unknown {
  return (data) => {
    budget.fuelLeft = fuel;
    try {
      return root(data);
    } catch (error) {
      throw asRuleError(error);
    }
  };
}

/** Validates and compiles a rule; throws RuleError when the rule is invalid. */
export function compile(rule: Rule, options?: CompileOptions): CompiledRule {
  const wanted = chooseBackend(options?.backend);
  const session = new CompileSession(options);
  const root = session.compileRoot(rule); // validation, references and the interpreter, for every backend
  let evaluateRule: ((data?: unknown) => unknown) | undefined;
  let backend: 'codegen' | 'interpreter' = 'interpreter';
  if (wanted === 'codegen') {
    try {
      evaluateRule = generateEvaluator(rule, session);
      backend = 'codegen';
    } catch (error) {
      // 'auto' falls back quietly (e.g. new Function blocked after all); an explicit 'codegen' reports it.
      if (options?.backend === 'codegen') throw error;
    }
  }
  evaluateRule ??= entryPoint(root, session.budget, session.limits.fuel);
  const evaluator = evaluateRule;
  return Object.freeze({
    evaluate: evaluator,
    matches: (data?: unknown) => truthy(evaluator(data)),
    references: session.references(),
    limits: Object.freeze({ ...session.limits }),
    backend,
    semantics: session.semantics,
  });
}

/** One-shot compile and evaluate (prefer `compile` once and `evaluate` many). */
export function evaluate(rule: Rule, data?: unknown, options?: CompileOptions): unknown {
  return compile(rule, options).evaluate(data);
}
