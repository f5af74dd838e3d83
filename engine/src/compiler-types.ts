import type { Limits } from './limits';
import type { Semantics } from './missing-signals';
import type { Evaluator, RulePath } from './types';

/** Work budget (fuel.ts) shared by every closure of one compiled rule; reset at the start of each evaluation. */
export interface Budget {
  fuelLeft: number;
}

/** One operation being compiled: `{ op: operands }`. */
export interface OperatorSite {
  readonly op: string;
  /** The operands as written; a single non-array operand is wrapped, as json-logic-js does. */
  readonly operands: readonly unknown[];
  /** False when a single operand was written without an array (`{"var": "x"}`) and got wrapped. */
  readonly operandsWrittenAsArray: boolean;
  /** Path of the operation object inside its rule. */
  readonly path: RulePath;
  /** True inside the per-item rule of map/filter/reduce/all/none/some (the scope is an item). */
  readonly scoped: boolean;
  /** Path of operand `index` (the operator key itself when the operand was not wrapped in an array). */
  operandPath(index: number): RulePath;
}

/** Records evaluations for `explain`; absent when compiling for plain evaluation. */
export interface TraceRecorder {
  /** Wraps an operation's evaluator so that each evaluation becomes a node. */
  wrap(site: OperatorSite, evaluator: Evaluator, audience?: string): Evaluator;
  /** Called by `var` while its node is open: the path it read and the value it found. */
  noteVar(read: readonly string[], value: unknown): void;
  /** Called by iteration operators before evaluating the per-item rule for item `index`. */
  enterItem(index: number): void;
  /** The dotted path the last `var` evaluated read (`""` for the whole scope). */
  lastVarPath(): string;
  /** Called by an ordering comparison while its node is open: the signals whose absence made it false. */
  noteMissing(paths: readonly string[]): void;
}

/** What operator compilers may use. */
export interface Compiler {
  readonly limits: Limits;
  readonly budget: Budget;
  readonly tracer: TraceRecorder | undefined;
  readonly onLog: ((value: unknown) => void) | undefined;
  /** How ordering comparisons treat missing signals. */
  readonly semantics: Semantics;
  compile(rule: unknown, path: RulePath, scoped: boolean): Evaluator;
  /** The compiled rule of an audience (compiled once per compile call; unknown keys and cycles throw). */
  compileAudience(key: string, site: OperatorSite): Evaluator;
  /** The rule of an audience (after compileAudience has validated the key). */
  audienceRule(key: string): unknown;
  noteVar(path: string): void;
  noteExperiment(key: string): void;
}

export type OperatorCompiler = (site: OperatorSite, compiler: Compiler) => Evaluator;
