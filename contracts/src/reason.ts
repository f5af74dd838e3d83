import type { ExplainNode } from '../../engine/src';

/** One reason a variant matched: a test in its condition, the signals it read and its result. */
export interface ReasonEntry {
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
    const entry: ReasonEntry = { rule: node.op, path: node.path, result: node.result };
    if (Object.keys(signals).length > 0) entry.signals = signals;
    if (audience) entry.audience = audience;
    entries.push(entry);
  };
  visit(root, undefined);
  return entries;
};
