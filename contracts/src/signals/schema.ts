import { z } from 'zod';

import { timeZoneSchema } from '../time-zone';

/**
 * The signal vocabulary: the `data` a variant condition sees. This zod schema is the single source
 * for the request validation (400 paths), the TypeScript types and `GET /api/personalize/signals`.
 * `meta.source` says who provides a value: `server` values are derived from the request and win
 * over anything a client sends for the same key.
 */

const shortText = (max: number) => z.string().max(max);
const count = () => z.number().int().min(0).max(1_000_000_000);
const customValue = z.union([
  z.string().max(1024),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string().max(1024), z.number(), z.boolean(), z.null()])).max(100),
]);

export const contextSignalsSchema = z
  .object({
    device: z
      .enum(['mobile', 'tablet', 'desktop', 'bot'])
      .meta({ description: 'Device class, from the User-Agent', source: 'server' }),
    os: shortText(64).meta({ description: 'Operating system name, from the User-Agent', source: 'server' }),
    browser: shortText(64).meta({ description: 'Browser name, from the User-Agent', source: 'server' }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO-3166 alpha-2 code in upper case')
      .meta({ description: 'Visitor country (ISO-3166 alpha-2), from the trusted country header', source: 'server' }),
    locale: shortText(35).meta({ description: 'Requested locale, e.g. "en-US"', source: 'server' }),
    language: shortText(8).meta({ description: 'Primary language, e.g. "en"', source: 'server' }),
    timezone: timeZoneSchema.meta({ description: 'Visitor IANA time zone, used for the time.* signals', source: 'client' }),
    referrer: shortText(2048).meta({ description: 'Referrer URL', source: 'client' }),
    path: shortText(2048).meta({ description: 'Path of the page being viewed', source: 'client' }),
    url: shortText(2048).meta({ description: 'Full URL of the page being viewed; UTM parameters are read from it', source: 'client' }),
    network: z
      .enum(['slow-2g', '2g', '3g', '4g'])
      .meta({ description: 'Effective connection type: the ECT client hint, else the SDK (navigator.connection)', source: 'client' }),
    saveData: z.boolean().meta({ description: 'The visitor asked to save data (Save-Data: on)', source: 'client' }),
    utm: z
      .object({
        source: shortText(256).meta({ description: 'utm_source' }),
        medium: shortText(256).meta({ description: 'utm_medium' }),
        campaign: shortText(256).meta({ description: 'utm_campaign' }),
        term: shortText(256).meta({ description: 'utm_term' }),
        content: shortText(256).meta({ description: 'utm_content' }),
      })
      .partial()
      .strict()
      .meta({ description: 'Campaign parameters of the page URL', source: 'client' }),
  })
  .partial()
  .strict();

export const timeSignalsSchema = z
  .object({
    hour: z.number().int().min(0).max(23).meta({ description: 'Hour of day (0–23) in the visitor time zone', source: 'server' }),
    weekday: z.number().int().min(0).max(6).meta({ description: 'Day of week, 0 = Sunday', source: 'server' }),
    isWeekend: z.boolean().meta({ description: 'Saturday or Sunday', source: 'server' }),
    timestamp: z.number().int().min(0).meta({ description: 'Unix time in milliseconds', source: 'server' }),
  })
  .partial()
  .strict();

export const behaviorSignalsSchema = z
  .object({
    dwellSec: z.number().min(0).max(86_400 * 30).meta({ description: 'Seconds spent on the current page', source: 'client' }),
    scrollDepth: z.number().min(0).max(100).meta({ description: 'Deepest scroll position, percent (0–100)', source: 'client' }),
    clicks: count().meta({ description: 'Clicks on the current page', source: 'client' }),
    hovers: count().meta({ description: 'Hovers over tracked elements', source: 'client' }),
    quickExits: count().meta({ description: 'Pages left within a few seconds this session', source: 'client' }),
    recentlyViewed: z
      .array(shortText(128))
      .max(100)
      .meta({ description: 'Recently viewed item ids or tags, newest first', source: 'client' }),
  })
  .partial()
  .strict();

export const sessionSignalsSchema = z
  .object({
    pageviews: count().meta({ description: 'Pages viewed this session', source: 'client' }),
    durationSec: z.number().min(0).max(86_400 * 30).meta({ description: 'Session length in seconds', source: 'client' }),
    isNew: z.boolean().meta({ description: 'First session of this visitor', source: 'client' }),
  })
  .partial()
  .strict();

export const profileSignalsSchema = z
  .object({
    visits: count().meta({ description: 'Visits (sessions) so far', source: 'profile' }),
    firstSeenDays: z.number().min(0).meta({ description: 'Days since the first visit', source: 'profile' }),
    daysSinceLastVisit: z.number().min(0).meta({ description: 'Days since the previous visit', source: 'profile' }),
    interests: z
      .record(shortText(64), z.number())
      .meta({ description: 'Interest score by tag, decayed to now (half-life profiles.halfLifeDays)', source: 'profile' }),
    topInterests: z.array(shortText(64)).max(32).meta({ description: 'Tags by interest, highest first', source: 'profile' }),
    quickExits: z.number().min(0).meta({ description: 'Quick exits, decayed with a half-life of one day', source: 'profile' }),
    recentlyViewed: z
      .array(shortText(128))
      .max(20)
      .meta({ description: 'Entries and tags of the last qualified views, newest first', source: 'profile' }),
  })
  .partial()
  .strict();

export const signalsSchema = z
  .object({
    context: contextSignalsSchema,
    time: timeSignalsSchema,
    behavior: behaviorSignalsSchema,
    session: sessionSignalsSchema,
    profile: profileSignalsSchema,
    experiments: z
      .record(shortText(64), shortText(64))
      .meta({ description: "The visitor's arm per running experiment (key → arm), assigned by the server", source: 'server' }),
    custom: z
      .record(shortText(64), customValue)
      .meta({ description: 'Any extra JSON primitives, or arrays of them', source: 'client' }),
  })
  .partial()
  .strict();

export type Signals = z.infer<typeof signalsSchema>;
