/**
 * Contextual experiments in the admin (docs/experiments.md, "Contextual bandits"): a leaf's rule read as
 * tests, in words, and as a sample visitor that the live test can run; the editor's settings; a leaf's
 * weights over the model versions for its chart.
 *
 * A leaf's condition is what the fitter writes: `true` (the last leaf), one test, or `{"and": [tests]}`,
 * each test `{"==": [{"var": p}, v]}`, `{"!=": [{"var": p}, v]}`, `{"<": [{"var": p}, c]}` or
 * `{"!": {"<": [{"var": p}, c]}}` (a missing signal is never below a cut, so "not below" includes it).
 */
import { contextualLeafIndex } from '../../../engine/src/contextual/assign';
import { DEFAULT_CONTEXTUAL_CUTS } from '../../../engine/src/contextual/cells';
import type { JsonValue } from '../../../engine/src/types';
import type { SignalDescriptor } from '../api';
import { signalLabel, signalUnit } from '../rules/signalLabels';
import { describeCondition } from '../rules/summary';
import { getTranslation, type FormatMessage } from '../utils/getTranslation';

export type LeafValue = string | number | boolean | null;

/** One test of a leaf's rule. `notBelow` is `!(x < c)`: x ≥ c, or x missing. */
export interface LeafTest {
  path: string;
  op: '==' | '!=' | '<' | 'notBelow';
  value: LeafValue;
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const isValue = (value: unknown): value is LeafValue =>
  value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

const only = (value: unknown): [string, unknown] | null => {
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  return keys.length === 1 ? [keys[0], value[keys[0]]] : null;
};

const varOf = (value: unknown): string | null => {
  const op = only(value);
  return op && op[0] === 'var' && typeof op[1] === 'string' && op[1] !== '' ? op[1] : null;
};

const comparison = (value: unknown, ops: readonly string[]): LeafTest | null => {
  const op = only(value);
  if (!op || !ops.includes(op[0]) || !Array.isArray(op[1]) || op[1].length !== 2) return null;
  const path = varOf(op[1][0]);
  const operand = op[1][1];
  if (!path || !isValue(operand)) return null;
  if (op[0] === '<' && typeof operand !== 'number') return null;
  return { path, op: op[0] as LeafTest['op'], value: operand };
};

const parseTest = (value: unknown): LeafTest | null => {
  const direct = comparison(value, ['==', '!=', '<']);
  if (direct) return direct;
  const not = only(value);
  if (!not || not[0] !== '!') return null;
  const operand = Array.isArray(not[1]) ? (not[1].length === 1 ? not[1][0] : undefined) : not[1];
  const below = comparison(operand, ['<']);
  return below ? { ...below, op: 'notBelow' } : null;
};

/**
 * A leaf's rule as its tests: `[]` for `true` (everyone the leaves above leave), null for a rule the fitter
 * does not write (the admin then shows it through the rule builder's summary).
 */
export const leafTests = (condition: unknown): LeafTest[] | null => {
  if (condition === true) return [];
  const and = only(condition);
  if (and && and[0] === 'and' && Array.isArray(and[1])) {
    const tests = and[1].map(parseTest);
    return tests.every((test): test is LeafTest => test !== null) ? tests : null;
  }
  const test = parseTest(condition);
  return test ? [test] : null;
};

const MESSAGES = {
  everyoneElse: { id: getTranslation('experiments.contextual.rule.everyoneElse'), defaultMessage: 'every other visitor' },
  everyone: { id: getTranslation('experiments.contextual.rule.everyone'), defaultMessage: 'every visitor' },
  is: { id: getTranslation('experiments.contextual.rule.is'), defaultMessage: '{signal} is {value}' },
  isNot: { id: getTranslation('experiments.contextual.rule.isNot'), defaultMessage: '{signal} is not {value}' },
  missing: { id: getTranslation('experiments.contextual.rule.missing'), defaultMessage: '{signal} is not known' },
  known: { id: getTranslation('experiments.contextual.rule.known'), defaultMessage: '{signal} is known' },
  below: { id: getTranslation('experiments.contextual.rule.below'), defaultMessage: '{signal} below {value}{unit}' },
  notBelow: { id: getTranslation('experiments.contextual.rule.notBelow'), defaultMessage: '{signal} {value}{unit} or more, or not known' },
  and: { id: getTranslation('summary.and'), defaultMessage: '{left} and {right}' },
  true: { id: getTranslation('common.true'), defaultMessage: 'true' },
  false: { id: getTranslation('common.false'), defaultMessage: 'false' },
};

const valueWords = (value: LeafValue, t: FormatMessage): string => {
  if (typeof value === 'boolean') return t(value ? MESSAGES.true : MESSAGES.false);
  if (typeof value === 'string') return value === '' ? '""' : value;
  return String(value);
};

/** One test in words: "device is mobile", "visits below 2", "visits 5 or more, or not known". */
export const describeTest = (test: LeafTest, t: FormatMessage): string => {
  const signal = signalLabel(test.path, t);
  const unit = signalUnit(test.path);
  if (test.value === null && (test.op === '==' || test.op === '!=')) return t(test.op === '==' ? MESSAGES.missing : MESSAGES.known, { signal });
  const value = valueWords(test.value, t);
  switch (test.op) {
    case '==':
      return t(MESSAGES.is, { signal, value });
    case '!=':
      return t(MESSAGES.isNot, { signal, value });
    case '<':
      return t(MESSAGES.below, { signal, value, unit });
    case 'notBelow':
      return t(MESSAGES.notBelow, { signal, value, unit });
  }
};

/**
 * A leaf's rule in words. The last leaf (`true`) is "every other visitor" when leaves come before it
 * (first match: it gets whom they leave), "every visitor" when it is the only one.
 */
export const describeLeaf = (condition: unknown, t: FormatMessage, options: { only?: boolean } = {}): string => {
  const tests = leafTests(condition);
  if (tests === null) return describeCondition(condition, { formatMessage: t });
  if (tests.length === 0) return t(options.only ? MESSAGES.everyone : MESSAGES.everyoneElse);
  return tests.map((test) => describeTest(test, t)).reduce((left, right) => t(MESSAGES.and, { left, right }));
};

// ---- a sample visitor for the live test ----

/** Candidate values of a path that satisfy one test, or (`negate`) that fail it. */
const valuesFor = (test: LeafTest, negate: boolean, descriptor: SignalDescriptor | undefined): LeafValue[] => {
  // The value must equal the test's (`==`) or be below its cut (`<`): `==`/`<` kept, or `!=`/`!<` negated.
  const equalOrBelow = test.op === '==' || test.op === '<' ? !negate : negate;
  const below = test.op === '<' || test.op === 'notBelow';
  if (below) {
    const cut = test.value as number;
    // Below the cut: one less, or the signal's minimum when that is below the cut.
    const minimum = descriptor?.minimum;
    const under = minimum !== undefined && cut - 1 < minimum && minimum < cut ? minimum : cut - 1;
    return equalOrBelow ? [under] : [cut, null];
  }
  // `==` v holds / `!=` v fails: the value itself.
  if (equalOrBelow) return [test.value];
  return otherValues(test.value, descriptor);
};

/** Values other than `value` a signal may take: the vocabulary's other values, the other boolean, missing. */
const otherValues = (value: LeafValue, descriptor: SignalDescriptor | undefined): LeafValue[] => {
  const out: LeafValue[] = [];
  if (typeof value === 'boolean') out.push(!value);
  else if (typeof value === 'number') out.push(value + 1);
  for (const candidate of descriptor?.values ?? []) if (candidate !== value) out.push(candidate);
  if (descriptor?.type === 'boolean' && typeof value !== 'boolean') out.push(true, false);
  if (value === null) out.push(descriptor?.type === 'number' || descriptor?.type === 'integer' ? 0 : 'other');
  else out.push(null);
  return out;
};

const holdsFor = (test: LeafTest, value: LeafValue): boolean => {
  switch (test.op) {
    case '==':
      return value === test.value;
    case '!=':
      return value !== test.value;
    case '<':
      return typeof value === 'number' && value < (test.value as number);
    case 'notBelow':
      return !(typeof value === 'number' && value < (test.value as number));
  }
};

/** `{ "context.device": "mobile", "profile.visits": 1 }` → `{ context: { device: 'mobile' }, profile: { visits: 1 } }` (missing values left out). */
export const signalsFromPaths = (values: Record<string, LeafValue>): Record<string, unknown> => {
  const signals: Record<string, unknown> = {};
  for (const [path, value] of Object.entries(values)) {
    if (value === null) continue;
    const segments = path.split('.');
    let node: Record<string, unknown> = signals;
    segments.forEach((segment, index) => {
      if (index === segments.length - 1) {
        node[segment] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(segments[index + 1]);
      if (typeof node[segment] !== 'object' || node[segment] === null) node[segment] = nextIsIndex ? [] : {};
      node = node[segment] as Record<string, unknown>;
    });
  }
  return signals;
};

const MAX_TRIES = 20_000;

/**
 * Signals of a visitor who lands in leaf `index` of a model (first match), for the live test: each test of
 * the leaf's rule satisfied (`==` its value, `<` a value below the cut, the others their opposite), and for
 * the last leaf (`true`) a visitor every leaf above misses. Values are checked by the engine's own routing;
 * null when none is found (a rule the fitter does not write, or leaves that leave nobody to the last).
 */
export const sampleSignals = (
  conditions: readonly JsonValue[],
  index: number,
  vocabulary: readonly SignalDescriptor[] = []
): Record<string, unknown> | null => {
  if (index < 0 || index >= conditions.length) return null;
  const parsed = conditions.map(leafTests);
  const own = parsed[index];
  if (own === null) return null;
  const descriptorOf = (path: string) => vocabulary.find((signal) => signal.path === path);
  // Every path any leaf tests, with the values worth trying for it.
  const paths = [...new Set(parsed.flatMap((tests) => (tests ?? []).map((test) => test.path)))];
  const candidates = paths.map((path) => {
    const mine = own.filter((test) => test.path === path);
    const tried: LeafValue[] = [];
    const add = (value: LeafValue) => {
      if (!tried.some((known) => known === value)) tried.push(value);
    };
    for (const tests of parsed)
      for (const test of tests ?? []) {
        if (test.path !== path) continue;
        for (const negate of [false, true]) for (const value of valuesFor(test, negate, descriptorOf(path))) add(value);
      }
    // The leaf's own tests first, and only the values that pass them all.
    const fitting = tried.filter((value) => mine.every((test) => holdsFor(test, value)));
    const preferred = mine.flatMap((test) => valuesFor(test, false, descriptorOf(path))).filter((value) => fitting.includes(value));
    return [...new Set([...preferred, ...fitting])];
  });
  if (candidates.some((values) => values.length === 0)) return null;
  const model = { leaves: conditions.map((condition) => ({ condition })) };
  const choice = paths.map(() => 0);
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const values = Object.fromEntries(paths.map((path, position) => [path, candidates[position][choice[position]]]));
    const signals = signalsFromPaths(values);
    if (contextualLeafIndex(model, signals) === index) return signals;
    // The next combination (odometer over the candidates).
    let position = paths.length - 1;
    while (position >= 0 && ++choice[position] >= candidates[position].length) choice[position--] = 0;
    if (position < 0) break;
  }
  return null;
};

// ---- the editor's settings ----

/** The default cuts of a number, as the editor shows them. */
export const DEFAULT_CUTS_TEXT = DEFAULT_CONTEXTUAL_CUTS.join(', ');

/** `"1, 2, 5"` → `[1, 2, 5]`; `""` → undefined (the default cuts); null when a part is not a number. */
export const parseCuts = (text: string): number[] | undefined | null => {
  const parts = text
    .split(/[\s,;]+/)
    .map((part) => part.trim())
    .filter(Boolean);
  if (parts.length === 0) return undefined;
  const numbers = parts.map(Number);
  return numbers.every((value) => Number.isFinite(value)) ? numbers : null;
};

/** Signals a contextual experiment can split on: the vocabulary's scalars (not keyed maps, arrays or objects). */
export const attributeChoices = (signals: readonly SignalDescriptor[]): SignalDescriptor[] =>
  signals.filter((signal) => !signal.keyed && ['string', 'number', 'integer', 'boolean'].includes(signal.type));

/** Whether a signal is a number (its cuts matter). */
export const isNumberSignal = (signal: SignalDescriptor | undefined): boolean => signal?.type === 'number' || signal?.type === 'integer';

// ---- a leaf's weights over model versions ----

export interface LeafWeightPoint {
  version: string;
  at: string;
  /** Arm key → weight in this version. */
  weights: Record<string, number>;
}

/** The versions in which leaf `id` existed, oldest first, with its weight of each arm. */
export const leafWeightSeries = (
  history: readonly { version: string; at: string; leaves: readonly { id: string; weights: readonly number[] }[] }[],
  id: string,
  armKeys: readonly string[]
): LeafWeightPoint[] =>
  history.flatMap((entry) => {
    const leaf = entry.leaves.find((candidate) => candidate.id === id);
    if (!leaf) return [];
    return [{ version: entry.version, at: entry.at, weights: Object.fromEntries(armKeys.map((key, arm) => [key, leaf.weights[arm] ?? 0])) }];
  });

/** The arm with the highest P(best) of a leaf (the first on ties), or null without arms. */
export const bestArm = <A extends { key: string; pBest: number }>(arms: readonly A[]): A | null =>
  arms.reduce<A | null>((best, arm) => (best === null || arm.pBest > best.pBest ? arm : best), null);
