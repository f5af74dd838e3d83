import { z } from 'zod';

import { timeZoneSchema } from '../../../contracts/src/time-zone';

const rateLimitPoints = z.number().int().nonnegative();
const rateLimitDuration = z.number().int().positive();
const rateLimitBudget = z.object({ points: rateLimitPoints.optional(), durationSec: rateLimitDuration.optional() }).strict();

export const RATE_LIMIT_DEFAULTS = {
  anonymous: { points: 300, durationSec: 60 },
  authenticated: { points: 0, durationSec: 60 },
} as const;

/**
 * Public-route rate limits: `anonymous` per client IP, `authenticated` per credential (API token or
 * users-permissions user); `points: 0` means no limit. The former `{ points, durationSec }` is still
 * accepted and means `anonymous` (its errors name `rateLimit.points`, as written).
 */
const rateLimitSchema = z
  .object({
    anonymous: rateLimitBudget.optional(),
    authenticated: rateLimitBudget.optional(),
    points: rateLimitPoints.optional(),
    durationSec: rateLimitDuration.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.points !== undefined || value.durationSec !== undefined) && (value.anonymous || value.authenticated)) {
      ctx.addIssue({
        code: 'custom',
        message: 'use { anonymous, authenticated } or the former { points, durationSec } (meaning anonymous), not both',
      });
    }
  })
  .transform(({ anonymous, authenticated, points, durationSec }) => ({
    anonymous: {
      points: anonymous?.points ?? points ?? RATE_LIMIT_DEFAULTS.anonymous.points,
      durationSec: anonymous?.durationSec ?? durationSec ?? RATE_LIMIT_DEFAULTS.anonymous.durationSec,
    },
    authenticated: {
      points: authenticated?.points ?? RATE_LIMIT_DEFAULTS.authenticated.points,
      durationSec: authenticated?.durationSec ?? RATE_LIMIT_DEFAULTS.authenticated.durationSec,
    },
  }))
  .default({ anonymous: { ...RATE_LIMIT_DEFAULTS.anonymous }, authenticated: { ...RATE_LIMIT_DEFAULTS.authenticated } });

/** The plugin's configuration (`config/plugins.ts` → `personalize.config`), validated at startup. */
export const pluginConfigSchema = z
  .object({
    redis: z
      .object({
        url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
        keyPrefix: z.string().min(1).max(64).default('pz:'),
      })
      .strict()
      .default({ keyPrefix: 'pz:' }),
    cache: z
      .object({
        ttlSec: z.number().int().positive().default(300),
        maxEntries: z.number().int().positive().default(10000),
        cacheControl: z.string().min(1).default('public, max-age=60'),
      })
      .strict()
      .default({ ttlSec: 300, maxEntries: 10000, cacheControl: 'public, max-age=60' }),
    trustedCountryHeader: z
      .string()
      .regex(/^[a-z0-9-]+$/i, 'must be an HTTP header name')
      .transform((header) => header.toLowerCase())
      .optional(),
    defaultTimezone: timeZoneSchema.default('UTC'),
    rateLimit: rateLimitSchema,
    webhookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
    // Front-end preview URL template: {documentId}, {locale}, {uid}, {variant}; without {variant},
    // personalize[variant]=<id> is appended.
    previewUrl: z.string().regex(/^https?:\/\//, 'must be an http(s) URL template').optional(),
    limits: z
      .object({
        conditionBytes: z.number().int().positive().default(16384),
        conditionDepth: z.number().int().positive().max(256).default(32),
        variantsPerEntry: z.number().int().positive().max(1000).default(50),
        signalsBytes: z.number().int().positive().default(16384),
      })
      .strict()
      .default({ conditionBytes: 16384, conditionDepth: 32, variantsPerEntry: 50, signalsBytes: 16384 }),
  })
  .strict();

export type PluginConfig = z.infer<typeof pluginConfigSchema>;
export type PluginConfigInput = z.input<typeof pluginConfigSchema>;
