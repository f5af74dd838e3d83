import { z } from 'zod';

/**
 * CUPED settings of an experiment (docs/experiments.md, "CUPED"): on by default with a 14-day lookback; `false` or
 * `{ enabled: false }` turns it off. The covariate of each goal is the visitor's value of it in the lookback window
 * before their first exposure (docs/statistics.md, "CUPED").
 */
export const CUPED_LIMITS = { defaultLookbackDays: 14, maxLookbackDays: 60 } as const;

export const cupedSettingsSchema = z.union([
  // Stored as `{ enabled: false }` (a JSON column's bare `false` does not survive every database as such).
  z.literal(false).transform(() => ({ enabled: false as const })),
  z
    .object({
      enabled: z.boolean().optional(),
      lookbackDays: z
        .number()
        .int('must be a whole number of days')
        .min(1, 'at least 1 day')
        .max(CUPED_LIMITS.maxLookbackDays, `at most ${CUPED_LIMITS.maxLookbackDays} days`)
        .optional(),
    })
    .strict(),
]);

export type CupedSettings = z.infer<typeof cupedSettingsSchema> | false;

/** The lookback in force, or null when CUPED is off (absent or null: on, 14 days). */
export const cupedLookbackOf = (settings: CupedSettings | null | undefined): number | null => {
  if (settings === false || settings?.enabled === false) return null;
  return settings?.lookbackDays ?? CUPED_LIMITS.defaultLookbackDays;
};
