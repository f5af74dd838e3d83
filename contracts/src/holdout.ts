/**
 * The site-wide holdout (docs/experiments.md, "The holdout"): its config and its report's query and answer.
 * A share of visitors (engine `inHoldout`: murmur3 of "holdout." + visitor id) gets every entry as published and
 * enters no experiment; it is counted as the arm `holdout` of a pseudo-experiment keyed `holdout`, everyone else
 * (with consent) as the arm `personalized`, from the first time delivery resolves an entry with variants for them.
 */
import { z } from 'zod';

import { goalSchema, type ExperimentResult, type ExperimentResultsArm } from './experiments';

/** The pseudo-experiment's key (reserved: no experiment may use it) and its arms, holdout first (the baseline). */
export const HOLDOUT_EXPERIMENT_KEY = 'holdout';
export const HOLDOUT_ARMS = ['holdout', 'personalized'] as const;

/** At most this many goals are counted for the holdout. */
export const MAX_HOLDOUT_GOALS = 10;

/** `holdout` of the plugin's config: off (share 0) by default. */
export const holdoutConfigSchema = z
  .object({
    /** Share of visitors held out, 0..0.5. */
    share: z.number().min(0).max(0.5, 'at most 0.5: the holdout is the smaller group').default(0),
    /** The goals the report compares (counted for every visitor in either group). */
    goals: z.array(goalSchema).max(MAX_HOLDOUT_GOALS).default([]),
  })
  .strict()
  .superRefine((holdout, ctx) => {
    const events = holdout.goals.map((goal) => goal.event);
    events.forEach((event, index) => {
      if (events.indexOf(event) !== index)
        ctx.addIssue({ code: 'custom', path: ['goals', index, 'event'], message: `"${event}" is listed twice` });
    });
  })
  .default({ share: 0, goals: [] });

export type HoldoutConfig = z.infer<typeof holdoutConfigSchema>;

/** `GET /personalize/holdout/results?goal=<event>`; without `goal`, the first of `holdout.goals`. */
export const holdoutResultsQuerySchema = z.object({ goal: goalSchema.shape.event.optional() }).strict();

/** The report's `data`. */
export interface HoldoutResults {
  /** 0 when the holdout is off: then, asked without a goal, `goal` and `kind` are null and there are no arms. */
  share: number;
  /** `holdout.goals` as configured (the admin's goal picker). */
  goals: { event: string; kind: 'conversion' | 'mean' }[];
  /** `experiments.alpha`. */
  alpha: number;
  goal: string | null;
  kind: 'conversion' | 'mean' | null;
  /** `holdout` then `personalized`; `weight` is the share each group is expected to have. */
  arms: ExperimentResultsArm[];
  /** `personalized` against `holdout` (null numbers while a group has no units or no variance). */
  results: ExperimentResult[];
}
