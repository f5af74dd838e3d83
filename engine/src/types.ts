/** Shared types of the rule engine. Pure TypeScript: no runtime imports. */

export type JsonPrimitive = string | number | boolean | null;

/** Any JSON value. Read-only so that both mutable and frozen rules are accepted. */
export type JsonValue = JsonPrimitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON-logic rule: any JSON value; objects with exactly one key are operations. */
export type Rule = JsonValue;

/** JSON path of a node inside a rule, e.g. `["and", 1, "<", 0]`. */
export type RulePath = (string | number)[];

/** A compiled node: evaluates against the current data scope (the data, or an item inside map/filter/...). */
export type Evaluator = (scope: unknown) => unknown;

/** What a rule refers to, collected at compile time (constant references only). */
export interface RuleReferences {
  /** Audience keys, including those referenced by the audiences themselves. */
  readonly audiences: readonly string[];
  /** Experiment keys used by `experiment` with a literal key. */
  readonly experiments: readonly string[];
  /** Dotted data paths read by `var` with a literal path at the top scope (not inside map/filter/...). */
  readonly vars: readonly string[];
}

/** One evaluated operation in an `explain` tree. JSON-serialisable. */
export interface ExplainNode {
  /** Operator name; `"literal"`/`"array"` for a root that is not an operation. */
  op: string;
  /** Path of the operation inside its rule (inside the audience's rule below an `audience` node). */
  path: RulePath;
  /** What the operation returned (large values are abbreviated below the root). */
  result: unknown;
  /** JSON-logic truthiness of `result`. */
  truthy: boolean;
  /** `var`: the data path read, as segments (`[]` = the whole scope). */
  read?: string[];
  /** `var`: the value found at that path (`null` when missing), before any default. */
  value?: unknown;
  /**
   * `<`, `<=`, `>`, `>=` under the `personalize` semantics: the dotted paths of the `var` operands whose
   * value was missing (absent or null), which made the comparison false. Absent when none was.
   */
  missing?: string[];
  /** `audience`: the audience key; its children are nodes of that audience's rule. */
  audience?: string;
  /** Index of the array item this evaluation ran for, inside map/filter/reduce/all/none/some. */
  item?: number;
  /** Operations evaluated below this node, in evaluation order (skipped branches are absent). */
  children?: ExplainNode[];
  /** Evaluations below this node that were not recorded because the tree reached its size cap. */
  omitted?: number;
}
