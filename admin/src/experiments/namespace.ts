import { EXPERIMENT_KEY_PATTERN, type Experiment, type ExperimentStatus } from '../../../contracts/src/experiments';
import { rangesOverlap } from '../../../engine/src/experiments/exclusion';

/**
 * A namespace in the experiment editor (docs/experiments.md, "Namespaces"): its key and range as percentages, and
 * the bar of the namespace's ranges (the other experiments' and this one's).
 */
export interface NamespaceDraft {
  key: string;
  /** [from, to) in percent of the namespace's visitors; null while empty. */
  fromPercent: number | null;
  toPercent: number | null;
}

/** A new namespace: the whole of it. */
export const emptyNamespace = (): NamespaceDraft => ({ key: '', fromPercent: 0, toPercent: 100 });

const toPercent = (share: number) => Math.round(share * 10000) / 100;
const toShare = (percent: number) => Math.round(percent * 100) / 10000;

export const namespaceDraft = (namespace: Experiment['namespace']): NamespaceDraft | null =>
  namespace ? { key: namespace.key, fromPercent: toPercent(namespace.range[0]), toPercent: toPercent(namespace.range[1]) } : null;

/** The `namespace` of the body: null without one. */
export const namespaceInput = (draft: NamespaceDraft | null): Experiment['namespace'] =>
  draft ? { key: draft.key.trim(), range: [toShare(draft.fromPercent ?? 0), toShare(draft.toPercent ?? 0)] } : null;

export type NamespaceProblem = 'required' | 'key-pattern' | 'percent-range' | 'range-order' | 'range-overlap';

/** Problems by field (`namespace.key`, `namespace.range`). */
export const namespaceProblems = (
  draft: NamespaceDraft | null,
  bar: NamespaceBar | null
): Record<string, NamespaceProblem> => {
  const problems: Record<string, NamespaceProblem> = {};
  if (!draft) return problems;
  const key = draft.key.trim();
  if (!key) problems['namespace.key'] = 'required';
  else if (!EXPERIMENT_KEY_PATTERN.test(key)) problems['namespace.key'] = 'key-pattern';
  const { fromPercent: from, toPercent: to } = draft;
  if (from === null || to === null) problems['namespace.range'] = 'required';
  else if (!(from >= 0 && from <= 100 && to >= 0 && to <= 100)) problems['namespace.range'] = 'percent-range';
  else if (!(from < to)) problems['namespace.range'] = 'range-order';
  else if (bar?.segments.some((segment) => segment.overlaps)) problems['namespace.range'] = 'range-overlap';
  return problems;
};

/** One range on the bar, in percent of the namespace. */
export interface NamespaceSegment {
  /** The experiment's key (this one's as typed). */
  key: string;
  name: string;
  status: ExperimentStatus;
  from: number;
  to: number;
  /** The experiment being edited. */
  current: boolean;
  /** Another experiment's range that this one's overlaps (the save would be refused with a 409). */
  overlaps: boolean;
}

export interface NamespaceBar {
  key: string;
  /** Ordered by `from`, then the current one last among equals. */
  segments: NamespaceSegment[];
  /** The share (percent) of the namespace no experiment takes. */
  freePercent: number;
}

/**
 * The bar of a namespace: the ranges of the other experiments in it that are not stopped (they are the ones a save is
 * checked against) and this one's, each as percentages, those this one overlaps marked; null without a namespace key.
 */
export const namespaceBar = (
  experiments: readonly Pick<Experiment, 'documentId' | 'key' | 'name' | 'status' | 'namespace'>[],
  current: { documentId?: string; key: string; name: string; status: ExperimentStatus; namespace: NamespaceDraft | null }
): NamespaceBar | null => {
  const key = current.namespace?.key.trim();
  if (!current.namespace || !key) return null;
  const mine = namespaceInput(current.namespace)!;
  const valid = mine.range[0] < mine.range[1];
  const others = experiments.filter(
    (experiment) =>
      experiment.documentId !== current.documentId && experiment.status !== 'stopped' && experiment.namespace?.key === key
  );
  const segments: NamespaceSegment[] = others.map((experiment) => ({
    key: experiment.key,
    name: experiment.name,
    status: experiment.status,
    from: toPercent(experiment.namespace!.range[0]),
    to: toPercent(experiment.namespace!.range[1]),
    current: false,
    overlaps: valid && rangesOverlap(mine.range, experiment.namespace!.range),
  }));
  if (valid) {
    segments.push({
      key: current.key,
      name: current.name,
      status: current.status,
      from: toPercent(mine.range[0]),
      to: toPercent(mine.range[1]),
      current: true,
      overlaps: segments.some((segment) => segment.overlaps),
    });
  }
  segments.sort((a, b) => a.from - b.from || Number(a.current) - Number(b.current));
  // The union of the ranges, in percent: what is left is free.
  let covered = 0;
  let end = 0;
  for (const segment of segments) {
    const from = Math.max(segment.from, end);
    if (segment.to > from) covered += segment.to - from;
    end = Math.max(end, segment.to);
  }
  return { key, segments, freePercent: Math.round((100 - covered) * 100) / 100 };
};
