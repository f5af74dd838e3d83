import { z } from 'zod';

import { holdoutConfigSchema } from '../../../contracts/src/holdout';
import { DEFAULT_LIMITS } from '../../../contracts/src/limits';
import { timeZoneSchema } from '../../../contracts/src/time-zone';
import { EVENT_BATCH_LIMITS } from '../../../contracts/src/wire';

const rateLimitPoints = z.number().int().nonnegative();
const rateLimitDuration = z.number().int().positive();
const rateLimitBudget = z.object({ points: rateLimitPoints.optional(), durationSec: rateLimitDuration.optional() }).strict();

/**
 * The route families with an anonymous budget of their own (docs/delivery.md, "Rate limits"), so one
 * IP's burst on one family never blocks another: `resolve` (POST /resolve), `plain` (the plain
 * content API with personalization headers or `personalize[...]`), `privacy` (GET and DELETE /me,
 * POST /optout) and `other` (/signals, /invalidate). Events have theirs in `events.rateLimit`.
 */
export const RATE_LIMIT_FAMILIES = ['resolve', 'plain', 'privacy', 'other'] as const;
export type RateLimitFamily = (typeof RATE_LIMIT_FAMILIES)[number];

/**
 * Defaults sized for an office of 50 browsers behind one IP (docs/delivery.md, "Rate limits"): a
 * busy reader opens about 6 pages a minute with up to 5 personalized entries each, 30 resolves (or
 * plain-API reads) a minute, so 1,500 for 50 browsers, doubled for bursts; privacy calls are a few
 * a session; users (one browser each) keep the former 300 a minute.
 */
export const RATE_LIMIT_DEFAULTS = {
  anonymous: {
    resolve: { points: 3000, durationSec: 60 },
    plain: { points: 3000, durationSec: 60 },
    privacy: { points: 300, durationSec: 60 },
    other: { points: 300, durationSec: 60 },
  },
  authenticated: { points: 0, durationSec: 60 },
  users: { points: 300, durationSec: 60 },
} as const;

const anonymousBudgets = rateLimitBudget.extend({
  resolve: rateLimitBudget.optional(),
  plain: rateLimitBudget.optional(),
  privacy: rateLimitBudget.optional(),
  other: rateLimitBudget.optional(),
});

/**
 * Public-route rate limits by credential kind and route family; `points: 0` means no limit.
 * - `anonymous`: callers without a valid credential (browsers), per client IP, each family its own
 *   counter and budget: `anonymous.<family>`; `anonymous.points` / `.durationSec` set every family
 *   at once (each still counted apart), a family's own values win.
 * - `authenticated`: API tokens (a site's server rendering for many visitors), per token and family; unlimited by default.
 * - `users`: users-permissions users (JWT; anyone can get one where registration is open, so they
 *   are browsers too), per user and family; each missing value is `anonymous.points` /
 *   `.durationSec` when set, else 300 a minute.
 * The former `{ points, durationSec }` is still accepted and means `anonymous` (its errors name
 * `rateLimit.points`, as written).
 */
const rateLimitSchema = z
  .object({
    anonymous: anonymousBudgets.optional(),
    authenticated: rateLimitBudget.optional(),
    users: rateLimitBudget.optional(),
    points: rateLimitPoints.optional(),
    durationSec: rateLimitDuration.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if ((value.points !== undefined || value.durationSec !== undefined) && (value.anonymous || value.authenticated || value.users)) {
      ctx.addIssue({
        code: 'custom',
        message: 'use { anonymous, authenticated, users } or the former { points, durationSec } (meaning anonymous), not both',
      });
    }
  })
  .transform(({ anonymous, authenticated, users, points, durationSec }) => {
    // The values that set every family: `anonymous.points` / `.durationSec`, or the former top-level ones.
    const shared = { points: anonymous?.points ?? points, durationSec: anonymous?.durationSec ?? durationSec };
    const families = Object.fromEntries(
      RATE_LIMIT_FAMILIES.map((family) => [
        family,
        {
          points: anonymous?.[family]?.points ?? shared.points ?? RATE_LIMIT_DEFAULTS.anonymous[family].points,
          durationSec: anonymous?.[family]?.durationSec ?? shared.durationSec ?? RATE_LIMIT_DEFAULTS.anonymous[family].durationSec,
        },
      ])
    ) as Record<RateLimitFamily, { points: number; durationSec: number }>;
    return {
      anonymous: families,
      authenticated: {
        points: authenticated?.points ?? RATE_LIMIT_DEFAULTS.authenticated.points,
        durationSec: authenticated?.durationSec ?? RATE_LIMIT_DEFAULTS.authenticated.durationSec,
      },
      users: {
        points: users?.points ?? shared.points ?? RATE_LIMIT_DEFAULTS.users.points,
        durationSec: users?.durationSec ?? shared.durationSec ?? RATE_LIMIT_DEFAULTS.users.durationSec,
      },
    };
  })
  .prefault({});

/** Visitors, events, profiles and caps (docs/design.md, "Visitors and events", "Visitor profiles", "Privacy"). */
const visitorsSchema = z
  .object({
    // Default: derived from the app's keys (server.app.keys), so every instance of the app agrees.
    secret: z.string().min(16, 'must be at least 16 characters').optional(),
    consent: z.enum(['opt-in', 'opt-out']).default('opt-in'),
    honorGpc: z.boolean().default(true),
    retentionDays: z.number().int().positive().max(3650).default(90),
  })
  .strict()
  .default({ consent: 'opt-in', honorGpc: true, retentionDays: 90 });

const eventsSchema = z
  .object({
    // Deprecated: `storage` says where state lives (`inline` means `memory`); still accepted, with a warning.
    transport: z.enum(['inline', 'redis']).optional(),
    maxBatch: z.number().int().positive().max(500).default(EVENT_BATCH_LIMITS.maxBatch),
    maxBatchBytes: z.number().int().min(1024).max(1_048_576).default(EVENT_BATCH_LIMITS.maxBatchBytes),
    rateLimit: z
      .object({
        perVisitor: rateLimitPoints.default(120),
        perIp: rateLimitPoints.default(2000),
        durationSec: rateLimitDuration.default(60),
      })
      .strict()
      .default({ perVisitor: 120, perIp: 2000, durationSec: 60 }),
  })
  .strict()
  .default({
    maxBatch: EVENT_BATCH_LIMITS.maxBatch,
    maxBatchBytes: EVENT_BATCH_LIMITS.maxBatchBytes,
    rateLimit: { perVisitor: 120, perIp: 2000, durationSec: 60 },
  });

const profilesSchema = z
  .object({
    halfLifeDays: z.number().positive().max(3650).default(7),
    weights: z
      .object({
        view: z.number().min(0).max(1000).default(1),
        click: z.number().min(0).max(1000).default(3),
        hover: z.number().min(0).max(1000).default(1),
        page: z.number().min(0).max(1000).default(1),
      })
      .strict()
      .default({ view: 1, click: 3, hover: 1, page: 1 }),
    maxInterests: z.number().int().positive().max(256).default(32),
  })
  .strict()
  .default({ halfLifeDays: 7, weights: { view: 1, click: 3, hover: 1, page: 1 }, maxInterests: 32 });

const capsSchema = z
  .object({ maxPersonalizedPerSession: z.number().int().positive().optional() })
  .strict()
  .default({});

const banditConfigSchema = z
  .object({
    cadenceMinutes: z.number().int().min(15, 'at least 15 minutes').max(43200).default(1440),
    burnInMinutes: z.number().int().min(0).max(43200).default(1440),
    minUnitsPerArm: z.number().int().min(1).max(1_000_000).default(100),
    minWeight: z.number().min(0).max(0.5).default(0.01),
  })
  .strict()
  .default({ cadenceMinutes: 1440, burnInMinutes: 1440, minUnitsPerArm: 100, minWeight: 0.01 });

const experimentsSchema = z
  .object({
    // GrowthBook's default N* (the sample size where the sequential interval is tightest).
    sequentialNStar: z.number().int().positive().max(100_000_000).default(5000),
    alpha: z.number().gt(0).lt(0.5).default(0.05),
    srmThreshold: z.number().gt(0).lt(0.5).default(0.001),
    bandit: banditConfigSchema,
  })
  .strict()
  .default({
    sequentialNStar: 5000,
    alpha: 0.05,
    srmThreshold: 0.001,
    bandit: { cadenceMinutes: 1440, burnInMinutes: 1440, minUnitsPerArm: 100, minWeight: 0.01 },
  });

const redisNodeSchema = z
  .object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) })
  .strict();

/**
 * A Redis Cluster: seed nodes (ioredis discovers the rest), a NAT map when the nodes announce
 * addresses the app cannot reach (`"10.0.0.5:6379": { host, port }`), and credentials and TLS, which
 * a URL would otherwise carry.
 */
const redisClusterSchema = z
  .object({
    nodes: z.array(redisNodeSchema).min(1),
    natMap: z.record(z.string().regex(/^[^:]+:\d+$/, 'must be host:port'), redisNodeSchema).optional(),
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    tls: z.boolean().default(false),
  })
  .strict();

/**
 * Prometheus metrics at GET /api/personalize/metrics (docs/design.md, "Observability"): off by
 * default; when on, the route wants `Authorization: Bearer <token>`, so a token is required.
 */
const metricsSchema = z
  .object({
    enabled: z.boolean().default(false),
    token: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .strict()
  .refine((metrics) => !metrics.enabled || metrics.token !== undefined, {
    path: ['token'],
    message: 'is required when metrics.enabled is true',
  })
  .default({ enabled: false });

/** The plugin's configuration (`config/plugins.ts` → `personalize.config`), validated at startup. */
export const pluginConfigSchema = z
  .object({
    redis: z
      .object({
        url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
        /** Redis Cluster (ioredis `Cluster`) in place of `url`: the same keys and code path (docs/design.md, "Storage"). */
        cluster: redisClusterSchema.optional(),
        // A `{` of the prefix opens the hash tag of every key (Redis Cluster): a whole tag `{…}` puts
        // every key in one slot, which is safe; a lone `{` or an empty `{}` would split a family's keys.
        keyPrefix: z
          .string()
          .min(1)
          .max(64)
          .regex(/^[^{]*(\{[^{}]+\}.*)?$/, 'a { must open a whole hash tag {…}')
          .default('pz:'),
        /**
         * `replica`: an events batch is acknowledged (202) only once one replica has it (WAIT 1, on a
         * connection of its own), else 503 and the SDK retries; `none`: once the primary has it.
         */
        durability: z.enum(['none', 'replica']).default('none'),
      })
      .strict()
      .refine((redis) => !(redis.url && redis.cluster), { message: 'set redis.url or redis.cluster, not both' })
      .default({ keyPrefix: 'pz:', durability: 'none' }),
    /**
     * Where visitor profiles, batch ids, experiment counts and the event log live (docs/design.md,
     * "Storage"): `auto` is `redis` when redis.url or redis.cluster is set, else `database` (the app's own database).
     * `memory` loses everything on restart (tests and throwaway demos).
     */
    storage: z.enum(['auto', 'database', 'redis', 'memory']).default('auto'),
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
    // Deprecated: also accept the former webhook signature of the body alone (no timestamp, so replayable).
    webhookLegacySignature: z.boolean().default(false),
    // Front-end preview URL template: {documentId}, {locale}, {uid}, {variant}; without {variant},
    // personalize[variant]=<id> is appended.
    previewUrl: z.string().regex(/^https?:\/\//, 'must be an http(s) URL template').optional(),
    limits: z
      .object({
        conditionBytes: z.number().int().positive().default(DEFAULT_LIMITS.conditionBytes),
        conditionDepth: z.number().int().positive().max(256).default(DEFAULT_LIMITS.conditionDepth),
        // The work budget of one condition evaluation (engine limits.fuel, docs/engine.md "Work budget"):
        // the default keeps any evaluation under about 2 ms.
        conditionFuel: z.number().int().positive().max(100_000_000).default(DEFAULT_LIMITS.conditionFuel),
        variantsPerEntry: z.number().int().positive().max(1000).default(DEFAULT_LIMITS.variantsPerEntry),
        signalsBytes: z.number().int().positive().default(DEFAULT_LIMITS.signalsBytes),
      })
      .strict()
      .default({ ...DEFAULT_LIMITS }),
    visitors: visitorsSchema,
    events: eventsSchema,
    profiles: profilesSchema,
    caps: capsSchema,
    experiments: experimentsSchema,
    /** The site-wide holdout (contracts/src/holdout.ts): off by default. */
    holdout: holdoutConfigSchema,
    metrics: metricsSchema,
  })
  .strict()
  .superRefine((config, ctx) => {
    if (config.events.transport === 'redis' && !redisConfigured(config.redis)) {
      ctx.addIssue({ code: 'custom', path: ['events', 'transport'], message: '"redis" needs redis.url or redis.cluster' });
    }
    if (config.storage === 'redis' && !redisConfigured(config.redis)) {
      ctx.addIssue({ code: 'custom', path: ['storage'], message: '"redis" needs redis.url or redis.cluster' });
    }
  });

export type StorageKind = 'database' | 'redis' | 'memory';

/**
 * The store in force: `storage` when set, else the deprecated `events.transport` (`inline` is
 * `memory`), else `redis` when redis.url or redis.cluster is set and the app's database otherwise.
 */
export const storageOf = (config: Pick<PluginConfig, 'storage' | 'events' | 'redis'>): StorageKind => {
  if (config.storage !== 'auto') return config.storage;
  if (config.events.transport) return config.events.transport === 'inline' ? 'memory' : 'redis';
  return redisConfigured(config.redis) ? 'redis' : 'database';
};

/** Redis is configured: a URL (one primary) or a cluster. */
export const redisConfigured = (redis: { url?: string; cluster?: unknown }): boolean => Boolean(redis.url || redis.cluster);

export type PluginConfig = z.infer<typeof pluginConfigSchema>;
export type PluginConfigInput = z.input<typeof pluginConfigSchema>;
