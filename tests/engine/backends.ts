/**
 * The engine's two backends, for running the same tests against both: generated code and the closure
 * interpreter (the CSP fallback). `engineFor(backend)` gives `compile`/`evaluate` that force that backend;
 * `engineFor(backend, 'json-logic-js')` also forces json-logic-js's exact semantics (the reference mode,
 * for everything compared with json-logic-js), where the default is the product's `personalize` semantics.
 * An explicit `semantics` in the options of a call wins.
 */
import * as engine from '../../engine/src';
import type { CompileOptions, CompiledRule, Rule, Semantics } from '../../engine/src';

export const BACKENDS = ['interpreter', 'codegen'] as const;
export type BackendName = (typeof BACKENDS)[number];
export const SEMANTICS: readonly Semantics[] = ['personalize', 'json-logic-js'];

export function engineFor(backend: BackendName, semantics?: Semantics) {
  const withBackend = (options?: CompileOptions): CompileOptions => ({ semantics, ...options, backend });
  return {
    compile: (rule: Rule, options?: CompileOptions): CompiledRule => {
      const compiled = engine.compile(rule, withBackend(options));
      if (compiled.backend !== backend) throw new Error(`expected the ${backend} backend, got ${compiled.backend}`);
      return compiled;
    },
    evaluate: (rule: Rule, data?: unknown, options?: CompileOptions): unknown => engine.compile(rule, withBackend(options)).evaluate(data),
  };
}
