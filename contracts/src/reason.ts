import type { ExplainNode } from '../../engine/src';

import type { ConditionReason, MissingSignalReason, ReasonEntry } from './wire';

/** The entries of `meta.personalize.reason` are wire types: the SDK and the admin read them too. */
export type {
  CappedReason,
  ConditionErrorReason,
  ConditionReason,
  ExperimentReason,
  FatigueReason,
  HoldoutReason,
  MissingSignalReason,
  ReasonEntry,
} from './wire';

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
