import { unknownSignals } from '../../../contracts/src/signals/check';
import { compile, RuleError, formatRulePath } from '../../../engine/src';
import { DEFAULT_LIMITS } from '../../../contracts/src/limits';
import { getTranslation, type FormatMessage } from '../utils/getTranslation';
import { entryFor, keyOf, type FieldEntry } from './fields';
import { fromJsonLogic, toJsonLogic } from './jsonLogic';
import { AUDIENCE_FIELD, EXPERIMENT_FIELD, JSON_FIELD, isGroup, type JsonLogic, type RuleGroupType, type RuleType } from './types';

export interface ConditionProblem {
  /** JSON path inside the condition, as the engine reports it. */
  path: (string | number)[];
  message: string;
  /** An unknown signal the condition reads (the save would refuse it), with the closest known one. */
  signal?: string;
  suggestion?: string;
}

/** The server's default condition limits (contracts/src/limits.ts). */
const CONDITION_LIMITS = { depth: DEFAULT_LIMITS.conditionDepth, bytes: DEFAULT_LIMITS.conditionBytes };

/**
 * Checks a condition as the server will on save: it compiles with the engine (audience library
 * and size limits), and it reads only signals of the vocabulary. Until the library is known
 * (`audiences === null`), references to it are not reported.
 */
export const checkCondition = (condition: JsonLogic, audiences: Record<string, unknown> | null): ConditionProblem | null => {
  if (condition === null || condition === undefined) return null;
  try {
    compile(condition as never, { audiences: (audiences ?? {}) as never, limits: CONDITION_LIMITS });
  } catch (error) {
    if (!(error instanceof RuleError)) return { path: [], message: String(error) };
    if (audiences === null && error.code === 'unknown_audience') return null;
    return { path: error.path, message: error.detail };
  }
  const [unknown] = unknownSignals(condition);
  return unknown ? { path: unknown.path, message: unknown.message, signal: unknown.signal, suggestion: unknown.suggestion } : null;
};

const MESSAGES = {
  at: { id: getTranslation('rules.problem.at'), defaultMessage: '{problem} (at {path})' },
  unknownSignal: { id: getTranslation('rules.problem.unknownSignal'), defaultMessage: 'Unknown signal "{signal}"' },
  unknownSignalSuggest: {
    id: getTranslation('rules.problem.unknownSignalSuggest'),
    defaultMessage: 'Unknown signal "{signal}"; did you mean "{suggestion}"?',
  },
  missingKey: { id: getTranslation('rules.problem.missingKey'), defaultMessage: 'Enter a name after the signal' },
  pickAudience: { id: getTranslation('rules.problem.pickAudience'), defaultMessage: 'Pick an audience' },
  experiment: { id: getTranslation('rules.problem.experiment'), defaultMessage: 'Enter the experiment key and the arm' },
  number: { id: getTranslation('rules.problem.number'), defaultMessage: 'Enter a number' },
  bounds: { id: getTranslation('rules.problem.bounds'), defaultMessage: 'Enter both bounds' },
  boundsOrder: { id: getTranslation('rules.problem.boundsOrder'), defaultMessage: 'The lower bound is above the upper bound' },
  values: { id: getTranslation('rules.problem.values'), defaultMessage: 'Enter at least one value' },
  emptyGroup: {
    id: getTranslation('rules.problem.emptyGroup'),
    defaultMessage: 'An empty group never matches: add a condition or remove it',
  },
  invalidJson: { id: getTranslation('rules.problem.invalidJson'), defaultMessage: 'Not valid JSON: {message}' },
};

/** An unknown signal in words, with the closest known one when there is one. */
const unknownSignalMessage = (signal: string, suggestion: string | undefined, formatMessage: FormatMessage) =>
  suggestion ? formatMessage(MESSAGES.unknownSignalSuggest, { signal, suggestion }) : formatMessage(MESSAGES.unknownSignal, { signal });

/**
 * A problem with where it is. An unknown signal is said in the editor's language; other messages
 * are the engine's (shared with the server, in English).
 */
export const describeProblem = (problem: ConditionProblem, formatMessage: FormatMessage) => {
  const message = problem.signal ? unknownSignalMessage(problem.signal, problem.suggestion, formatMessage) : problem.message;
  return problem.path.length ? formatMessage(MESSAGES.at, { problem: message, path: formatRulePath(problem.path) }) : message;
};

/** What is wrong with one builder rule, in words, or null. */
const ruleProblem = (
  rule: RuleType,
  entries: FieldEntry[],
  audiences: Record<string, unknown> | null,
  formatMessage: FormatMessage
): string | null => {
  const entry = entryFor(entries, rule.field);
  if (rule.field !== JSON_FIELD && rule.field !== AUDIENCE_FIELD && rule.field !== EXPERIMENT_FIELD) {
    if (!entry) return unknownSignalMessage(rule.field, unknownSignals({ var: rule.field })[0]?.suggestion, formatMessage);
    if (entry.keyed && !keyOf(entry, rule.field)) return formatMessage(MESSAGES.missingKey);
  }
  if (rule.field === AUDIENCE_FIELD && (typeof rule.value !== 'string' || !rule.value)) return formatMessage(MESSAGES.pickAudience);
  if (rule.field === EXPERIMENT_FIELD) {
    const [key, arm] = Array.isArray(rule.value) ? rule.value : [];
    if (!key || !arm) return formatMessage(MESSAGES.experiment);
  }
  if (entry?.kind === 'number' && ['=', '!=', '<', '<=', '>', '>='].includes(rule.operator) && typeof rule.value !== 'number') {
    return formatMessage(MESSAGES.number);
  }
  if (rule.operator === 'between') {
    const [low, high] = Array.isArray(rule.value) ? rule.value : [];
    if (typeof low !== 'number' || typeof high !== 'number') return formatMessage(MESSAGES.bounds);
    if (low > high) return formatMessage(MESSAGES.boundsOrder);
  }
  if ((rule.operator === 'in' || rule.operator === 'notIn') && (!Array.isArray(rule.value) || rule.value.length === 0)) {
    return formatMessage(MESSAGES.values);
  }
  const problem = checkCondition(toJsonLogic({ combinator: 'and', rules: [rule] }), audiences);
  return problem ? describeProblem(problem, formatMessage) : null;
};

/** Problems of every rule of the tree, by rule id, to show under each rule. */
export const ruleProblems = (
  tree: RuleGroupType,
  entries: FieldEntry[],
  audiences: Record<string, unknown> | null,
  formatMessage: FormatMessage
): Record<string, string> => {
  const problems: Record<string, string> = {};
  const visit = (group: RuleGroupType) => {
    for (const item of group.rules) {
      if (typeof item === 'string') continue;
      if (isGroup(item)) {
        visit(item);
        if (item.rules.length === 0 && item.id) problems[item.id] = formatMessage(MESSAGES.emptyGroup);
      } else if (item.id) {
        const problem = ruleProblem(item, entries, audiences, formatMessage);
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
  audiences: Record<string, unknown> | null,
  formatMessage: FormatMessage
): { condition: JsonLogic; problem: string | null } => {
  if (text.trim() === '') return { condition: null, problem: null };
  let condition: unknown;
  try {
    condition = JSON.parse(text);
  } catch (error) {
    return { condition: undefined, problem: formatMessage(MESSAGES.invalidJson, { message: (error as Error).message }) };
  }
  const problem = checkCondition(condition, audiences);
  return { condition, problem: problem ? describeProblem(problem, formatMessage) : null };
};

export { fromJsonLogic, toJsonLogic };
