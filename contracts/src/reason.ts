import type { ExplainNode } from '../../engine/src';

/**
 * One entry of `meta.personalize.reason` (and of the admin's evaluate): why a variant was chosen or passed
 * over. Either a test of the chosen variant's condition, or a variant passed over because signals its
 * ordering comparisons read were missing (`isMissingSignalReason` tells them apart).
 */
export type ReasonEntry =
  | ConditionReason
  | MissingSignalReason
  | CappedReason
  | FatigueReason
  | ProfileUnavailableReason
  | ExperimentReason
  | ConditionErrorReason;

/**
 * A variant passed over because its condition failed: it no longer compiles (`compile`, e.g. an audience
 * it names was deleted) or its evaluation failed (`evaluation`, e.g. it ran out of its work budget,
 * `limit_exceeded`). It counts as no match; the server logs it once per variant and publish.
 */
export interface ConditionErrorReason {
  rule: 'condition-error';
  variant: string;
  /** The engine's error code (`limit_exceeded`, `evaluation_failed`, ...), or `compile_error`. */
  error: string;
}

/**
 * The visitor is in an experiment that targets this entry: only their arm's variants were candidates
 * (in the arm's order; none for the control arm, which gets the entry as published).
 */
export interface ExperimentReason {
  rule: 'experiment';
  experiment: string;
  arm: string;
  variants: string[];
}

/** A variant whose condition matched, passed over because one of its frequency caps is used up for this visitor. */
export interface CappedReason {
  rule: 'capped';
  variant: string;
  cap: { on: 'view' | 'serve' | 'click' | 'dismiss'; max: number; per: 'session' | 'hour' | 'day' | 'week' | 'lifetime' };
  /** How many `cap.on` events the visitor has in the cap's window. */
  count: number;
}

/** `caps.maxPersonalizedPerSession` reached: the visitor gets entries as published for the rest of the session. */
export interface FatigueReason {
  rule: 'fatigue';
  max: number;
  served: number;
}

/** The visitor's profile could not be read (store unavailable): delivered with an empty profile. */
export interface ProfileUnavailableReason {
  rule: 'profile-unavailable';
}

/** One reason a variant matched: a test in its condition, the signals it read and its result. */
export interface ConditionReason {
  /** The operator (`==`, `<`, `in`, ...), or `always` for a variant without a condition. */
  rule: string;
  /** Where the test sits in the variant's condition (inside the audience's rule when `audience` is set). */
  path?: (string | number)[];
  result: unknown;
  /** Signal path → the value the test saw. */
  signals?: Record<string, unknown>;
  /** The audience whose rule the test belongs to. */
  audience?: string;
}

/**
 * A variant whose condition was false, with the signals that its `<`, `<=`, `>`, `>=` read and that were
 * missing (absent or null) in the request: a missing signal never satisfies an ordering comparison, so those
 * comparisons were false. Listed from the condition's literal `var` paths (audiences included), without
 * explaining the condition, so it says "could not be true", even where another test failed first.
 */
export interface MissingSignalReason {
  rule: 'missing-signal';
  /** The variant passed over. */
  variant: string;
  /** Dotted signal paths, e.g. `behavior.dwellSec`, in the order the condition reads them. */
  signals: string[];
}

export const isMissingSignalReason = (entry: ReasonEntry): entry is MissingSignalReason =>
  entry.rule === 'missing-signal' && Array.isArray(entry.signals);

/** The `missing-signal` entry of a variant whose condition was false, or null when none of the signals is missing. */
export const missingSignalReason = (variant: string, missing: readonly string[]): MissingSignalReason | null =>
  missing.length > 0 ? { rule: 'missing-signal', variant, signals: [...missing] } : null;

/**
 * The signals an explained evaluation found missing in ordering comparisons (the `missing` of its nodes), in
 * evaluation order, once each. Per-item evaluations (inside map/filter/some/...) are left out: their paths
 * are relative to the items, not signals.
 */
export const missingSignalsOf = (root: ExplainNode): string[] => {
  const found = new Set<string>();
  const visit = (node: ExplainNode) => {
    if (node.item !== undefined) return;
    for (const path of node.missing ?? []) found.add(path);
    for (const child of node.children ?? []) visit(child);
  };
  visit(root);
  return [...found];
};

const CONNECTIVES = new Set(['and', 'or', 'if', '?:', '!!']);
const MAX_ENTRIES = 32;

const collectSignals = (node: ExplainNode, into: Record<string, unknown>) => {
  if (node.op === 'var' && node.read && node.item === undefined) into[node.read.join('.')] = node.value ?? null;
  for (const child of node.children ?? []) collectSignals(child, into);
};

/**
 * Flattens the engine's explain tree into the tests that made a condition true: connectives are
 * walked through (following their truthy branches), audiences are named, everything else is a test.
 */
export const summarizeExplain = (root: ExplainNode): ReasonEntry[] => {
  const entries: ReasonEntry[] = [];
  const visit = (node: ExplainNode, audience: string | undefined) => {
    if (entries.length >= MAX_ENTRIES) return;
    if (node.op === 'audience') {
      for (const child of node.children ?? []) visit(child, node.audience);
      return;
    }
    if (CONNECTIVES.has(node.op) && node.children?.length) {
      const branches = node.op === 'and' || node.op === 'or' ? node.children.filter((child) => child.truthy) : node.children;
      for (const child of branches) visit(child, audience);
      return;
    }
    if (node.op === 'var' || node.op === 'literal') return;
    const signals: Record<string, unknown> = {};
    collectSignals(node, signals);
    const entry: ConditionReason = { rule: node.op, path: node.path, result: node.result };
    if (Object.keys(signals).length > 0) entry.signals = signals;
    if (audience) entry.audience = audience;
    entries.push(entry);
  };
  visit(root, undefined);
  return entries;
};
