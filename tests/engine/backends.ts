/**
 * The engine's two backends, for running the same tests against both: generated code and the closure
 * interpreter (the CSP fallback). `engineFor(backend)` gives `compile`/`evaluate` that force that backend.
 */
import * as engine from '../../engine/src';
import type { CompileOptions, CompiledRule, Rule } from '../../engine/src';

export const BACKENDS = ['interpreter', 'codegen'] as const;
export type BackendName = (typeof BACKENDS)[number];

export function engineFor(backend: BackendName) {
  const withBackend = (options?: CompileOptions): CompileOptions => ({ ...options, backend });
  return {
    compile: (rule: Rule, options?: CompileOptions): CompiledRule => {
      const compiled = engine.compile(rule, withBackend(options));
      if (compiled.backend !== backend) throw new Error(`expected the ${backend} backend, got ${compiled.backend}`);
      return compiled;
    },
    evaluate: (rule: Rule, data?: unknown, options?: CompileOptions): unknown => engine.compile(rule, withBackend(options)).evaluate(data),
  };
}
