import {
  ARM_KEY_PATTERN,
  CONTEXTUAL_LIMITS,
  EXPERIMENT_KEY_PATTERN,
  EXPERIMENT_LIMITS,
  type Experiment,
  type ExperimentInput,
  type ExperimentMode,
  type ExperimentStatus,
} from '../../../contracts/src/experiments';
import { CUPED_LIMITS, cupedLookbackOf } from '../../../contracts/src/cuped';
import { TRACK_NAME_PATTERN } from '../../../contracts/src/events';
import { GOAL_VALUE_LIMITS } from '../../../engine/src/experiments/exposure';
import { parseCuts } from './contextual';
import { namespaceDraft, namespaceInput, namespaceProblems, type NamespaceDraft, type NamespaceProblem } from './namespace';
import { evenPercents, percentTotal, toPercent, weightsFromPercents } from './weights';

/** An arm as the editor holds it: the weight as a percentage. */
export interface ArmDraft {
  key: string;
  name: string;
  percent: number | null;
  variants: string[];
}

export interface TargetDraft {
  uid: string;
  documentId: string;
  locale: string | null;
}

/** A goal as the editor holds it. */
export interface GoalDraft {
  event: string;
  kind: 'conversion' | 'mean';
  windowHours: number | null;
  /** `mean` goals: a visitor's total counts as at most this; null or absent: no cap. */
  cap?: number | null;
}

/** A guardrail as the editor holds it: a goal and the direction that is good for it. */
export interface GuardrailDraft extends GoalDraft {
  direction: 'increase' | 'decrease';
}

/** A new guardrail: a conversion that should not go up (refunds, errors), within the default window. */
export const emptyGuardrail = (): GuardrailDraft => ({ event: '', kind: 'conversion', windowHours: 72, direction: 'decrease' });

/** A new secondary goal: a conversion within the default window. */
export const emptyGoal = (): GoalDraft => ({ event: '', kind: 'conversion', windowHours: 72 });

/** A level of a multivariate factor as the editor holds it: the target entry's variants it serves (none: as published). */
export interface LevelDraft {
  key: string;
  name: string;
  variants: string[];
}

/** A factor of a multivariate experiment as the editor holds it; its first level is the baseline. */
export interface FactorDraft {
  key: string;
  name: string;
  levels: LevelDraft[];
}

/** A contextual experiment's attribute as the editor holds it: the cuts as typed (empty: the default cuts). */
export interface AttributeDraft {
  path: string;
  cuts: string;
}

/** The experiment editor's state; numbers the editor types are null while empty. */
export interface ExperimentDraft {
  documentId?: string;
  status: ExperimentStatus;
  key: string;
  name: string;
  hypothesis: string;
  mode: ExperimentMode;
  target: TargetDraft | null;
  arms: ArmDraft[];
  trafficPercent: number | null;
  /** null: every visitor is eligible. */
  condition: unknown;
  goal: GoalDraft;
  /** Secondary goals (their p-values are Holm-adjusted across them on the results page). */
  secondary: GoalDraft[];
  /** Goals that must not be harmed (a red banner on the results page when an arm harms one). */
  guardrails: GuardrailDraft[];
  bandit: {
    cadenceMinutes: number | null;
    burnInMinutes: number | null;
    minUnitsPerArm: number | null;
    minWeightPercent: number | null;
  };
  /** Mutual exclusion with the other experiments of a namespace; null: none. */
  namespace: NamespaceDraft | null;
  /** CUPED (docs/experiments.md, "CUPED"): on with a 14-day lookback by default; the lookback kept while off. */
  cuped: { enabled: boolean; lookbackDays: number | null };
  /** `mode: 'multivariate'`: the factors whose cells are the arms (the server writes the arms). */
  factors: FactorDraft[];
  /** `mode: 'contextual'`: the signals the model may split on, and its size. */
  contextual: {
    attributes: AttributeDraft[];
    maxLeaves: number | null;
    minUnitsPerLeaf: number | null;
  };
}

export const slugify = (name: string, max = 64) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max);

/** A key not among `taken`, from a name: `treatment`, `treatment-2`, ... */
export const uniqueKey = (name: string, taken: readonly string[], fallback = 'arm') => {
  const base = slugify(name, 60) || fallback;
  let key = base;
  for (let n = 2; taken.includes(key); n += 1) key = `${base}-${n}`;
  return key;
};

const EMPTY_BANDIT = { cadenceMinutes: null, burnInMinutes: null, minUnitsPerArm: null, minWeightPercent: null };

/** A new contextual experiment's settings: device and visits, the model's default size. */
export const emptyContextual = (): ExperimentDraft['contextual'] => ({
  attributes: [
    { path: 'context.device', cuts: '' },
    { path: 'profile.visits', cuts: '' },
  ],
  maxLeaves: null,
  minUnitsPerLeaf: null,
});

/** A new experiment: control and one treatment, half and half, every visitor, a conversion goal. */
export const emptyDraft = (names: { control: string; treatment: string }): ExperimentDraft => {
  const [a, b] = evenPercents(2);
  return {
    status: 'draft',
    key: '',
    name: '',
    hypothesis: '',
    mode: 'ab',
    target: null,
    arms: [
      { key: 'control', name: names.control, percent: a, variants: [] },
      { key: 'treatment', name: names.treatment, percent: b, variants: [] },
    ],
    trafficPercent: 100,
    condition: null,
    goal: emptyGoal(),
    secondary: [],
    guardrails: [],
    namespace: null,
    cuped: { enabled: true, lookbackDays: CUPED_LIMITS.defaultLookbackDays },
    bandit: { ...EMPTY_BANDIT },
    contextual: emptyContextual(),
    factors: [],
  };
};

/** Names of a new factor and its levels, in the admin's language, by their number (from 1). */
export interface FactorNames {
  factor: (number: number) => string;
  baseline: string;
  level: (number: number) => string;
}

/** A new level of `factor`: named after its position, a key no other level of the factor has, no variant yet. */
export const newLevel = (factor: FactorDraft, names: FactorNames): LevelDraft => {
  const name = factor.levels.length === 0 ? names.baseline : names.level(factor.levels.length + 1);
  return { key: uniqueKey(name, factor.levels.map((level) => level.key), 'level'), name, variants: [] };
};

/** A new factor: a key no other factor has, a baseline level (the entry as published) and one more level. */
export const newFactor = (factors: readonly FactorDraft[], names: FactorNames): FactorDraft => {
  const name = names.factor(factors.length + 1);
  const empty: FactorDraft = { key: uniqueKey(name, factors.map((factor) => factor.key), 'factor'), name, levels: [] };
  const baseline = newLevel(empty, names);
  const withBaseline = { ...empty, levels: [baseline] };
  return { ...withBaseline, levels: [baseline, newLevel(withBaseline, names)] };
};

const goalDraft = (goal: Experiment['goal']): GoalDraft => ({
  event: goal.event,
  kind: goal.kind,
  windowHours: goal.windowHours,
  cap: goal.cap ?? null,
});

/** The editor's state of a stored experiment. */
export const draftFromExperiment = (experiment: Experiment): ExperimentDraft => ({
  documentId: experiment.documentId,
  status: experiment.status,
  key: experiment.key,
  name: experiment.name,
  hypothesis: experiment.hypothesis ?? '',
  mode: experiment.mode,
  target: experiment.target
    ? { uid: experiment.target.uid, documentId: experiment.target.documentId, locale: experiment.target.locale ?? null }
    : null,
  arms: experiment.arms.map((arm) => ({
    key: arm.key,
    name: arm.name ?? '',
    percent: toPercent(arm.weight),
    variants: [...(arm.variants ?? [])],
  })),
  trafficPercent: toPercent(experiment.traffic),
  condition: experiment.condition ?? null,
  goal: goalDraft(experiment.goal),
  secondary: (experiment.secondary ?? []).map(goalDraft),
  guardrails: (experiment.guardrails ?? []).map((guardrail) => ({ ...goalDraft(guardrail), direction: guardrail.direction })),
  namespace: namespaceDraft(experiment.namespace),
  cuped: {
    enabled: cupedLookbackOf(experiment.cuped) !== null,
    lookbackDays: (experiment.cuped && 'lookbackDays' in experiment.cuped ? experiment.cuped.lookbackDays : undefined) ?? CUPED_LIMITS.defaultLookbackDays,
  },
  bandit: {
    cadenceMinutes: experiment.bandit?.cadenceMinutes ?? null,
    burnInMinutes: experiment.bandit?.burnInMinutes ?? null,
    minUnitsPerArm: experiment.bandit?.minUnitsPerArm ?? null,
    minWeightPercent: experiment.bandit?.minWeight === undefined ? null : toPercent(experiment.bandit.minWeight),
  },
  contextual: experiment.contextual
    ? {
        attributes: experiment.contextual.attributes.map((attribute) => ({ path: attribute.path, cuts: (attribute.cuts ?? []).join(', ') })),
        maxLeaves: experiment.contextual.maxLeaves ?? null,
        minUnitsPerLeaf: experiment.contextual.minUnitsPerLeaf ?? null,
      }
    : emptyContextual(),
  factors: (experiment.factors ?? []).map((factor) => ({
    key: factor.key,
    name: factor.name ?? '',
    levels: factor.levels.map((level) => ({ key: level.key, name: level.name ?? '', variants: [...(level.variants ?? [])] })),
  })),
});

/** The `contextual` of the body: cuts as numbers (left out when empty or not numbers: the editor flags those). */
const contextualInput = (contextual: ExperimentDraft['contextual']) => ({
  attributes: contextual.attributes.map((attribute) => {
    const cuts = parseCuts(attribute.cuts);
    return { path: attribute.path, ...(cuts ? { cuts } : {}) };
  }),
  ...(contextual.maxLeaves !== null ? { maxLeaves: contextual.maxLeaves } : {}),
  ...(contextual.minUnitsPerLeaf !== null ? { minUnitsPerLeaf: contextual.minUnitsPerLeaf } : {}),
});

/** A goal of the body; a cap only on a `mean` goal (switching to conversion drops it). */
const goalInput = (goal: GoalDraft) => ({
  event: goal.event.trim(),
  kind: goal.kind,
  windowHours: goal.windowHours ?? 72,
  ...(goal.kind === 'mean' && goal.cap !== null && goal.cap !== undefined ? { cap: goal.cap } : {}),
});

/** `cuped` of the body: an empty lookback is the default's; off keeps a valid lookback, so turning it on again finds it. */
const cupedInput = ({ enabled, lookbackDays }: ExperimentDraft['cuped']) => {
  const lookback = lookbackDays ?? CUPED_LIMITS.defaultLookbackDays;
  if (enabled) return { enabled, lookbackDays: lookback };
  return Number.isInteger(lookback) && lookback >= 1 && lookback <= CUPED_LIMITS.maxLookbackDays ? { enabled, lookbackDays: lookback } : { enabled };
};

/** `factors` of the body; a level's variants only with a target (the server refuses them without). */
const factorsInput = (draft: ExperimentDraft) =>
  draft.factors.map((factor) => ({
    key: factor.key.trim(),
    name: factor.name.trim() || null,
    levels: factor.levels.map((level) => ({
      key: level.key.trim(),
      name: level.name.trim() || null,
      variants: draft.target ? level.variants : [],
    })),
  }));

/**
 * The body of `POST`/`PUT /personalize/experiments` (status is the lifecycle routes' business). A multivariate
 * experiment sends its factors and no arms: the server writes the cells as its arms.
 */
export const inputFromDraft = (draft: ExperimentDraft): Omit<ExperimentInput, 'status'> => {
  const weights = weightsFromPercents(draft.arms.map((arm) => arm.percent ?? 0));
  const bandit = {
    ...(draft.bandit.cadenceMinutes !== null ? { cadenceMinutes: draft.bandit.cadenceMinutes } : {}),
    ...(draft.bandit.burnInMinutes !== null ? { burnInMinutes: draft.bandit.burnInMinutes } : {}),
    ...(draft.bandit.minUnitsPerArm !== null ? { minUnitsPerArm: draft.bandit.minUnitsPerArm } : {}),
    ...(draft.bandit.minWeightPercent !== null ? { minWeight: draft.bandit.minWeightPercent / 100 } : {}),
  };
  return {
    key: draft.key.trim(),
    name: draft.name.trim(),
    hypothesis: draft.hypothesis.trim() || null,
    mode: draft.mode,
    target: draft.target
      ? { uid: draft.target.uid, documentId: draft.target.documentId, locale: draft.target.locale ?? null }
      : null,
    ...(draft.mode === 'multivariate'
      ? {}
      : {
          arms: draft.arms.map((arm, index) => ({
            key: arm.key.trim(),
            name: arm.name.trim() || null,
            weight: weights[index],
            variants: draft.target ? arm.variants : [],
          })),
        }),
    traffic: Math.round((draft.trafficPercent ?? 0) * 100) / 10000,
    condition: draft.condition ?? null,
    goal: goalInput(draft.goal),
    // Always sent, so removing the last one clears them.
    secondary: draft.secondary.map(goalInput),
    guardrails: draft.guardrails.map((guardrail) => ({ ...goalInput(guardrail), direction: guardrail.direction })),
    namespace: namespaceInput(draft.namespace),
    cuped: cupedInput(draft.cuped),
    bandit: (draft.mode === 'bandit' || draft.mode === 'contextual') && Object.keys(bandit).length > 0 ? bandit : null,
    contextual: draft.mode === 'contextual' ? contextualInput(draft.contextual) : null,
    // Always sent, so leaving the multivariate mode (a draft) clears them.
    factors: draft.mode === 'multivariate' ? factorsInput(draft) : null,
  };
};

/** What the editor finds wrong before sending (the server checks again and says more). */
export type DraftProblem =
  | 'required'
  | 'key-pattern'
  | 'duplicate-key'
  | 'weights-sum'
  | 'percent-range'
  | 'too-few-arms'
  | 'too-many-arms'
  | 'event-pattern'
  | 'window-range'
  | 'cap-range'
  | 'duplicate-goal'
  | 'target-variants'
  | 'no-target-entry'
  | 'too-few-attributes'
  | 'too-many-attributes'
  | 'duplicate-attribute'
  | 'cuts-numbers'
  | 'leaves-range'
  | 'units-per-leaf-range'
  | 'lookback-range'
  | 'too-few-factors'
  | 'too-many-factors'
  | 'duplicate-factor'
  | 'too-few-levels'
  | 'too-many-levels'
  | 'duplicate-level'
  | 'multivariate-target'
  | NamespaceProblem;

/** Problems by the form field they belong to (`name`, `arms.1.key`, `arms`, `goal.event`, ...). */
export const draftProblems = (draft: ExperimentDraft): Record<string, DraftProblem> => {
  const problems: Record<string, DraftProblem> = {};
  if (!draft.name.trim()) problems.name = 'required';
  if (!draft.key.trim()) problems.key = 'required';
  else if (!EXPERIMENT_KEY_PATTERN.test(draft.key.trim())) problems.key = 'key-pattern';
  if (draft.target && (!draft.target.uid || !draft.target.documentId)) problems.target = 'no-target-entry';
  // A multivariate experiment's arms are its cells, written by the server: its factors are checked instead.
  if (draft.mode === 'multivariate') factorProblems(draft, problems);
  else armProblems(draft.arms, problems);
  if (draft.trafficPercent === null) problems.traffic = 'required';
  else if (!(draft.trafficPercent >= 0 && draft.trafficPercent <= 100)) problems.traffic = 'percent-range';
  const events = new Set<string>();
  const checkGoal = (goal: GoalDraft, prefix: string) => {
    const event = goal.event.trim();
    if (!event) problems[`${prefix}.event`] = 'required';
    else if (!TRACK_NAME_PATTERN.test(event)) problems[`${prefix}.event`] = 'event-pattern';
    else if (events.has(event)) problems[`${prefix}.event`] = 'duplicate-goal';
    events.add(event);
    const window = goal.windowHours;
    if (window === null) problems[`${prefix}.windowHours`] = 'required';
    else if (!(Number.isInteger(window) && window >= 1 && window <= EXPERIMENT_LIMITS.maxWindowHours))
      problems[`${prefix}.windowHours`] = 'window-range';
    const { cap } = goal;
    if (goal.kind === 'mean' && cap !== null && cap !== undefined && !(cap > 0 && cap <= GOAL_VALUE_LIMITS.visitorTotal))
      problems[`${prefix}.cap`] = 'cap-range';
  };
  checkGoal(draft.goal, 'goal');
  draft.secondary.forEach((goal, index) => checkGoal(goal, `secondary.${index}`));
  draft.guardrails.forEach((goal, index) => checkGoal(goal, `guardrails.${index}`));
  if (draft.mode === 'contextual') contextualProblems(draft.contextual, problems);
  const lookback = draft.cuped.lookbackDays;
  if (draft.cuped.enabled && lookback !== null && !(Number.isInteger(lookback) && lookback >= 1 && lookback <= CUPED_LIMITS.maxLookbackDays))
    problems['cuped.lookbackDays'] = 'lookback-range';
  // The overlap with the namespace's other experiments is the editor's bar's to show (and the server's 409).
  Object.assign(problems, namespaceProblems(draft.namespace, null));
  return problems;
};

/** The arms' problems, under `arms`, `arms.<i>.key` and `arms.<i>.weight`. */
const armProblems = (arms: readonly ArmDraft[], problems: Record<string, DraftProblem>) => {
  if (arms.length < EXPERIMENT_LIMITS.minArms) problems.arms = 'too-few-arms';
  else if (arms.length > EXPERIMENT_LIMITS.maxArms) problems.arms = 'too-many-arms';
  const seen = new Set<string>();
  arms.forEach((arm, index) => {
    const key = arm.key.trim();
    if (!key) problems[`arms.${index}.key`] = 'required';
    else if (!ARM_KEY_PATTERN.test(key)) problems[`arms.${index}.key`] = 'key-pattern';
    else if (seen.has(key)) problems[`arms.${index}.key`] = 'duplicate-key';
    seen.add(key);
    if (arm.percent === null) problems[`arms.${index}.weight`] = 'required';
    else if (!(arm.percent >= 0 && arm.percent <= 100)) problems[`arms.${index}.weight`] = 'percent-range';
  });
  if (!problems.arms && percentTotal(arms.map((arm) => arm.percent ?? 0)) !== 100) problems.arms = 'weights-sum';
};

/** A key's problem among the keys already seen (the same rules as arm keys), or null. */
const keyProblem = (key: string, seen: Set<string>, duplicate: DraftProblem): DraftProblem | null => {
  if (!key) return 'required';
  if (!ARM_KEY_PATTERN.test(key)) return 'key-pattern';
  if (seen.has(key)) return duplicate;
  seen.add(key);
  return null;
};

/**
 * A multivariate experiment's problems: a target entry (`target`), 1 to 3 factors (`factors`), each with a unique
 * key (`factors.<i>.key`) and 2 to 4 levels (`factors.<i>.levels`) of unique keys (`factors.<i>.levels.<j>.key`).
 */
const factorProblems = (draft: ExperimentDraft, problems: Record<string, DraftProblem>) => {
  if (!draft.target) problems.target = 'multivariate-target';
  const { factors } = draft;
  if (factors.length < 1) problems.factors = 'too-few-factors';
  else if (factors.length > EXPERIMENT_LIMITS.maxFactors) problems.factors = 'too-many-factors';
  const factorKeys = new Set<string>();
  factors.forEach((factor, index) => {
    const problem = keyProblem(factor.key.trim(), factorKeys, 'duplicate-factor');
    if (problem) problems[`factors.${index}.key`] = problem;
    if (factor.levels.length < EXPERIMENT_LIMITS.minLevels) problems[`factors.${index}.levels`] = 'too-few-levels';
    else if (factor.levels.length > EXPERIMENT_LIMITS.maxLevels) problems[`factors.${index}.levels`] = 'too-many-levels';
    const levelKeys = new Set<string>();
    factor.levels.forEach((level, position) => {
      const levelProblem = keyProblem(level.key.trim(), levelKeys, 'duplicate-level');
      if (levelProblem) problems[`factors.${index}.levels.${position}.key`] = levelProblem;
    });
  });
};

/** A contextual experiment's settings' problems, under `contextual.attributes`, `contextual.attributes.<i>.path|cuts`, ... */
const contextualProblems = (contextual: ExperimentDraft['contextual'], problems: Record<string, DraftProblem>) => {
  const { attributes, maxLeaves, minUnitsPerLeaf } = contextual;
  if (attributes.length < CONTEXTUAL_LIMITS.minAttributes) problems['contextual.attributes'] = 'too-few-attributes';
  else if (attributes.length > CONTEXTUAL_LIMITS.maxAttributes) problems['contextual.attributes'] = 'too-many-attributes';
  const seen = new Set<string>();
  attributes.forEach((attribute, index) => {
    if (!attribute.path) problems[`contextual.attributes.${index}.path`] = 'required';
    else if (seen.has(attribute.path)) problems[`contextual.attributes.${index}.path`] = 'duplicate-attribute';
    seen.add(attribute.path);
    if (parseCuts(attribute.cuts) === null) problems[`contextual.attributes.${index}.cuts`] = 'cuts-numbers';
  });
  if (maxLeaves !== null && !(Number.isInteger(maxLeaves) && maxLeaves >= 1 && maxLeaves <= CONTEXTUAL_LIMITS.maxLeaves))
    problems['contextual.maxLeaves'] = 'leaves-range';
  if (minUnitsPerLeaf !== null && !(Number.isInteger(minUnitsPerLeaf) && minUnitsPerLeaf >= 1)) problems['contextual.minUnitsPerLeaf'] = 'units-per-leaf-range';
};

/**
 * The form field a server issue path belongs to: `condition.and.0` → `condition`, `arms.1.variants.0`
 * → `arms.1.variants`, `target.uid` → `target`; `arms.1.weight`, `goal.event` and `key` stay as they are.
 */
export const fieldOfPath = (path: readonly (string | number)[]): string => {
  const [head, second, third] = path;
  if (head === 'condition' || head === 'target' || head === 'hypothesis') return String(head);
  if (head === 'arms' && typeof second === 'number') return third === undefined ? 'arms' : `arms.${second}.${third}`;
  if (head === 'arms') return 'arms';
  if ((head === 'goal' || head === 'bandit') && second !== undefined) return `${head}.${second}`;
  if (head === 'contextual') {
    // `contextual.attributes.1.cuts.0` → `contextual.attributes.1.cuts`; `contextual.maxLeaves` as it is.
    if (second === 'attributes' && typeof third === 'number') {
      const field = path[3];
      return `contextual.attributes.${third}.${field === 'cuts' ? 'cuts' : 'path'}`;
    }
    return second === undefined ? 'contextual.attributes' : `contextual.${second}`;
  }
  if (head === 'secondary' && typeof second === 'number' && third !== undefined) return `secondary.${second}.${third}`;
  if (head === 'secondary') return 'form';
  if (head === 'guardrails' && typeof second === 'number' && third !== undefined) return `guardrails.${second}.${third}`;
  if (head === 'guardrails') return 'form';
  // `cuped` is `false` or an object: a wrong lookback at its field, anything else at the switch.
  if (head === 'cuped') return second === 'lookbackDays' ? 'cuped.lookbackDays' : 'cuped';
  if (head === 'namespace') return second === 'range' ? 'namespace.range' : 'namespace.key';
  if (head === 'factors') return factorField(path);
  return path.length ? String(head) : 'form';
};

/**
 * A factor's field: `factors.0.levels.1.variants.0` → `factors.0.levels.1.variants`, `factors.0.key` as it is,
 * `factors.0.levels` (too few or too many) as it is; the list itself, or a factor as a whole, at `factors`.
 */
const factorField = (path: readonly (string | number)[]): string => {
  const [, index, field, position, levelField] = path;
  if (typeof index !== 'number' || field === undefined) return 'factors';
  if (field !== 'levels') return `factors.${index}.${field}`;
  if (typeof position !== 'number' || levelField === undefined) return `factors.${index}.levels`;
  return `factors.${index}.levels.${position}.${levelField}`;
};

/** The server's 400 issues by form field; several on one field are joined. */
export const serverErrorsByField = (
  details: readonly { path: (string | number)[]; message: string }[]
): Record<string, string> => {
  const byField: Record<string, string> = {};
  for (const detail of details) {
    const field = fieldOfPath(detail.path);
    byField[field] = byField[field] ? `${byField[field]}; ${detail.message}` : detail.message;
  }
  return byField;
};
