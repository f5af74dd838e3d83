import { z } from 'zod';

import { GOAL_VALUE_LIMITS } from '../../engine/src/experiments/exposure';
import type { VisitorEvent } from '../../engine/src/profile/events';
import { contentTypeUidSchema, documentIdSchema, servedVariantSchema, visitorIdSchema } from './ids';
import { EVENT_BATCH_LIMITS, EVENT_ID_LENGTH, TAG_PATTERN, TRACK_NAME_PATTERN } from './wire';

export type { EventsResponse } from './wire';
export { TRACK_NAME_PATTERN };

/**
 * `POST /api/personalize/events` (docs/events.md). The envelope is validated as a
 * whole (a malformed one is a 400); each event on its own, so valid events are kept when others
 * are rejected (`202 { accepted, rejected: [{ index, message }] }`). Unknown fields are ignored
 * (and not stored), so an SDK newer than the server still has its events counted. The types are
 * wire.ts's (tests/unit/wire-types.test.ts checks that the schemas infer them).
 */

export const EVENT_LIMITS = {
  ...EVENT_BATCH_LIMITS,
  /** Events older than this (server time, after rebasing) are dropped. */
  maxAgeMs: 24 * 60 * 60 * 1000,
  /** Events further ahead than this are dropped. */
  maxAheadMs: 5 * 60 * 1000,
  /** A `track` event's `value` beyond ±this is rejected (no visitor can overflow a goal's sums). */
  maxValue: GOAL_VALUE_LIMITS.eventValue,
} as const;

/** Keys no stored object may have (they mean something to JavaScript objects). */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Event and batch ids: 16–64 characters. */
const eventIdSchema = z
  .string()
  .min(EVENT_ID_LENGTH.min, 'must be 16–64 characters')
  .max(EVENT_ID_LENGTH.max, 'must be 16–64 characters');
const timeSchema = z.number().finite().min(0).max(8.64e15);

const tagsSchema = z
  .array(z.string().regex(TAG_PATTERN, 'must be a tag: 1–64 characters of a-z, 0-9, "_" or "-"'))
  .max(EVENT_LIMITS.tagsPerEvent, `at most ${EVENT_LIMITS.tagsPerEvent} tags`);

const base = { id: eventIdSchema, ts: timeSchema };

const referenceFields = {
  ...base,
  uid: contentTypeUidSchema,
  documentId: documentIdSchema,
  /** The variant served (`meta.personalize.variant`): a multivariate cell's `+`-joined ids count towards each one's caps. */
  variant: servedVariantSchema.nullable().optional(),
  tags: tagsSchema.optional(),
};

const propValue = z.union([z.string().max(1024), z.number().finite(), z.boolean(), z.null()]);

export const visitorEventSchema = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('page'),
    path: z.string().max(2048).optional(),
    title: z.string().max(512).optional(),
    referrer: z.string().max(2048).optional(),
    tags: tagsSchema.optional(),
  }),
  z.object({ ...referenceFields, type: z.literal('view') }),
  z.object({ ...referenceFields, type: z.literal('click') }),
  z.object({ ...referenceFields, type: z.literal('hover') }),
  z.object({ ...referenceFields, type: z.literal('dismiss') }),
  z.object({
    ...base,
    type: z.literal('engage'),
    dwellSec: z
      .number()
      .finite()
      .min(0)
      .max(86_400 * 30)
      .optional(),
    scrollDepth: z.number().finite().min(0).max(100).optional(),
    clicks: z.number().int().min(0).max(1_000_000).optional(),
    hovers: z.number().int().min(0).max(1_000_000).optional(),
    quickExit: z.boolean().optional(),
  }),
  z.object({
    ...base,
    type: z.literal('track'),
    name: z.string().regex(TRACK_NAME_PATTERN, 'must be a name: a letter, then up to 63 of a-z, A-Z, 0-9, "_", ".", ":" or "-"'),
    props: z
      .record(z.string().min(1).max(64), propValue)
      .refine((props) => Object.keys(props).length <= EVENT_LIMITS.propsPerEvent, `at most ${EVENT_LIMITS.propsPerEvent} props`)
      .optional(),
    value: z
      .number()
      .finite()
      .min(-EVENT_LIMITS.maxValue, 'must be within ±1e9')
      .max(EVENT_LIMITS.maxValue, 'must be within ±1e9')
      .optional(),
  }),
]);

// The zod output and the engine's event types must stay the same shape.
type Parsed = z.infer<typeof visitorEventSchema>;
const _sameShape: (event: Parsed) => VisitorEvent = (event) => event;
void _sameShape;

export const consentChoiceSchema = z
  .object({ events: z.boolean().nullable().optional(), profiling: z.boolean().nullable().optional() })
  .strict();

const envelopeSchemas = new Map<number, ReturnType<typeof buildEnvelopeSchema>>();

/** The envelope; events are checked one by one afterwards (`visitorEventSchema`). Built once per `maxBatch`. */
export const eventsEnvelopeSchema = (maxBatch: number = EVENT_LIMITS.maxBatch) => {
  let schema = envelopeSchemas.get(maxBatch);
  if (!schema) envelopeSchemas.set(maxBatch, (schema = buildEnvelopeSchema(maxBatch)));
  return schema;
};

const buildEnvelopeSchema = (maxBatch: number) =>
  z.object({
    visitorId: visitorIdSchema,
    batchId: eventIdSchema,
    sentAt: timeSchema,
    consent: consentChoiceSchema.nullable().optional(),
    events: z.array(z.unknown()).min(1, 'at least one event').max(maxBatch, `at most ${maxBatch} events`),
  });

/** True when `value` holds, at any depth, a key that means something to JavaScript objects. */
export const hasReservedKey = (value: unknown, depth = 0): boolean => {
  if (depth > 64) return true;
  if (Array.isArray(value)) return value.some((item) => hasReservedKey(item, depth + 1));
  if (value === null || typeof value !== 'object') return false;
  for (const key of Object.keys(value)) {
    if (RESERVED_KEYS.has(key) || hasReservedKey((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
};
