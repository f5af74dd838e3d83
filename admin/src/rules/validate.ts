import { compile, RuleError, formatRulePath } from '../../../engine/src';
import { entryFor, keyOf, type FieldEntry } from './fields';
import { fromJsonLogic, toJsonLogic } from './jsonLogic';
import { AUDIENCE_FIELD, EXPERIMENT_FIELD, JSON_FIELD, isGroup, type JsonLogic, type RuleGroupType, type RuleType } from './types';

export interface ConditionProblem {
  /** JSON path inside the condition, as the engine reports it. */
  path: (string | number)[];
  message: string;
}

const DEFAULT_LIMITS = { depth: 32, bytes: 16384 };

/**
 * Compiles a condition with the engine as the server will (audience library and size limits).
 * Until the library is known (`audiences === null`), references to it are not reported.
 */
export const checkCondition = (condition: JsonLogic, audiences: Record<string, unknown> | null): ConditionProblem | null => {
  if (condition === null || condition === undefined) return null;
  try {
    compile(condition as never, { audiences: (audiences ?? {}) as never, limits: DEFAULT_LIMITS });
    return null;
  } catch (error) {
    if (!(error instanceof RuleError)) return { path: [], message: String(error) };
    if (audiences === null && error.code === 'unknown_audience') return null;
    return { path: error.path, message: error.detail };
  }
};

export const describeProblem = (problem: ConditionProblem) =>
  problem.path.length ? `${problem.message} (at ${formatRulePath(problem.path)})` : problem.message;

/** What is wrong with one builder rule, in words, or null. */
const ruleProblem = (rule: RuleType, entries: FieldEntry[], audiences: Record<string, unknown> | null): string | null => {
  const entry = entryFor(entries, rule.field);
  if (rule.field !== JSON_FIELD && rule.field !== AUDIENCE_FIELD && rule.field !== EXPERIMENT_FIELD) {
    if (!entry) return `Unknown signal "${rule.field}"`;
    if (entry.keyed && !keyOf(entry, rule.field)) return 'Enter a name after the signal';
  }
  if (rule.field === AUDIENCE_FIELD && (typeof rule.value !== 'string' || !rule.value)) return 'Pick an audience';
  if (rule.field === EXPERIMENT_FIELD) {
    const [key, arm] = Array.isArray(rule.value) ? rule.value : [];
    if (!key || !arm) return 'Enter the experiment key and the arm';
  }
  if (entry?.kind === 'number' && ['=', '!=', '<', '<=', '>', '>='].includes(rule.operator) && typeof rule.value !== 'number') {
    return 'Enter a number';
  }
  if (rule.operator === 'between') {
    const [low, high] = Array.isArray(rule.value) ? rule.value : [];
    if (typeof low !== 'number' || typeof high !== 'number') return 'Enter both bounds';
    if (low > high) return 'The lower bound is above the upper bound';
  }
  if ((rule.operator === 'in' || rule.operator === 'notIn') && (!Array.isArray(rule.value) || rule.value.length === 0)) {
    return 'Enter at least one value';
  }
  const problem = checkCondition(toJsonLogic({ combinator: 'and', rules: [rule] }), audiences);
  return problem ? describeProblem(problem) : null;
};

/** Problems of every rule of the tree, by rule id, to show under each rule. */
export const ruleProblems = (
  tree: RuleGroupType,
  entries: FieldEntry[],
  audiences: Record<string, unknown> | null
): Record<string, string> => {
  const problems: Record<string, string> = {};
  const visit = (group: RuleGroupType) => {
    for (const item of group.rules) {
      if (typeof item === 'string') continue;
      if (isGroup(item)) {
        visit(item);
        if (item.rules.length === 0 && item.id) problems[item.id] = 'An empty group never matches: add a condition or remove it';
      } else if (item.id) {
        const problem = ruleProblem(item, entries, audiences);
        if (problem) problems[item.id] = problem;
      }
    }
  };
  visit(tree);
  return problems;
};

/** Parses the JSON tab's text: the rule, or where the text is wrong. */
export const parseConditionText = (
  text: string,
  audiences: Record<string, unknown> | null
): { condition: JsonLogic; problem: string | null } => {
  if (text.trim() === '') return { condition: null, problem: null };
  let condition: unknown;
  try {
    condition = JSON.parse(text);
  } catch (error) {
    return { condition: undefined, problem: `Not valid JSON: ${(error as Error).message}` };
  }
  const problem = checkCondition(condition, audiences);
  return { condition, problem: problem ? describeProblem(problem) : null };
};

export { fromJsonLogic, toJsonLogic };
