import type { Context } from 'koa';

import type { Signals } from '../../../contracts/src/signals/schema';
import type { PluginConfig } from '../config/schema';
import { mergeSignals, withCurrentTime, type RequestFacts } from '../signals/derive';

/**
 * Stage 1 of delivery: the evaluation context, the `data` a condition sees. Server-derived
 * signals (from the request) win over client ones; `targetingKey` is the visitor id and
 * `$flagd.flagKey` is always `<uid>:<documentId>`, so `fractional` buckets a visitor the same way
 * on every route, cold or warm, collection or single type.
 */

/** Who and what a delivery is for. */
export interface DeliveryTarget {
  uid: string;
  /** Always known when the context is built: single types read it from their cached program. */
  documentId: string;
}

export interface EvaluationContext extends Signals {
  targetingKey?: string;
  $flagd: { flagKey: string };
}

export const flagKeyOf = (target: DeliveryTarget) => `${target.uid}:${target.documentId}`;

/** What the server knows of the request, trusted over anything the client says. */
export const requestFacts = (ctx: Context, config: Pick<PluginConfig, 'trustedCountryHeader'>, locale?: string): RequestFacts => {
  const country = config.trustedCountryHeader ? ctx.get(config.trustedCountryHeader) : undefined;
  return {
    userAgent: ctx.get('user-agent') || undefined,
    country: country || undefined,
    locale,
    acceptLanguage: ctx.get('accept-language') || undefined,
    ect: ctx.get('ect') || undefined,
    saveData: /^on$/i.test(ctx.get('save-data')),
    now: Date.now(),
  };
};

/** The signals of a visitor's request: the client's, with the server-derived keys replaced. */
export const requestSignals = (
  ctx: Context,
  client: Signals,
  config: Pick<PluginConfig, 'trustedCountryHeader' | 'defaultTimezone'>,
  locale?: string
): Signals => mergeSignals(client, requestFacts(ctx, config, locale), config.defaultTimezone);

/**
 * Sample signals as an editor types them in the live test panel: taken as given (an editor tests
 * "mobile" without a phone), with the time.* keys they leave out filled in from now.
 */
export const sampleSignals = (sample: Signals, defaultTimezone: string): Signals => withCurrentTime(sample, defaultTimezone);

/** The data one entry's conditions are evaluated against. */
export const evaluationContext = (signals: Signals, target: DeliveryTarget, visitorId: string | undefined): EvaluationContext => ({
  ...signals,
  ...(visitorId !== undefined ? { targetingKey: visitorId } : {}),
  $flagd: { flagKey: flagKeyOf(target) },
});
