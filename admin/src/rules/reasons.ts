import type { ExplainNode } from '../../../engine/src';
import type { CappedReason, ConditionErrorReason, ConditionReason, ExperimentReason, FatigueReason, HoldoutReason, MissingSignalReason, ReasonEntry } from '../../../contracts/src/reason';
import { getTranslation, type FormatMessage } from '../utils/getTranslation';
import { capEventCount, capSentence } from './caps';
import { signalLabel } from './signalLabels';
import { describeCondition } from './summary';

/**
 * The live test's explanations in words: `meta.personalize.reason` entries (a test that held, a
 * variant capped or passed over for missing signals, the session's fatigue limit, a profile that
 * could not be read) and, per variant, which missing signal made which comparison false.
 */

export interface ReasonContext {
  formatMessage: FormatMessage;
  /** Variant id → name, to say which variant an entry is about. */
  variantNames?: Record<string, string>;
  /** Variant id → condition, to read a test's path as the rule it points at. */
  conditions?: Record<string, unknown>;
  /** Audience key → rule, for tests inside an audience. */
  audiences?: Record<string, unknown> | null;
  /** Audience key → name. */
  audienceNames?: Record<string, string>;
}

const MAX_VALUE = 60;

/**
 * The sub-rule at an explain path (`["and", 1]` → the second operand of the root `and`). A unary
 * operator's single operand may be written without its array (`{"!": {...}}`), so index 0 of a
 * non-array is the operand itself. Undefined when the path leads nowhere.
 */
export const ruleAt = (rule: unknown, path: readonly (string | number)[]): unknown => {
  let current: unknown = rule;
  for (const segment of path) {
    if (typeof segment === 'number') {
      if (Array.isArray(current)) current = current[segment];
      else if (segment !== 0) return undefined;
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
    if (current === undefined) return undefined;
  }
  return current;
};

const valueText = (value: unknown, formatMessage: FormatMessage): string => {
  if (value === true) return formatMessage({ id: getTranslation('common.true'), defaultMessage: 'true' });
  if (value === false) return formatMessage({ id: getTranslation('common.false'), defaultMessage: 'false' });
  if (typeof value === 'string') return value;
  const text = JSON.stringify(value) ?? 'null';
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
};

const variantName = (id: string, context: ReasonContext) => context.variantNames?.[id] ?? id;

/** A test of a condition in words ("dwell time < 10 s"), from its rule; the operator alone when the rule is unknown. */
const testText = (root: unknown, path: readonly (string | number)[] | undefined, fallback: string, context: ReasonContext): string => {
  const rule = root === undefined || path === undefined ? undefined : ruleAt(root, path);
  if (rule === undefined) return fallback;
  return describeCondition(rule as never, { audienceNames: context.audienceNames, formatMessage: context.formatMessage });
};

/** "dwell time = 4, device = mobile". */
const signalsText = (signals: Record<string, unknown>, context: ReasonContext) =>
  Object.entries(signals)
    .map(([path, value]) => `${signalLabel(path, context.formatMessage)} = ${valueText(value, context.formatMessage)}`)
    .join(', ');

/** A variant capped for the visitor: "“Promo” is capped: at most 1 view ever, and this visitor has 1 view already…". */
export const describeCapped = (entry: CappedReason, context: ReasonContext): string =>
  context.formatMessage(
    {
      id: getTranslation('reason.capped'),
      defaultMessage: '"{variant}" is capped: {cap}, and this visitor has {count} already, so it is passed over.',
    },
    {
      variant: variantName(entry.variant, context),
      cap: capSentence(entry.cap, context.formatMessage),
      count: capEventCount(entry.cap.on, entry.count, context.formatMessage),
    }
  );

export const describeFatigue = (entry: FatigueReason, context: ReasonContext): string =>
  context.formatMessage(
    {
      id: getTranslation('reason.fatigue'),
      defaultMessage:
        'Session limit reached: this visitor has had {served, plural, one {# personalized serve} other {# personalized serves}} this session (at most {max}), so the entry is served as published.',
    },
    { served: entry.served, max: entry.max }
  );

export const describeMissingSignalReason = (entry: MissingSignalReason, context: ReasonContext): string =>
  context.formatMessage(
    {
      id: getTranslation('reason.missingSignal'),
      defaultMessage: '"{variant}" was passed over: no value for {signals}, which its comparisons need.',
    },
    {
      variant: variantName(entry.variant, context),
      signals: entry.signals.map((path) => signalLabel(path, context.formatMessage)).join(', '),
    }
  );

/** A test of the chosen variant's condition that made it match, with the signals it saw. */
export const describeConditionReason = (entry: ConditionReason, variant: string | null, context: ReasonContext): string => {
  const { formatMessage } = context;
  if (entry.rule === 'always' && entry.path === undefined) {
    return formatMessage({ id: getTranslation('reason.always'), defaultMessage: 'No condition: it always matches.' });
  }
  const root = entry.audience !== undefined ? context.audiences?.[entry.audience] : variant !== null ? context.conditions?.[variant] : undefined;
  const test = testText(root, entry.path, entry.rule, context);
  const result = valueText(entry.result, formatMessage);
  const text =
    entry.signals && Object.keys(entry.signals).length > 0
      ? formatMessage(
          { id: getTranslation('reason.condition.signals'), defaultMessage: '{test}: {result}, with {signals}' },
          { test, result, signals: signalsText(entry.signals, context) }
        )
      : formatMessage({ id: getTranslation('reason.condition'), defaultMessage: '{test}: {result}' }, { test, result });
  if (entry.audience === undefined) return text;
  return formatMessage(
    { id: getTranslation('reason.inAudience'), defaultMessage: 'In audience "{name}": {text}' },
    { name: context.audienceNames?.[entry.audience] ?? entry.audience, text }
  );
};

/** The visitor's arm of an experiment on the entry decided which variants could take part. */
export const describeExperimentReason = (entry: ExperimentReason, context: ReasonContext): string =>
  entry.variants.length === 0
    ? context.formatMessage(
        {
          id: getTranslation('reason.experiment.control'),
          defaultMessage: 'In arm "{arm}" of experiment "{experiment}": no variant takes part, the entry is served as published.',
        },
        { arm: entry.arm, experiment: entry.experiment }
      )
    : context.formatMessage(
        {
          id: getTranslation('reason.experiment.arm'),
          defaultMessage: 'In arm "{arm}" of experiment "{experiment}": only {variants} can be served.',
        },
        { arm: entry.arm, experiment: entry.experiment, variants: entry.variants.map((id) => `"${variantName(id, context)}"`).join(', ') }
      );

/**
 * One reason entry in words. `variant` is the variant the entry's condition tests belong to (the
 * chosen one, for the top-level reason); capped and missing-signal entries name their own.
 */
export const describeReason = (entry: ReasonEntry, variant: string | null, context: ReasonContext): string => {
  switch (entry.rule) {
    case 'capped':
      return describeCapped(entry as CappedReason, context);
    case 'fatigue':
      return describeFatigue(entry as FatigueReason, context);
    case 'holdout':
      return context.formatMessage(
        {
          id: getTranslation('reason.holdout'),
          defaultMessage: 'In the site-wide holdout ({share, number, percent} of visitors): the entry is served as published, in no experiment.',
        },
        { share: (entry as HoldoutReason).share }
      );
    case 'profile-unavailable':
      return context.formatMessage({
        id: getTranslation('reason.profileUnavailable'),
        defaultMessage: "The visitor's profile could not be read (the store is unavailable): tested as with an empty profile.",
      });
    case 'missing-signal':
      if (Array.isArray((entry as MissingSignalReason).signals)) return describeMissingSignalReason(entry as MissingSignalReason, context);
      break;
    case 'experiment':
      return describeExperimentReason(entry as ExperimentReason, context);
    case 'condition-error': {
      const failed = entry as ConditionErrorReason;
      return failed.error === 'limit_exceeded'
        ? context.formatMessage(
            {
              id: getTranslation('reason.conditionError.limit'),
              defaultMessage: 'The condition of "{variant}" needed more work than one evaluation may do with these signals: it counts as no match.',
            },
            { variant: variantName(failed.variant, context) }
          )
        : context.formatMessage(
            { id: getTranslation('reason.conditionError'), defaultMessage: 'The condition of "{variant}" failed ({error}): it counts as no match.' },
            { variant: variantName(failed.variant, context), error: failed.error }
          );
    }
    default:
      break;
  }
  return describeConditionReason(entry as ConditionReason, variant, context);
};

/** The comparisons of an explain tree that read a missing signal, with the rule root they sit in. */
const missingTests = (root: ExplainNode, condition: unknown, context: ReasonContext) => {
  const found: { signal: string; test: string }[] = [];
  const visit = (node: ExplainNode, rule: unknown) => {
    if (node.item !== undefined) return;
    for (const signal of node.missing ?? []) {
      found.push({ signal, test: testText(rule, node.path, node.op, context) });
    }
    const inner = node.op === 'audience' && node.audience !== undefined ? context.audiences?.[node.audience] : rule;
    for (const child of node.children ?? []) visit(child, inner);
  };
  visit(root, condition);
  return found;
};

/**
 * Why a variant could not match for lack of signals, one sentence per comparison:
 * `dwell time is unknown, so "dwell time < 10 s" cannot match`. `missing` is the variant's
 * `missing` list; `explain` and `condition` (when known) name the comparisons.
 */
export const describeMissing = (
  missing: readonly string[] | undefined,
  explain: ExplainNode | undefined,
  condition: unknown,
  context: ReasonContext
): string[] => {
  if (!missing?.length) return [];
  const tests = explain ? missingTests(explain, condition, context) : [];
  const sentences: string[] = [];
  for (const path of missing) {
    const signal = signalLabel(path, context.formatMessage);
    const forSignal = tests.filter((test) => test.signal === path);
    if (forSignal.length === 0) {
      sentences.push(
        context.formatMessage(
          { id: getTranslation('reason.missing.any'), defaultMessage: '{signal} is unknown, so no comparison with it can match' },
          { signal }
        )
      );
      continue;
    }
    for (const { test } of forSignal) {
      const sentence = context.formatMessage(
        { id: getTranslation('reason.missing'), defaultMessage: '{signal} is unknown, so "{test}" cannot match' },
        { signal, test }
      );
      if (!sentences.includes(sentence)) sentences.push(sentence);
    }
  }
  return sentences;
};
