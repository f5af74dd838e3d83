import type { OperatorSite } from '../compiler-types';
import type { Limits } from '../limits';
import type { Semantics } from '../missing-signals';
import type { RulePath } from '../types';
import type { ScopeFunction } from './scope-function';

/**
 * A generated expression. `code` is self-delimiting (an identifier, literal, call or parenthesised), so it
 * can be placed next to any operator. `scalar`: the value is never an array, so JavaScript's truthiness is
 * JSON-logic's and `&&`/`||`/`!` apply directly.
 */
export interface Expr {
  readonly code: string;
  readonly scalar: boolean;
}

/** What operator emitters may use. */
export interface Generator {
  readonly limits: Limits;
  /** How ordering comparisons treat missing signals. */
  readonly semantics: Semantics;
  /** The function being generated (its scope is `s`). */
  readonly fn: ScopeFunction;
  emit(rule: unknown, path: RulePath, scoped: boolean): Expr;
  /** A constant of the generated module (objects, paths, sets, closures...): its name. */
  constant(value: unknown): string;
  /** A function `(s) => <rule>` for the per-item rule of map/filter/all/none/some. */
  itemFunction(rule: unknown, path: RulePath): { name: string; scalar: boolean };
  /** A module-level function with the given source (its name is passed to `source`). */
  moduleFunction(source: (name: string) => string): string;
  /** The function of an audience (generated once per compile). */
  audience(key: string): { name: string; scalar: boolean };
  /** The rule of an audience (after `audience(key)`). */
  audienceRule(key: string): unknown;
}

/** Emits an operation, or returns undefined to let the interpreter's closure evaluate it. */
export type OperatorEmitter = (site: OperatorSite, g: Generator) => Expr | undefined;
