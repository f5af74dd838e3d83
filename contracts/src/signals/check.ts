import { getSignalVocabulary, type SignalDescriptor } from './vocabulary';

/**
 * Conditions checked against the signal vocabulary (docs/design.md, "The variants field"): a `var` under a
 * known namespace that names no signal is refused, with the closest signal suggested, so a typo
 * such as `behavior.dwelSec` can no longer save and then silently match everyone. `custom.*` and
 * names outside the namespaces are free; keyed maps (`experiments.<key>`, `profile.interests.<tag>`)
 * take any key; arrays take an index.
 */

export const SIGNAL_NAMESPACES = ['context', 'time', 'behavior', 'session', 'profile', 'experiments'] as const;

export interface SignalProblem {
  /** JSON path of the `var` (or `missing`) node inside the rule. */
  path: (string | number)[];
  /** The signal path as written. */
  signal: string;
  /** The closest known signal, when one is close enough to be a likely typo. */
  suggestion?: string;
  message: string;
}

/** Operators whose later operands are evaluated per item, where `var` reads the item, not the signals. */
const ITERATION_SCOPES: Record<string, (index: number) => boolean> = {
  map: (index) => index === 1,
  filter: (index) => index === 1,
  all: (index) => index === 1,
  none: (index) => index === 1,
  some: (index) => index === 1,
  reduce: (index) => index === 1,
};

/**
 * Levenshtein distance, two rows. contracts/ imports nothing but zod and engine/ (docs/design.md
 * "Layout"), so this is written here rather than taken from a package; vocabulary paths are short.
 */
const leven = (a: string, b: string): number => {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

interface Vocabulary {
  exact: Set<string>;
  /** Object paths that hold signals (`context.utm`, `behavior`): reading one is fine. */
  containers: Set<string>;
  keyed: Set<string>;
  arrays: Set<string>;
  paths: string[];
}

const indexVocabulary = (signals: readonly SignalDescriptor[]): Vocabulary => {
  const vocabulary: Vocabulary = { exact: new Set(), containers: new Set(), keyed: new Set(), arrays: new Set(), paths: [] };
  for (const signal of signals) {
    vocabulary.exact.add(signal.path);
    vocabulary.paths.push(signal.path);
    if (signal.keyed) vocabulary.keyed.add(signal.path);
    if (signal.type === 'array') vocabulary.arrays.add(signal.path);
    const segments = signal.path.split('.');
    for (let length = 1; length < segments.length; length += 1) vocabulary.containers.add(segments.slice(0, length).join('.'));
  }
  return vocabulary;
};

let defaultVocabulary: Vocabulary | undefined;

const isKnown = (vocabulary: Vocabulary, signal: string): boolean => {
  if (vocabulary.exact.has(signal) || vocabulary.containers.has(signal)) return true;
  const cut = signal.lastIndexOf('.');
  if (cut < 0) return false;
  const parent = signal.slice(0, cut);
  const last = signal.slice(cut + 1);
  if (vocabulary.keyed.has(parent) && last.length > 0) return true;
  return vocabulary.arrays.has(parent) && /^\d+$/.test(last);
};

/** The closest known path, if it is within a typo's distance (about a third of the name). */
const closest = (vocabulary: Vocabulary, signal: string, candidates: readonly string[] = vocabulary.paths): string | undefined => {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = leven(signal, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(signal.length / 3)) ? best : undefined;
};

const problemOf = (vocabulary: Vocabulary, signal: string, path: (string | number)[]): SignalProblem | null => {
  if (signal === '') return null;
  const [namespace] = signal.split('.');
  if ((SIGNAL_NAMESPACES as readonly string[]).includes(namespace)) {
    if (isKnown(vocabulary, signal)) return null;
    const suggestion = closest(vocabulary, signal);
    return {
      path,
      signal,
      ...(suggestion ? { suggestion } : {}),
      message: `Unknown signal "${signal}"${suggestion ? `; did you mean "${suggestion}"?` : ''} (see GET /api/personalize/signals)`,
    };
  }
  // A namespace misspelt ("behaviour.dwellSec") reads nothing at all: say so too.
  if (namespace === 'custom' || !signal.includes('.')) return null;
  const near = closest(vocabulary, namespace, SIGNAL_NAMESPACES);
  if (!near || leven(namespace, near) > 2) return null;
  const suggestion = closest(vocabulary, `${near}${signal.slice(namespace.length)}`) ?? near;
  return {
    path,
    signal,
    suggestion,
    message: `Unknown signal "${signal}": "${namespace}" is not a signal namespace; did you mean "${suggestion}"?`,
  };
};

/** Every signal path a rule reads from the visitor's signals that the vocabulary does not know. */
export const unknownSignals = (rule: unknown, signals?: readonly SignalDescriptor[]): SignalProblem[] => {
  const vocabulary = signals ? indexVocabulary(signals) : (defaultVocabulary ??= indexVocabulary(getSignalVocabulary().signals));
  const problems: SignalProblem[] = [];

  const check = (signal: unknown, path: (string | number)[]) => {
    if (typeof signal !== 'string') return; // computed paths cannot be checked before they run
    const problem = problemOf(vocabulary, signal, path);
    if (problem) problems.push(problem);
  };

  const visit = (node: unknown, path: (string | number)[]) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, index]));
      return;
    }
    if (!isRecord(node)) return;
    const keys = Object.keys(node);
    if (keys.length !== 1) return; // data, not an operation
    const [operator] = keys;
    const operands = node[operator];
    const at = [...path, operator];
    if (operator === 'var') {
      const first = Array.isArray(operands) ? operands[0] : operands;
      check(first, Array.isArray(operands) ? [...at, 0] : at);
      if (Array.isArray(operands)) operands.slice(1).forEach((operand, index) => visit(operand, [...at, index + 1]));
      else visit(operands, at);
      return;
    }
    if (operator === 'missing' || operator === 'missing_some') {
      const list = operator === 'missing_some' && Array.isArray(operands) ? operands[1] : operands;
      const listPath = operator === 'missing_some' ? [...at, 1] : at;
      if (Array.isArray(list)) list.forEach((item, index) => check(item, [...listPath, index]));
      else check(list, listPath);
      return;
    }
    const innerScope = ITERATION_SCOPES[operator];
    if (!Array.isArray(operands)) {
      visit(operands, at);
      return;
    }
    operands.forEach((operand, index) => {
      if (innerScope?.(index)) return;
      visit(operand, [...at, index]);
    });
  };

  visit(rule, []);
  return problems;
};
