import { z } from 'zod';

import type { ExperimentStatus } from '../../engine/src/experiments';
import { HOLDOUT_KEY } from '../../engine/src/experiments/exclusion';
import { GOAL_VALUE_LIMITS } from '../../engine/src/experiments/exposure';
import { MAX_FACTORS, MAX_LEVELS } from '../../engine/src/experiments/multivariate';
import { CELL_SEPARATOR, cellKey, factorialCells } from '../../engine/src/stats/factorial';
import { TRACK_NAME_PATTERN } from './events';
import { contentTypeUidSchema, documentIdSchema, localeSchema, variantIdSchema } from './ids';
import type { JsonValue } from '../../engine/src/types';
import { jsonValueSchema } from './json';
import { DEFAULT_LIMITS } from './limits';
import { cupedSettingsSchema, type CupedSettings } from './cuped';

/**
 * Experiments (docs/design.md, "Experiments"): the shape of `plugin::personalize.experiment` as the admin sends
 * it (`POST`/`PUT /personalize/experiments`), with issue paths for 400s, and the results response.
 * Variant ids existing on the target entry is the server's check (`unknownArmVariants` finds them).
 */

export const EXPERIMENT_KEY_PATTERN = /^[a-z0-9_-]{1,64}$/;
export const ARM_KEY_PATTERN = /^[a-z0-9_-]{1,64}$/;

export const EXPERIMENT_LIMITS = {
  minArms: 2,
  maxArms: 20,
  /** A multivariate experiment's arms are its cells: up to 4 × 4 × 4. */
  maxCells: MAX_LEVELS ** MAX_FACTORS,
  maxFactors: MAX_FACTORS,
  minLevels: 2,
  maxLevels: MAX_LEVELS,
  maxSecondaryGoals: 10,
  maxGuardrails: 5,
  /** Longest conversion window: 90 days. */
  maxWindowHours: 2160,
  /** Tolerance of the weights' sum. */
  weightsTolerance: 1e-9,
} as const;

export const EXPERIMENT_STATUSES = ['draft', 'running', 'paused', 'stopped'] as const;
export const EXPERIMENT_MODES = ['ab', 'bandit', 'contextual', 'multivariate'] as const;
export const GOAL_KINDS = ['conversion', 'mean'] as const;

export const experimentKeySchema = z
  .string()
  .regex(EXPERIMENT_KEY_PATTERN, 'must be an experiment key: 1–64 characters of a-z, 0-9, "_" or "-"')
  // The holdout's hash is the experiment hash of this key, and its counts are kept under it (contracts/src/holdout.ts).
  .refine((key) => key !== HOLDOUT_KEY, `"${HOLDOUT_KEY}" is reserved for the site-wide holdout`);
export const armKeySchema = z.string().regex(ARM_KEY_PATTERN, 'must be an arm key: 1–64 characters of a-z, 0-9, "_" or "-"');
/** A multivariate cell's key: its levels joined by `|` (engine cellKey). */
export const CELL_KEY_PATTERN = /^[a-z0-9_-]{1,64}(\|[a-z0-9_-]{1,64}){0,2}$/;
/** An arm's key as stored: an arm key, or a multivariate experiment's cell key (the cross-field check tells them apart). */
export const armOrCellKeySchema = z
  .string()
  .regex(CELL_KEY_PATTERN, 'must be an arm key: 1–64 characters of a-z, 0-9, "_" or "-"');
export const experimentStatusSchema = z.enum(EXPERIMENT_STATUSES);
export const experimentModeSchema = z.enum(EXPERIMENT_MODES);

const goalFields = {
    /** A `track` event name (docs/design.md, "Visitors and events"). */
    event: z
      .string()
      .regex(TRACK_NAME_PATTERN, 'must be a track event name: a letter, then up to 63 of a-z, A-Z, 0-9, "_", ".", ":" or "-"'),
    kind: z.enum(GOAL_KINDS),
    windowHours: z
      .number()
      .int('must be a whole number of hours')
      .min(1)
      .max(EXPERIMENT_LIMITS.maxWindowHours, `at most ${EXPERIMENT_LIMITS.maxWindowHours} hours (90 days)`)
      .default(72),
    /**
     * `mean` only: a visitor's total counts as at most `cap` (at least `−cap`), as GrowthBook's
     * capping does on the per-visitor aggregate. Fixed once the experiment has started.
     */
    cap: z
      .number()
      .finite()
      .positive('must be above 0')
      .max(GOAL_VALUE_LIMITS.visitorTotal, 'at most 1e12')
      .optional(),
};

const capOnMeanOnly = (goal: { kind: string; cap?: number }, ctx: z.RefinementCtx) => {
  if (goal.cap !== undefined && goal.kind !== 'mean') {
    ctx.addIssue({ code: 'custom', path: ['cap'], message: 'only a "mean" goal has a cap (a conversion counts 1 per visitor)' });
  }
};

export const goalSchema = z.object(goalFields).strict().superRefine(capOnMeanOnly);

export const GOAL_DIRECTIONS = ['increase', 'decrease'] as const;

/**
 * A guardrail (docs/experiments.md, "Guardrails"): a goal counted like a secondary goal, with the direction that is
 * good for it; an arm whose sequential interval lies wholly on the other side harms it.
 */
export const guardrailSchema = z
  .object({ ...goalFields, direction: z.enum(GOAL_DIRECTIONS) })
  .strict()
  .superRefine(capOnMeanOnly);

/**
 * A namespace (docs/experiments.md, "Namespaces"): the experiment takes only visitors whose bucket of namespace
 * `key` falls in `range` = [from, to); experiments of one namespace (not stopped) may not overlap.
 */
export const namespaceSchema = z
  .object({
    key: z.string().regex(EXPERIMENT_KEY_PATTERN, 'must be a namespace key: 1–64 characters of a-z, 0-9, "_" or "-"'),
    range: z
      .tuple([z.number().finite().min(0).max(1), z.number().finite().min(0).max(1)])
      .refine(([from, to]) => from < to, 'the range [from, to) must have from below to'),
  })
  .strict();

export const experimentTargetSchema = z
  .object({ uid: contentTypeUidSchema, documentId: documentIdSchema, locale: localeSchema.nullable().optional() })
  .strict();

export const armSchema = z
  .object({
    key: armOrCellKeySchema,
    name: z.string().trim().max(120).nullable().optional(),
    weight: z.number().finite().min(0).max(1),
    /** Variant ids of the target entry, in order (first match wins); `[]` for the control arm. */
    variants: z.array(variantIdSchema).max(DEFAULT_LIMITS.variantsPerEntry).default([]),
  })
  .strict();

/**
 * A factor of a multivariate experiment (docs/experiments.md, "Multivariate"): 2 to 4 levels, each a set of the
 * target entry's variants (first match wins within the level; `[]`: the entry as published for this factor). The
 * first level is the factor's baseline.
 */
export const factorSchema = z
  .object({
    key: armKeySchema,
    name: z.string().trim().max(120).nullable().optional(),
    levels: z
      .array(
        z
          .object({
            key: armKeySchema,
            name: z.string().trim().max(120).nullable().optional(),
            variants: z.array(variantIdSchema).max(DEFAULT_LIMITS.variantsPerEntry).default([]),
          })
          .strict()
      )
      .min(EXPERIMENT_LIMITS.minLevels, `at least ${EXPERIMENT_LIMITS.minLevels} levels`)
      .max(EXPERIMENT_LIMITS.maxLevels, `at most ${EXPERIMENT_LIMITS.maxLevels} levels`),
  })
  .strict();

export const factorsSchema = z
  .array(factorSchema)
  .min(1, 'at least 1 factor')
  .max(EXPERIMENT_LIMITS.maxFactors, `at most ${EXPERIMENT_LIMITS.maxFactors} factors`);

/**
 * A multivariate experiment's arms: the cells of the full factorial (the first factor's level varying slowest),
 * each with an equal weight (each factor's levels take equal shares, independently) and no variants of its own
 * (delivery serves each factor's level's variants).
 */
export const factorialArms = (factors: readonly { levels: readonly { key: string }[] }[]): { key: string; weight: number; variants: string[] }[] => {
  const cells = factorialCells(factors.map((factor, index) => ({ key: String(index), levels: factor.levels })));
  return cells.map((cell) => ({ key: cellKey(cell), weight: 1 / cells.length, variants: [] }));
};

/** The levels of each factor a cell key names, by factor key (null when the key is not a cell of these factors). */
export const levelsOfCell = (
  factors: readonly { key: string; levels: readonly { key: string }[] }[],
  cell: string
): Record<string, string> | null => {
  const parts = cell.split(CELL_SEPARATOR);
  if (parts.length !== factors.length) return null;
  const levels: Record<string, string> = {};
  for (const [index, factor] of factors.entries()) {
    if (!factor.levels.some((level) => level.key === parts[index])) return null;
    levels[factor.key] = parts[index];
  }
  return levels;
};

/** `bandit` overrides of `experiments.bandit` (docs/design.md, "Configuration"). */
export const banditOverridesSchema = z
  .object({
    cadenceMinutes: z.number().int().min(15, 'at least 15 minutes').max(43200).optional(),
    burnInMinutes: z.number().int().min(0).max(43200).optional(),
    minUnitsPerArm: z.number().int().min(1).max(1_000_000).optional(),
    minWeight: z.number().finite().min(0).max(0.5).optional(),
  })
  .strict();

export const CONTEXTUAL_LIMITS = {
  minAttributes: 1,
  maxAttributes: 6,
  maxCuts: 32,
  defaultMaxLeaves: 12,
  maxLeaves: 32,
  defaultMinUnitsPerLeaf: 100,
} as const;

/**
 * `contextual` of a `mode: 'contextual'` experiment (docs/experiments.md, "Contextual bandits"): the signals the
 * model may split on. Each path must be a signal path of the vocabulary: the server checks it on save as it
 * checks conditions.
 */
export const contextualSettingsSchema = z
  .object({
    attributes: z
      .array(
        z
          .object({
            path: z.string().trim().min(1, 'must not be empty').max(200),
            /** Where numbers are cut into buckets (default 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000). */
            cuts: z.array(z.number().finite()).min(1).max(CONTEXTUAL_LIMITS.maxCuts).optional(),
          })
          .strict()
      )
      .min(CONTEXTUAL_LIMITS.minAttributes, `at least ${CONTEXTUAL_LIMITS.minAttributes} attribute`)
      .max(CONTEXTUAL_LIMITS.maxAttributes, `at most ${CONTEXTUAL_LIMITS.maxAttributes} attributes`)
      .superRefine((attributes, ctx) => {
        const seen = new Set<string>();
        attributes.forEach((attribute, index) => {
          if (seen.has(attribute.path))
            ctx.addIssue({ code: 'custom', path: [index, 'path'], message: `"${attribute.path}" is listed twice` });
          seen.add(attribute.path);
        });
      }),
    maxLeaves: z.number().int('must be a whole number').min(1).max(CONTEXTUAL_LIMITS.maxLeaves).optional(),
    minUnitsPerLeaf: z.number().int('must be a whole number').min(1).max(1_000_000).optional(),
  })
  .strict();

/** The fields, without defaults (a PUT must not reset what it does not send). */
const fields = {
  key: experimentKeySchema,
  name: z.string().trim().min(1, 'must not be empty').max(120),
  hypothesis: z.string().max(2000).nullable().optional(),
  status: experimentStatusSchema,
  mode: experimentModeSchema,
  target: experimentTargetSchema.nullable().optional(),
  /** A multivariate experiment's are its cells (`factorialArms`, written by the server from `factors`). */
  arms: z
    .array(armSchema)
    .min(EXPERIMENT_LIMITS.minArms, `at least ${EXPERIMENT_LIMITS.minArms} arms`)
    .max(EXPERIMENT_LIMITS.maxCells, `at most ${EXPERIMENT_LIMITS.maxArms} arms`),
  /** Share of eligible visitors in the experiment. */
  traffic: z.number().finite().min(0).max(1),
  /** Eligibility (JSON-logic, audiences allowed); the server compiles it and checks its signals. */
  condition: jsonValueSchema.nullable().optional(),
  goal: goalSchema,
  secondary: z.array(goalSchema).max(EXPERIMENT_LIMITS.maxSecondaryGoals).optional(),
  /** Goals that must not be harmed, each with its good direction (docs/experiments.md, "Guardrails"). */
  guardrails: z.array(guardrailSchema).max(EXPERIMENT_LIMITS.maxGuardrails).nullable().optional(),
  /** Mutual exclusion with the other experiments of the namespace (docs/experiments.md, "Namespaces"). */
  namespace: namespaceSchema.nullable().optional(),
  /** CUPED (docs/experiments.md, "CUPED"): absent or null = on with a 14-day lookback; `false` or `{ enabled: false }` = off. */
  cuped: cupedSettingsSchema.nullable().optional(),
  bandit: banditOverridesSchema.nullable().optional(),
  /** `mode: 'contextual'` only (required then). */
  contextual: contextualSettingsSchema.nullable().optional(),
  /** `mode: 'multivariate'` only (required then): the factors whose cells are the arms. */
  factors: factorsSchema.nullable().optional(),
};

type Checked = {
  mode?: string;
  contextual?: unknown;
  factors?: { key: string; levels: { key: string; variants?: string[] }[] }[] | null;
  arms?: { key: string; weight: number; variants?: string[] }[];
  target?: unknown;
  bandit?: { minWeight?: number } | null;
  goal?: { event: string };
  secondary?: { event: string }[];
  guardrails?: { event: string }[] | null;
};

/** Factor and level keys unique, each level's variants listed once, none without a target. */
const checkFactors = (factors: NonNullable<Checked['factors']>, ctx: z.RefinementCtx, hasTarget: boolean | undefined) => {
  const factorKeys = new Set<string>();
  factors.forEach((factor, index) => {
    if (factorKeys.has(factor.key)) {
      ctx.addIssue({ code: 'custom', path: ['factors', index, 'key'], message: `duplicate factor key "${factor.key}"` });
    }
    factorKeys.add(factor.key);
    const levelKeys = new Set<string>();
    factor.levels.forEach((level, position) => {
      const path = ['factors', index, 'levels', position];
      if (levelKeys.has(level.key)) ctx.addIssue({ code: 'custom', path: [...path, 'key'], message: `duplicate level key "${level.key}"` });
      levelKeys.add(level.key);
      const seen = new Set<string>();
      (level.variants ?? []).forEach((variant, at) => {
        if (seen.has(variant)) ctx.addIssue({ code: 'custom', path: [...path, 'variants', at], message: `variant "${variant}" is listed twice` });
        seen.add(variant);
      });
      if (hasTarget === false && (level.variants ?? []).length > 0) {
        ctx.addIssue({ code: 'custom', path: [...path, 'variants'], message: 'a multivariate experiment needs a "target": its levels are variants of that entry' });
      }
    });
  });
};

/** The checks across fields, on whatever of them a body has (a PUT may send some only). */
const crossCheck = (body: Checked, ctx: z.RefinementCtx, hasTarget: boolean | undefined) => {
  const { arms } = body;
  if (body.factors) checkFactors(body.factors, ctx, hasTarget);
  if (arms && body.mode !== undefined) {
    const multivariate = body.mode === 'multivariate';
    if (!multivariate && arms.length > EXPERIMENT_LIMITS.maxArms) {
      ctx.addIssue({ code: 'custom', path: ['arms'], message: `at most ${EXPERIMENT_LIMITS.maxArms} arms` });
    }
    arms.forEach((arm, index) => {
      if (!multivariate && arm.key.includes(CELL_SEPARATOR)) {
        ctx.addIssue({ code: 'custom', path: ['arms', index, 'key'], message: 'must be an arm key: 1–64 characters of a-z, 0-9, "_" or "-"' });
      }
    });
    if (multivariate && body.factors) {
      const cells = factorialArms(body.factors).map((cell) => cell.key);
      if (arms.map((arm) => arm.key).join(',') !== cells.join(',')) {
        ctx.addIssue({
          code: 'custom',
          path: ['arms'],
          message: `a multivariate experiment's arms are the cells of its factors (${cells.join(', ')}): send the factors only`,
        });
      }
    }
  }
  if (arms) {
    const total = arms.reduce((sum, arm) => sum + arm.weight, 0);
    if (Math.abs(total - 1) > EXPERIMENT_LIMITS.weightsTolerance) {
      ctx.addIssue({ code: 'custom', path: ['arms'], message: `the arms' weights must sum to 1 (they sum to ${total})` });
    }
    const seen = new Set<string>();
    arms.forEach((arm, index) => {
      if (seen.has(arm.key))
        ctx.addIssue({ code: 'custom', path: ['arms', index, 'key'], message: `duplicate arm key "${arm.key}"` });
      seen.add(arm.key);
      const variants = arm.variants ?? [];
      const inArm = new Set<string>();
      variants.forEach((variant, position) => {
        if (inArm.has(variant)) {
          ctx.addIssue({
            code: 'custom',
            path: ['arms', index, 'variants', position],
            message: `variant "${variant}" is listed twice`,
          });
        }
        inArm.add(variant);
      });
      if (hasTarget === false && variants.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['arms', index, 'variants'],
          message: 'without a "target", arms are names that variant conditions reference: leave "variants" empty',
        });
      }
    });
    const minWeight = body.bandit?.minWeight;
    if (typeof minWeight === 'number' && minWeight * arms.length >= 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['bandit', 'minWeight'],
        message: `must be below 1/${arms.length} with ${arms.length} arms (every arm gets at least this weight)`,
      });
    }
  }
  if (body.mode !== undefined && body.mode !== 'multivariate' && body.factors != null) {
    ctx.addIssue({ code: 'custom', path: ['factors'], message: 'only a "multivariate" experiment has factors' });
  }
  if (body.mode !== undefined && body.mode !== 'contextual' && body.contextual != null) {
    ctx.addIssue({ code: 'custom', path: ['contextual'], message: 'only a "contextual" experiment has contextual settings' });
  }
  if (body.goal && (body.secondary || body.guardrails)) {
    const events = new Set([body.goal.event]);
    const distinct = (list: 'secondary' | 'guardrails') =>
      (body[list] ?? []).forEach((goal, index) => {
        if (events.has(goal.event)) {
          ctx.addIssue({
            code: 'custom',
            path: [list, index, 'event'],
            message: `"${goal.event}" is already a goal of this experiment`,
          });
        }
        events.add(goal.event);
      });
    distinct('secondary');
    distinct('guardrails');
  }
};

/** `POST /personalize/experiments`, once a multivariate experiment's arms are filled in. */
const experimentObjectSchema = z
  .object({
    ...fields,
    status: fields.status.default('draft'),
    mode: fields.mode.default('ab'),
    traffic: fields.traffic.default(1),
  })
  .strict()
  .superRefine((body, ctx) => {
    crossCheck(body, ctx, body.target != null);
    if (body.mode === 'contextual' && body.contextual == null) {
      ctx.addIssue({ code: 'custom', path: ['contextual'], message: 'a "contextual" experiment needs contextual settings (its attributes)' });
    }
    if (body.mode === 'multivariate' && body.factors == null) {
      ctx.addIssue({ code: 'custom', path: ['factors'], message: 'a "multivariate" experiment needs factors' });
    }
    if (body.mode === 'multivariate' && body.target == null) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'a "multivariate" experiment needs a target entry: its levels are variants of it' });
    }
  });

/**
 * A multivariate body without arms gets the cells of its factors; without valid factors, the issues are the
 * factors' alone (there are no arms to check).
 */
const withFactorialArms = (body: unknown, ctx: z.RefinementCtx): unknown => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const record = body as Record<string, unknown>;
  if (record.mode !== 'multivariate' || record.arms !== undefined) return body;
  if (record.factors === undefined || record.factors === null) {
    ctx.addIssue({ code: 'custom', path: ['factors'], message: 'a "multivariate" experiment needs factors' });
    return body;
  }
  const factors = factorsSchema.safeParse(record.factors);
  if (factors.success) return { ...record, arms: factorialArms(factors.data) };
  for (const issue of factors.error.issues) ctx.addIssue({ code: 'custom', path: ['factors', ...issue.path], message: issue.message });
  return body;
};

/**
 * `POST /personalize/experiments`. A multivariate experiment's arms are the cells of its factors: a body without
 * arms gets them (equal weights, no variants of their own).
 */
export const experimentInputSchema = z.preprocess(withFactorialArms, experimentObjectSchema);

/**
 * `PUT /personalize/experiments/:documentId`: any of the fields. Checks across fields apply to those
 * sent (arms without `target` in the same body are not checked against the stored target: the server
 * merges and checks with `experimentInputSchema`).
 */
export const experimentUpdateSchema = z
  .object(fields)
  .partial()
  .strict()
  .superRefine((body, ctx) => crossCheck(body, ctx, 'target' in body ? body.target != null : undefined));

type ExperimentObjectInput = z.input<typeof experimentObjectSchema>;
/** A body of `POST /personalize/experiments`: a multivariate experiment may leave out its arms (the cells of its factors). */
export type ExperimentInput = Omit<ExperimentObjectInput, 'arms'> & { arms?: ExperimentObjectInput['arms'] };
export type ExperimentData = z.infer<typeof experimentObjectSchema>;
export type ExperimentGoal = z.infer<typeof goalSchema>;
export type ExperimentGuardrail = z.infer<typeof guardrailSchema>;
export type ExperimentNamespace = z.infer<typeof namespaceSchema>;
export type ExperimentArm = z.infer<typeof armSchema>;
export type ExperimentTarget = z.infer<typeof experimentTargetSchema>;
export type BanditOverrides = z.infer<typeof banditOverridesSchema>;
export type { CupedSettings };
export type ExperimentMode = z.infer<typeof experimentModeSchema>;
export type ExperimentFactor = z.infer<typeof factorSchema>;
/** Experiment input/stored field (mode 'contextual'), docs/experiments.md "Contextual bandits". */
export type ContextualSettings = z.infer<typeof contextualSettingsSchema>;
export type { ExperimentStatus };

// The contract's statuses and the engine's must stay the same.
const _sameStatus: (status: z.infer<typeof experimentStatusSchema>) => ExperimentStatus = (status) => status;
void _sameStatus;

/** A stored experiment, as the admin routes return it. */
export interface Experiment extends ExperimentData {
  documentId: string;
  /** Every bandit update, oldest first (written by the server only). */
  banditHistory?: BanditHistoryEntry[] | null;
  /** Contextual experiments: every model version, oldest first (written by the server only). */
  contextualHistory?: ContextualModelEntry[] | null;
  /** Contextual experiments: the leaves frozen into variants of the target entry (written by the server only). */
  contextualFrozen?: ContextualFrozenLeaf[] | null;
  /** ISO 8601; set by start, kept by pause. */
  startedAt: string | null;
  stoppedAt: string | null;
  createdAt?: string;
  updatedAt?: string;
}

/** The fields of a stored experiment that delivery and counting read (the server loads only these). */
export const LIVE_EXPERIMENT_FIELDS = [
  'cuped',
  'key', 'name', 'status', 'mode', 'arms', 'traffic', 'target', 'condition', 'goal', 'secondary', 'startedAt', 'banditHistory', 'bandit',
  'contextual', 'contextualHistory', 'contextualFrozen', 'guardrails', 'namespace', 'factors',
] as const;

/** A stored experiment as the server reads it for delivery and counting: the fields above. */
export type StoredExperiment = Pick<Experiment, 'documentId' | (typeof LIVE_EXPERIMENT_FIELDS)[number]>;

/**
 * An experiment delivery and ingestion take part in (running or paused), ready for the hot path:
 * its goal and secondary goals as one list, and the bandit period in force (the index of the last
 * history entry; 0 for A/B tests).
 */
export interface LiveExperiment
  extends Omit<StoredExperiment, 'cuped' | 'goal' | 'secondary' | 'guardrails' | 'target' | 'condition' | 'banditHistory' | 'bandit' | 'contextual' | 'contextualHistory' | 'contextualFrozen' | 'factors'> {
  target: ExperimentTarget | null;
  condition: unknown;
  /** CUPED's lookback in days; null: off (the stored `cuped` read by `cupedLookbackOf`). */
  cupedLookbackDays?: number | null;
  /** The primary goal, the secondary goals, then the guardrails: every goal counted. */
  goals: ExperimentGoal[];
  banditHistory: BanditHistoryEntry[] | null;
  period: number;
  bandit: BanditOverrides | null;
  contextual: ContextualSettings | null;
  /** Contextual experiments: the model in force (the starting weights in one `true` leaf before the first fit). */
  model: ContextualModelEntry | null;
  /** Contextual experiments: the variant ids of frozen leaves; a visitor one of them matches is not in the experiment. */
  frozen: string[];
  /** Multivariate experiments: the factors (null otherwise). */
  factors: ExperimentFactor[] | null;
}

/** An arm's (or a multivariate level's) variant that the target entry does not have: an issue for the server's 400. */
export interface UnknownArmVariant {
  path: ['arms', number, 'variants', number] | ['factors', number, 'levels', number, 'variants', number];
  /** The arm's key, or `<factor>.<level>`. */
  arm: string;
  variant: string;
}

/** The arms' and the factors' levels' variants that are not among `variantIds` (the target entry's variants), in order. */
export const unknownArmVariants = (
  experiment: {
    arms: readonly { key: string; variants?: readonly string[] }[];
    factors?: readonly { key: string; levels: readonly { key: string; variants?: readonly string[] }[] }[] | null;
  },
  variantIds: Iterable<string>
): UnknownArmVariant[] => {
  const known = new Set(variantIds);
  const unknown: UnknownArmVariant[] = [];
  experiment.arms.forEach((arm, index) => {
    (arm.variants ?? []).forEach((variant, position) => {
      if (!known.has(variant)) unknown.push({ path: ['arms', index, 'variants', position], arm: arm.key, variant });
    });
  });
  (experiment.factors ?? []).forEach((factor, index) => {
    factor.levels.forEach((level, levelIndex) => {
      (level.variants ?? []).forEach((variant, position) => {
        if (!known.has(variant)) {
          unknown.push({ path: ['factors', index, 'levels', levelIndex, 'variants', position], arm: `${factor.key}.${level.key}`, variant });
        }
      });
    });
  });
  return unknown;
};

/** `meta.personalize.experiments[key]` of a resolve: a wire type (the SDK reads it too). */
export type { ExperimentMeta } from './wire';

// ---- GET /personalize/experiments/:documentId/results ----

export interface ExperimentResultsArm {
  key: string;
  weight: number;
  units: number;
  conversions: number;
  sum: number;
  sumSquares: number;
  /** null while the arm has no units. */
  mean: number | null;
  /** CUPED on (primary goal): Σx, Σx² of the units' pre-exposure values and Σxy. */
  preSum?: number;
  preSumSquares?: number;
  crossSum?: number;
}

/** One goal's counts of one arm (`goals[].arms[]` of the results): the arm's units are `arms[].units`. */
export interface ExperimentResultsGoalArm {
  key: string;
  /** Visitors who converted (for a `mean` goal: who sent the event at least once) within their window. */
  conversions: number;
  sum: number;
  sumSquares: number;
  /** Σy ÷ units (the conversion rate, or the mean per visitor); null while the arm has no units. */
  mean: number | null;
  /** CUPED on: Σx, Σx² of the units' pre-exposure values and Σxy. */
  preSum?: number;
  preSumSquares?: number;
  crossSum?: number;
}

/**
 * CUPED's regression-adjusted comparison (engine compareArmsCuped, docs/statistics.md "CUPED"): θ, the variance
 * reduction achieved against the raw comparison beside it (null without a raw result), the adjusted relative lift
 * with its fixed-horizon and sequential intervals, and the chance to win. `adjusted` false: θ = 0 (no covariate
 * varies), the numbers are the raw ones.
 */
export interface CupedResult {
  adjusted: boolean;
  theta: number;
  varianceReduction: number | null;
  relative: ResultLift;
  sequential: { ci: [number, number]; pValue: number };
  chanceToWin: number;
}

export interface ResultLift {
  lift: number;
  ci: [number, number];
  pValue: number;
}

/** One arm against the baseline on one goal; the estimates are null (no result, not an error) while an arm has no units or the baseline mean is 0. */
export interface ExperimentResult {
  /** The goal's event name. */
  goal: string;
  arm: string;
  /** The control arm's key. */
  baseline: string;
  relative: ResultLift | null;
  absolute: ResultLift | null;
  sequential: { ci: [number, number]; pValue: number } | null;
  chanceToWin: number | null;
  /** CUPED on: the adjusted comparison (null: no result); absent when CUPED is off. */
  cuped?: CupedResult | null;
  /**
   * Guardrail goals only: the good direction, and whether the arm harms the guardrail (its sequential relative
   * interval lies wholly on the other side of 0; engine guardrailVerdict). Not Holm-adjusted.
   */
  guardrail?: { direction: 'increase' | 'decrease'; harmful: boolean };
}

export interface BanditHistoryEntry {
  /** ISO 8601. */
  at: string;
  weights: number[];
  pBest: number[];
}

/** One leaf of a stored model version. */
export interface ContextualModelLeaf {
  id: string;
  condition: JsonLogic;
  weights: number[];
  pBest: number[];
  units: number;
}

/**
 * One model version of a contextual experiment, as stored in `contextualHistory` (oldest first). The first entry
 * is written at start: version `initial`, one leaf `true` with the starting weights.
 */
export interface ContextualModelEntry {
  version: string;
  /** ISO 8601. */
  at: string;
  leaves: ContextualModelLeaf[];
  /** How the fitter read each attribute (engine FittedAttribute): counting caps category values the same way. */
  attributes: { path: string; kind: 'number' | 'boolean' | 'category'; cuts: number[]; values?: string[] }[];
}

/** A leaf frozen into an ordinary variant of the target entry (`POST .../contextual/freeze`). */
export interface ContextualFrozenLeaf {
  leafId: string;
  modelVersion: string;
  variantId: string;
  /** ISO 8601. */
  at: string;
}

/** JSON-logic as the results carry it. */
export type JsonLogic = JsonValue;

/** One leaf of the model in force, as the results report it. */
export interface ContextualLeafResult {
  id: string;
  /** The rule (true for the last leaf); the admin renders it in words (en, fr). */
  condition: JsonLogic;
  /** Units exposed while in this leaf (all model versions). */
  units: number;
  arms: { key: string; units: number; conversions: number; mean: number | null; pBest: number; weight: number }[];
  /** Units per arm against the logged propensities. */
  srm: { pValue: number | null; ok: boolean };
  /** Set when a variant was frozen from this leaf and still exists. */
  frozenVariantId?: string;
}

export interface ContextualResults {
  /** null before the first fit (uniform / starting weights). */
  modelVersion: string | null;
  fittedAt: string | null;
  attributes: { path: string; cuts?: number[] }[];
  /** One leaf `true` before the first fit. */
  leaves: ContextualLeafResult[];
  /** Self-normalised IPS estimate of the policy's value (primary goal mean per unit) vs uniform assignment. */
  policy: { value: number | null; ci: [number, number] | null; uniform: number | null; uniformCi: [number, number] | null; units: number };
  /** Every model version, oldest first, for the chart of leaf weights over versions. */
  history: { version: string; at: string; leaves: { id: string; condition: JsonLogic; weights: number[]; pBest: number[]; units: number }[] }[];
}

export const contextualFreezeSchema = z
  .object({
    leafId: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a leaf id'),
    modelVersion: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be a model version'),
  })
  .strict();

/** `POST /personalize/experiments/:documentId/contextual/freeze`. */
export type ContextualFreezeInput = z.infer<typeof contextualFreezeSchema>;

export interface ContextualFreezeResponse {
  data: { variantId: string; entry: { uid: string; documentId: string; locale?: string }; leafId: string };
}

/** One level of a multivariate factor, pooled over the other factors (primary goal). */
export interface FactorLevelResult {
  key: string;
  units: number;
  conversions: number;
  sum: number;
  /** null while the level has no units. */
  mean: number | null;
}

/** A level against its factor's first level, pooled over the other factors: an A/B comparison of the pooled counts. */
export interface FactorEffectResult {
  level: string;
  /** The factor's first level. */
  baseline: string;
  relative: ResultLift | null;
  absolute: ResultLift | null;
  sequential: { ci: [number, number]; pValue: number } | null;
  chanceToWin: number | null;
}

/**
 * The interaction of two factors' non-first levels (difference in differences on the goal's scale, pooled over any
 * third factor, with its Welch t interval); null estimates while a cell of the four has too few units.
 */
export interface FactorInteractionResult {
  factors: [string, string];
  levels: [string, string];
  estimate: number | null;
  /** The fixed-horizon interval and p: valid at one planned look. */
  ci: [number, number] | null;
  pValue: number | null;
  /** The sequential (always-valid) interval and p, as the main effects': valid however often the page is read. */
  sequential: { ci: [number, number]; pValue: number } | null;
}

export interface ExperimentResults {
  key: string;
  status: ExperimentStatus;
  mode: ExperimentMode;
  /** ISO 8601: when the counts were read. */
  updatedAt: string;
  /** `experiments.alpha`: a p-value below it is significant (secondary goals' p-values are Holm-adjusted). */
  alpha: number;
  /** `experiments.sequentialNStar`: the sequential interval's tuning (the admin's power maths need it). */
  sequentialNStar: number;
  /** Sample-ratio mismatch: Pearson χ² of units against the weights (per period for bandits), flagged at p < 0.001. */
  srm: { pValue: number | null; ok: boolean };
  arms: ExperimentResultsArm[];
  /** Each goal's counts per arm, in arm order: the primary goal first, then the secondary goals, then the guardrails. */
  goals: { goal: string; kind: 'conversion' | 'mean'; arms: ExperimentResultsGoalArm[] }[];
  results: ExperimentResult[];
  bandit?: {
    weights: number[];
    pBest: number[];
    history: BanditHistoryEntry[];
    /** ISO 8601; null when no update is scheduled (not running). */
    nextUpdateAt: string | null;
  };
  /** Present when mode === 'contextual'. */
  contextual?: ContextualResults;
  /** Multivariate experiments (primary goal): each factor's levels and main effects, the pairwise interactions, the best cell. */
  factors?: { key: string; levels: FactorLevelResult[]; effects: FactorEffectResult[] }[];
  interactions?: FactorInteractionResult[];
  /** The cell with the highest mean among those with units (the first on ties); null while none has units. */
  bestCell?: { arm: string; levels: Record<string, string>; units: number; mean: number } | null;
  /** Per day (`YYYY-MM-DD`, UTC), oldest first. */
  daily: { date: string; arms: { key: string; units: number; conversions: number }[] }[];
}

export interface ExperimentResultsResponse {
  data: ExperimentResults;
}

/** Why a bandit update kept the weights (`POST .../bandit/update` and the cron job). */
export type BanditUpdateSkip = 'not-running' | 'not-bandit' | 'not-started' | 'burn-in' | 'not-enough-units' | 'locked' | 'not-due';

/** `POST /personalize/experiments/:documentId/bandit/update`. */
export interface BanditUpdateResponse {
  data: {
    updated: boolean;
    /** Why the weights were kept, when `updated` is false. */
    reason?: BanditUpdateSkip;
    /** The arms' weights in force after the call, in arm order. */
    weights: number[];
    /** P(best) per arm, when an update was computed. */
    pBest: number[] | null;
    /** ISO 8601; null when the experiment is not a running bandit. */
    nextUpdateAt: string | null;
    /** Contextual experiments: the version of the model a refit wrote. */
    modelVersion?: string;
  };
}
