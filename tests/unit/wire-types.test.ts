/**
 * contracts/src/wire.ts declares what crosses the wire once, without zod, for the SDK; the server
 * validates with zod. Here the zod schemas are held to those declarations: at compile time (the
 * typecheck fails when a field is added on one side only) and on samples (the patterns agree).
 */
import type { z } from 'zod';

import { PERSONALIZE_VARY, personalizeQuerySchema, resolveBodySchema } from '../../contracts/src/delivery';
import { EVENT_LIMITS, consentChoiceSchema, eventsEnvelopeSchema, visitorEventSchema } from '../../contracts/src/events';
import type { ExperimentMeta } from '../../contracts/src/experiments';
import { contentTypeUidSchema, variantIdSchema, visitorIdSchema } from '../../contracts/src/ids';
import {
  behaviorSignalsSchema,
  contextSignalsSchema,
  sessionSignalsSchema,
  type Signals,
} from '../../contracts/src/signals/schema';
import type { capSchema } from '../../contracts/src/variants/schema';
import * as wire from '../../contracts/src/wire';
import type { AssignmentReason } from '../../engine/src/experiments';
import type { ConsentChoice } from '../../engine/src/profile/consent';
import type { VisitorEventType } from '../../engine/src/profile/events';
import { randomId } from '../../client/src/util';
import type { EntryOutcome } from '../../server/src/delivery/pipeline';

/** True only when A and B are the same type: an optional field on one side only is a difference. */
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const holds = <T extends true>(): T[] => [];

describe('wire types', () => {
  it('the server’s schemas infer exactly the wire types (enforced by the typecheck)', () => {
    holds<Equals<z.infer<typeof visitorEventSchema>, wire.VisitorEvent>>();
    holds<Equals<z.infer<ReturnType<typeof eventsEnvelopeSchema>>, wire.EventsEnvelope<unknown>>>();
    holds<Equals<z.infer<typeof consentChoiceSchema>, Partial<wire.Consent>>>();
    holds<Equals<z.infer<typeof personalizeQuerySchema>, wire.PersonalizeQuery>>();
    holds<Equals<Omit<z.input<typeof resolveBodySchema>, 'signals'>, Omit<wire.ResolveRequest, 'signals'>>>();
    holds<Equals<z.infer<typeof behaviorSignalsSchema>, wire.BehaviorSignals>>();
    holds<Equals<z.infer<typeof sessionSignalsSchema>, wire.SessionSignals>>();
    holds<Equals<Pick<z.infer<typeof contextSignalsSchema>, keyof wire.ContextSignals>, wire.ContextSignals>>();
    holds<Equals<z.infer<typeof capSchema>, wire.FrequencyCap>>();
    holds<Equals<ExperimentMeta, wire.ExperimentMeta>>();
    // What delivery puts in `meta.personalize` (of /resolve, and of each entry of the plain API).
    holds<Equals<EntryOutcome, wire.PersonalizeMeta>>();
    holds<Equals<wire.ExperimentMeta['reason'], Exclude<AssignmentReason, 'not-running'>>>();
    holds<Equals<wire.EventType, wire.VisitorEvent['type']>>();
    holds<Equals<wire.EventType, VisitorEventType>>();
    // What the engine reads of a batch's consent (it imports nothing outside itself).
    holds<Equals<ConsentChoice, Partial<wire.Consent>>>();
    // Any signals the server takes fit the wire's, and the SDK's measured signals are in the vocabulary.
    const signals: Signals = {} as wire.ClientSignals;
    const sent: wire.ResolveRequest['signals'] = {} as z.input<typeof resolveBodySchema>['signals'];
    expect([signals, sent]).toEqual([{}, {}]);
  });

  it('the id patterns agree with the schemas', () => {
    const agree = (pattern: RegExp, schema: z.ZodType, samples: string[]) => {
      for (const sample of samples) expect([sample, pattern.test(sample)]).toEqual([sample, schema.safeParse(sample).success]);
    };
    agree(wire.VISITOR_ID_PATTERN, visitorIdSchema, [
      randomId(),
      'a'.repeat(15),
      'a'.repeat(16),
      'A-z_9'.repeat(12) + 'abcd',
      'a'.repeat(65),
      'abc.defghijklmnopq',
      'abcdefghijklmnop\n',
    ]);
    agree(wire.VARIANT_ID_PATTERN, variantIdSchema, ['v_quick-exit', 'V1', '', 'a'.repeat(64), 'a'.repeat(65), 'a b']);
    agree(wire.CONTENT_TYPE_UID_PATTERN, contentTypeUidSchema, [
      'api::article.article',
      'plugin::personalize.audience',
      'api::Article.x',
      'article',
    ]);
    expect(wire.VISITOR_ID_PATTERN.test(randomId())).toBe(true);
  });

  it('event ids, tags, track names and event types are the ones the events schema takes', () => {
    const event = (fields: Record<string, unknown>) =>
      visitorEventSchema.safeParse({ id: 'e'.repeat(16), ts: 1, ...fields }).success;
    for (const length of [15, 16, 64, 65]) {
      const inRange = length >= wire.EVENT_ID_LENGTH.min && length <= wire.EVENT_ID_LENGTH.max;
      expect(event({ type: 'page', id: 'x'.repeat(length) })).toBe(inRange);
      const envelope = { visitorId: randomId(), batchId: 'b'.repeat(length), sentAt: 1, events: [{}] };
      expect(eventsEnvelopeSchema().safeParse(envelope).success).toBe(inRange);
    }
    for (const tag of ['pricing', 'a_b-9', 'Pricing', '', 't'.repeat(65), 'x y']) {
      expect([tag, event({ type: 'page', tags: [tag] })]).toEqual([tag, wire.TAG_PATTERN.test(tag)]);
    }
    for (const name of ['book_huts', 'checkout:done', 'a.b-c', '9lives', '', `a${'b'.repeat(63)}`, `a${'b'.repeat(64)}`, 'a b']) {
      expect([name, event({ type: 'track', name })]).toEqual([name, wire.TRACK_NAME_PATTERN.test(name)]);
    }
    for (const type of wire.EVENT_TYPES) {
      expect([type, event({ type, uid: 'api::article.article', documentId: 'd1', name: 'goal' })]).toEqual([type, true]);
    }
    expect(event({ type: 'scroll' })).toBe(false);
  });

  it('batch limits and header names are the server’s', () => {
    expect(EVENT_LIMITS).toMatchObject(wire.EVENT_BATCH_LIMITS);
    const batch = (count: number) => ({
      visitorId: randomId(),
      batchId: randomId(),
      sentAt: 1,
      events: Array.from({ length: count }, () => ({})),
    });
    expect(eventsEnvelopeSchema().safeParse(batch(wire.EVENT_BATCH_LIMITS.maxBatch)).success).toBe(true);
    expect(eventsEnvelopeSchema().safeParse(batch(wire.EVENT_BATCH_LIMITS.maxBatch + 1)).success).toBe(false);
    expect([...PERSONALIZE_VARY].sort()).toEqual([wire.SIGNALS_HEADER, wire.VARIANT_HEADER, wire.VISITOR_HEADER].sort());
    for (const header of [
      wire.SIGNALS_HEADER,
      wire.VISITOR_HEADER,
      wire.VARIANT_HEADER,
      wire.SIGNATURE_HEADER,
      wire.TIMESTAMP_HEADER,
    ]) {
      expect(header).toMatch(/^x-personalize-[a-z]+$/);
    }
  });
});
