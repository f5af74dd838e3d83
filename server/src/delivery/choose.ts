import type { ExperimentMeta } from '../../../contracts/src/experiments';
import type { ReasonEntry } from '../../../contracts/src/reason';
import type { Variant } from '../../../contracts/src/variants/schema';
import { HOLDOUT_ARMS, HOLDOUT_EXPERIMENT_KEY } from '../../../contracts/src/holdout';
import { inHoldout, type ExposureRequest } from '../../../engine/src/experiments';
import type { DeliveryTarget } from './context';
import { experimentStage, type ExperimentStage } from './experiments';
import type { CompiledVariant, ExperimentsPort } from './ports';
import { selectFixed, selectVariant, type Selection, type SelectionRules } from './select';
import { capsRule, fatigue, visitorReasons, type VisitorState } from './visitor';

/**
 * Stage 2 of delivery, once (docs/architecture.md, "The delivery pipeline"): the variant an entry
 * serves to a visitor. The experiments stage (arms narrow the candidates; `experiments.<key>` joins
 * the data), session fatigue, frequency caps and the first match, with its explanation. Delivery
 * (`/resolve`, the plain API) and the admin's live test and preview all call it, and the live test
 * explains each variant against `data`, exactly the data the choice used.
 */

/** What stage 2 needs from the rest of the plugin (wired in delivery/index.ts). */
export interface ChoosePorts {
  experiments: ExperimentsPort;
  /** Why the winner matched: the true tests of its condition (compiled for explaining once per program). */
  explainMatch(candidate: CompiledVariant, data: unknown): ReasonEntry[];
  /** A condition that failed: counts as no match; the port decides how to log it. */
  onConditionError(candidate: CompiledVariant, message: string): void;
  /** `caps.maxPersonalizedPerSession`. */
  maxPersonalizedPerSession(): number | undefined;
  /** `holdout.share` (absent or 0: no holdout; the live test and previews have none). */
  holdoutShare?(): number;
}

export interface ChooseInput {
  /** The entry's variants, compiled. */
  program: readonly CompiledVariant[];
  target: DeliveryTarget;
  /** Stage 1's evaluation context. */
  context: unknown;
  visitorId?: string;
  state?: VisitorState;
  /**
   * Serve this variant (fixed URLs, previews); `includeDisabled` for an editor's preview, which also
   * wants to see where the visitor falls in the experiments (`withExperiments`: meta only, no exposure).
   */
  fixed?: { variantId: string; includeDisabled?: boolean; withExperiments?: boolean };
}

/** The choice for one entry, and what the experiments stage decided. */
export interface Choice extends Selection {
  /**
   * A multivariate cell that served variants of several factors: those variants, in factor order (`variant` is
   * then their merge, docs/experiments.md "Multivariate"); the counting stage counts each one's caps.
   */
  parts?: Variant[];
  /** `meta.personalize.experiments`: present when an experiment took part. */
  experiments?: Record<string, ExperimentMeta>;
  /** First exposures for the counting stage. */
  exposures?: ExposureRequest[];
  /** The data conditions were evaluated against: the context, with `experiments.<key>` when the visitor is in one. */
  data: unknown;
  /** The candidates selection tried: an arm's variants when an experiment narrowed them, else the program. */
  candidates: readonly CompiledVariant[];
}

/** The context with the arms of the experiments the visitor is in (`experiments.<key>`). */
const dataWithArms = (context: unknown, stage: ExperimentStage | null): unknown =>
  stage && Object.keys(stage.arms).length > 0 ? { ...(context as Record<string, unknown>), experiments: stage.arms } : context;

/**
 * The site-wide holdout (docs/experiments.md, "The holdout"), for an entry with variants and a visitor id: the
 * visitor's group (the one of their first exposure when they have one, so it is sticky), and, until they have one,
 * their first exposure to the holdout's pseudo-experiment (counted only with events consent, as every exposure).
 */
const holdoutOf = (
  ports: ChoosePorts,
  input: ChooseInput
): { held: boolean; share: number; exposures: ExposureRequest[] } | null => {
  const share = ports.holdoutShare?.() ?? 0;
  if (!(share > 0) || input.fixed || !input.visitorId || input.program.length === 0) return null;
  const stored = input.state?.profile?.exposures?.[HOLDOUT_EXPERIMENT_KEY]?.arm;
  if (stored === HOLDOUT_ARMS[0] || stored === HOLDOUT_ARMS[1]) return { held: stored === HOLDOUT_ARMS[0], share, exposures: [] };
  const held = inHoldout(input.visitorId, share);
  return { held, share, exposures: [{ key: HOLDOUT_EXPERIMENT_KEY, arm: HOLDOUT_ARMS[held ? 0 : 1], period: 0 }] };
};

/**
 * A multivariate cell (docs/experiments.md, "Multivariate"): per factor, the first match among its level's
 * variants; the variants served are merged into one, their overrides in factor order (a later factor's value wins
 * a field two set), its id their ids joined by `+`. The reasons are each factor's, in order.
 */
const selectCell = (factors: readonly (readonly CompiledVariant[])[], data: unknown, rules: SelectionRules): Selection & { parts?: Variant[] } => {
  const selections = factors.map((program) => selectVariant(program, data, rules));
  const parts = selections.map((selection) => selection.variant).filter((variant): variant is Variant => variant !== null);
  const reason = selections.flatMap((selection) => selection.reason);
  if (parts.length <= 1) return { variant: parts[0] ?? null, reason };
  const variant: Variant = {
    id: parts.map((part) => part.id).join('+'),
    name: parts.map((part) => part.name).join(' + '),
    enabled: true,
    overrides: Object.assign({}, ...parts.map((part) => part.overrides)),
  };
  return { variant, reason, parts };
};

export const chooseVariant = (ports: ChoosePorts, input: ChooseInput): Choice => {
  const { context, state } = input;
  const holdout = holdoutOf(ports, input);
  if (holdout?.held) {
    // Every entry as published, in no experiment.
    return {
      variant: null,
      reason: [...visitorReasons(state), { rule: 'holdout', share: holdout.share }],
      exposures: holdout.exposures,
      data: context,
      candidates: [],
    };
  }
  const choice = chooseOutsideHoldout(ports, input);
  return holdout && holdout.exposures.length > 0
    ? { ...choice, exposures: [...(choice.exposures ?? []), ...holdout.exposures] }
    : choice;
};

const chooseOutsideHoldout = (ports: ChoosePorts, input: ChooseInput): Choice => {
  const { program, target, context, state } = input;
  const stage =
    input.fixed && !input.fixed.withExperiments
      ? null
      : experimentStage(ports.experiments, program, target, { visitorId: input.visitorId, state }, context);
  if (input.fixed) {
    // A fixed variant is served as asked: no experiment narrows it, nothing is counted for one.
    const fixed = selectFixed(program, input.fixed.variantId, { includeDisabled: input.fixed.includeDisabled });
    return { ...fixed, ...(stage ? { experiments: stage.meta } : {}), data: dataWithArms(context, stage), candidates: program };
  }
  const experiments = stage ? { experiments: stage.meta, exposures: stage.exposures } : {};
  const data = dataWithArms(context, stage);
  const candidates = stage?.program ?? program;
  const before = visitorReasons(state);
  if (stage?.reason) before.push(stage.reason);
  const tired = fatigue(state, ports.maxPersonalizedPerSession());
  if (tired) return { variant: null, reason: [...before, tired], ...experiments, data, candidates };
  const rules = { explain: ports.explainMatch, onConditionError: ports.onConditionError, passOver: [capsRule(state, target)] };
  const selection = stage?.factors ? selectCell(stage.factors, data, rules) : selectVariant(candidates, data, rules);
  return {
    ...(before.length > 0 ? { ...selection, reason: [...before, ...selection.reason] } : selection),
    ...experiments,
    data,
    candidates,
  };
};
