import { levelsOfCell, type ExperimentMeta } from '../../../contracts/src/experiments';
import type { ExperimentReason } from '../../../contracts/src/reason';
import { contextualCell, contextualCellKey, contextualLeafIndex } from '../../../engine/src/contextual';
import { assignExperiment, assignFactors, type Assignment, type ExposureRequest } from '../../../engine/src/experiments';
import type { ContextualExposure } from '../../../engine/src/profile/types';
import type { CompiledVariant, ExperimentsPort, LiveExperiment } from './ports';
import type { VisitorState } from './visitor';

/**
 * The experiments stage of delivery (docs/design.md, "Experiments"), between the evaluation context and
 * selection: for each running experiment that targets the entry or that its variants reference,
 * where the visitor falls (sticky arm, eligibility, hash bucket), then
 * - a visitor in an experiment that targets the entry is resolved with only their arm's variants,
 *   in the arm's order (the control arm's none: the entry as published);
 * - `experiments.<key>` carries the visitor's arm for conditions that reference a site-wide one;
 * - first exposures are handed to the counting stage (after the response).
 * A visitor not in an experiment is resolved as if it did not exist, and not counted.
 */

export interface ExperimentStage {
  /** The candidates of selection. */
  program: readonly CompiledVariant[];
  /** `meta.personalize.experiments`. */
  meta: Record<string, ExperimentMeta>;
  /** `experiments.<key>` signals: the arm of each experiment the visitor is in. */
  arms: Record<string, string>;
  /** Set when the candidates are an arm's variants. */
  reason: ExperimentReason | null;
  /**
   * A multivariate experiment's cell (docs/experiments.md, "Multivariate"): each factor's level's variants, in
   * factor order; selection picks the first match of each and merges their overrides in this order.
   */
  factors?: CompiledVariant[][];
  /** Experiments to record a first exposure for (the counting stage skips those already recorded). */
  exposures: ExposureRequest[];
}

/** The arm's variants of the program, in the arm's order (ids the entry no longer has are skipped). */
const armProgram = (program: readonly CompiledVariant[], variantIds: readonly string[]): CompiledVariant[] => {
  const byId = new Map(program.map((candidate) => [candidate.variant.id, candidate]));
  return variantIds.map((id) => byId.get(id)).filter((candidate): candidate is CompiledVariant => candidate !== undefined);
};

/** An assignment, with where a contextual experiment's model placed the visitor, or a multivariate one's levels. */
type StageAssignment = Assignment & { contextual?: ContextualExposure; levels?: Record<string, string> };

const metaOf = (assignment: StageAssignment): ExperimentMeta => ({
  ...(assignment.arm !== undefined ? { arm: assignment.arm } : {}),
  ...(assignment.levels && assignment.inExperiment ? { levels: assignment.levels } : {}),
  reason: assignment.reason === 'not-running' ? 'holdout' : assignment.reason,
  bucket: assignment.bucket,
  ...(assignment.contextual && assignment.inExperiment ? { leaf: assignment.contextual.l, propensity: assignment.contextual.w } : {}),
});

/** A frozen leaf's variant (on the entry, above the experiment's) matches: the visitor is not the bandit's to assign. */
const frozenMatch = (experiment: LiveExperiment, program: readonly CompiledVariant[], context: unknown): boolean => {
  if (experiment.frozen.length === 0) return false;
  for (const candidate of program) {
    if (!experiment.frozen.includes(candidate.variant.id) || !candidate.evaluator) continue;
    try {
      if (candidate.evaluator.matches(context)) return true;
    } catch {
      // A condition that fails matches nobody.
    }
  }
  return false;
};

export const experimentStage = (
  experiments: ExperimentsPort,
  program: readonly CompiledVariant[],
  target: { uid: string; documentId: string },
  visitor: { visitorId?: string; state?: VisitorState },
  context: unknown
): ExperimentStage | null => {
  if (!experiments.anyRunning()) return null;
  const targeting = experiments.targeting(target.uid, target.documentId);
  const referenced = experiments.referencedBy(program);
  if (targeting.length === 0 && referenced.length === 0) return null;

  const stage: ExperimentStage = { program, meta: {}, arms: {}, reason: null, exposures: [] };
  const consent = visitor.state?.consent.events === true;
  const exposures = visitor.state?.profile?.exposures;

  const assign = (experiment: LiveExperiment, blocked: boolean): StageAssignment => {
    const stored = exposures && Object.prototype.hasOwnProperty.call(exposures, experiment.key) ? exposures[experiment.key] : undefined;
    const eligible = () => {
      // A second experiment on an entry already under one: the visitor cannot be in both.
      if (blocked) return false;
      const rule = experiments.eligibility(experiment);
      if (rule === null) return true;
      if (rule === 'broken') return false;
      try {
        return rule.matches(context);
      } catch {
        return false;
      }
    };
    const { model, contextual } = experiment;
    if (experiment.mode === 'contextual' && model && contextual && model.leaves.length > 0) {
      // Contextual (docs/experiments.md, "Contextual bandits"): a frozen leaf's segment leaves the experiment;
      // otherwise the visitor's leaf of the model in force gives the weights of the draw; the arm stays sticky.
      if (frozenMatch(experiment, program, context)) {
        return { inExperiment: false, reason: 'not-eligible', bucket: null };
      }
      if (stored) {
        const sticky = assignExperiment({ experiment, visitorId: visitor.visitorId, consent, sticky: stored.arm, eligible: true });
        return stored.cx ? { ...sticky, contextual: stored.cx } : sticky;
      }
      const leaf = model.leaves[contextualLeafIndex(model, context)];
      const assignment = assignExperiment({
        experiment: { ...experiment, arms: experiment.arms.map((arm, index) => ({ key: arm.key, weight: leaf.weights[index] ?? 0 })) },
        visitorId: visitor.visitorId,
        consent,
        eligible: eligible(),
      });
      if (assignment.reason !== 'hash' || assignment.arm === undefined) return assignment;
      const cell = contextualCell(context, contextual.attributes, model);
      const index = experiment.arms.findIndex((arm) => arm.key === assignment.arm);
      return {
        ...assignment,
        contextual: { c: contextualCellKey(cell, contextual.attributes), l: leaf.id, m: model.version, w: leaf.weights[index] },
      };
    }
    const assignment = assignExperiment({
      experiment,
      visitorId: visitor.visitorId,
      consent,
      sticky: stored?.arm,
      // Evaluated only when it decides (not for a sticky visitor).
      eligible: stored ? true : eligible(),
    });
    const { factors } = experiment;
    if (experiment.mode !== 'multivariate' || !factors || !assignment.inExperiment || assignment.arm === undefined) return assignment;
    // Multivariate: the gates above (status, consent, eligibility, namespace, traffic) decide who is in; a new
    // visitor's level of each factor is then drawn by that factor's own hash; a sticky one keeps their cell.
    const arm = assignment.reason === 'hash' ? (assignFactors(experiment.key, factors, visitor.visitorId ?? '', 1).arm ?? assignment.arm) : assignment.arm;
    const levels = levelsOfCell(factors, arm);
    return levels ? { ...assignment, arm, levels } : { inExperiment: false, reason: 'not-eligible', bucket: assignment.bucket };
  };

  const take = (experiment: LiveExperiment, assignment: StageAssignment) => {
    stage.meta[experiment.key] = metaOf(assignment);
    if (!assignment.inExperiment || assignment.arm === undefined) return;
    stage.arms[experiment.key] = assignment.arm;
    if (assignment.reason === 'hash') {
      stage.exposures.push({
        key: experiment.key,
        arm: assignment.arm,
        period: experiment.period,
        ...(assignment.contextual ? { contextual: assignment.contextual } : {}),
      });
    }
  };

  for (const experiment of targeting) {
    const assignment = assign(experiment, stage.reason !== null);
    take(experiment, assignment);
    if (stage.reason === null && assignment.inExperiment && assignment.arm !== undefined) {
      if (experiment.factors && assignment.levels) {
        const { levels } = assignment;
        const factorVariants = experiment.factors.map(
          (factor) => factor.levels.find((level) => level.key === levels[factor.key])?.variants ?? []
        );
        stage.factors = factorVariants.map((variants) => armProgram(program, variants));
        stage.program = stage.factors.flat();
        stage.reason = { rule: 'experiment', experiment: experiment.key, arm: assignment.arm, variants: factorVariants.flat(), levels };
      } else {
        const arm = experiment.arms.find((candidate) => candidate.key === assignment.arm);
        const variants = arm?.variants ?? [];
        stage.program = armProgram(program, variants);
        stage.reason = { rule: 'experiment', experiment: experiment.key, arm: assignment.arm, variants: [...variants] };
      }
    }
  }
  for (const experiment of referenced) {
    if (stage.meta[experiment.key]) continue;
    take(experiment, assign(experiment, false));
  }
  return stage;
};
