/**
 * The code-generation backend: a rule becomes one generated function (`new Function`), with the same
 * results, errors and limits as the closure interpreter (which it reuses for validation, references and
 * rare operators). Needs `new Function`: see backend.ts for the CSP fallback.
 */
import type { CompileSession } from '../session';
import { CodeGenerator, type GeneratedModule } from './emit';
import { RUNTIME } from './runtime';

export type { GeneratedModule } from './emit';

/** The generated module of a rule that `session.compileRoot` has validated. */
export function generateModule(rule: unknown, session: CompileSession): GeneratedModule {
  return new CodeGenerator(session).generate(rule);
}

/** The evaluate function of a validated rule, as generated code. */
export function generateEvaluator(rule: unknown, session: CompileSession): (data?: unknown) => unknown {
  const { source, constants } = generateModule(rule, session);
  const factory = new Function('R', 'K', 'B', source) as (r: typeof RUNTIME, k: readonly unknown[], b: unknown) => (data?: unknown) => unknown;
  return factory(RUNTIME, constants, session.budget);
}
