import type { CappedReason, FatigueReason, ReasonEntry } from '../../../contracts/src/reason';
import type { Signals } from '../../../contracts/src/signals/schema';
import type { Variant } from '../../../contracts/src/variants/schema';
import { capKey, exhaustedCap, type VisitorProfile } from '../../../engine/src';
import { currentSession } from '../../../engine/src/caps';
import type { ExposureRequest } from '../../../engine/src/experiments';
import type { EffectiveConsent } from '../../../engine/src/profile/consent';
import type { DeliveryTarget } from './context';
import type { DeliveryPorts, VisitorsPort } from './ports';

/**
 * The visitor's part of delivery: the stored profile read in one round trip (a stage of the
 * evaluation context), frequency caps and session fatigue (rules of variant selection), and the
 * serve counting that follows the response. Consent decides what is used: no profile without
 * `profiling`, no caps nor counting without `events` (docs/events.md, "Consent"). A store that cannot be
 * read is an empty profile, with reason `profile-unavailable`, never an error.
 */

export interface VisitorState {
  visitorId: string;
  /** The stored profile, when consent lets delivery use it; null otherwise or when there is none. */
  profile: VisitorProfile | null;
  consent: EffectiveConsent;
  /** The store could not be read. */
  unavailable: boolean;
  /** One clock for the whole request: decay, windows and counting agree. */
  now: number;
}

const NO_CONSENT: EffectiveConsent = { events: false, profiling: false };

/** Reads the visitor's profile once; `gpc`: the request's `Sec-GPC: 1` (Global Privacy Control). */
export const loadVisitor = async (visitors: VisitorsPort, visitorId: string, request: { gpc: boolean }): Promise<VisitorState> => {
  const now = Date.now();
  const read = await visitors.read(visitorId);
  if ('unavailable' in read) return { visitorId, profile: null, consent: NO_CONSENT, unavailable: true, now };
  const consent = visitors.consentOf(read.profile, { gpc: request.gpc });
  return { visitorId, profile: consent.events ? read.profile : null, consent, unavailable: false, now };
};

/** The request's signals with the visitor's `profile.*` (server-derived: any client value was already dropped). */
export const withProfile = (visitors: VisitorsPort, signals: Signals, state: VisitorState | undefined): Signals => {
  if (!state?.profile || !state.consent.profiling) return signals;
  return { ...signals, profile: visitors.signalsOf(state.profile, state.now) as Signals['profile'] };
};

/** Reason entries the visitor's state adds before selection's own. */
export const visitorReasons = (state: VisitorState | undefined): ReasonEntry[] =>
  state?.unavailable ? [{ rule: 'profile-unavailable' }] : [];

/** Selection rule: a variant whose caps this visitor has used up is passed over, saying which cap. */
export const capsRule =
  (state: VisitorState | undefined, target: DeliveryTarget) =>
  (variant: Variant): CappedReason | null => {
    if (!variant.caps?.length || !state?.profile) return null;
    const counters = state.profile.caps[capKey(target.uid, target.documentId, variant.id)];
    const hit = exhaustedCap(variant.caps, counters, state.now, currentSession(state.profile, state.now)?.startedAt);
    return hit ? { rule: 'capped', variant: variant.id, cap: hit.cap, count: hit.count } : null;
  };

/** `caps.maxPersonalizedPerSession` reached in the visitor's current session, or null. */
export const fatigue = (state: VisitorState | undefined, maxPerSession: number | undefined): FatigueReason | null => {
  if (maxPerSession === undefined || !state?.profile) return null;
  const served = currentSession(state.profile, state.now)?.personalizedServes ?? 0;
  return served >= maxPerSession ? { rule: 'fatigue', max: maxPerSession, served } : null;
};

/**
 * The counting stage, after the response: a personalized serve is counted when something reads
 * the count (a `serve` cap on the variant, or the session fatigue limit) and the visitor allows
 * storing events. It never delays or fails the response.
 */
export const countServe = (
  ports: Pick<DeliveryPorts, 'visitors' | 'warn'>,
  state: VisitorState | undefined,
  target: DeliveryTarget,
  served: readonly Variant[],
  maxPerSession: number | undefined
): void => {
  if (!state || served.length === 0 || !state.consent.events) return;
  const counted = served.some((variant) => variant.caps?.some((cap) => cap.on === 'serve')) || maxPerSession !== undefined;
  if (!counted) return;
  ports.visitors
    .recordServe(state.visitorId, served.map((variant) => capKey(target.uid, target.documentId, variant.id)), state.now)
    .catch((error: Error) => ports.warn(`[personalize] could not count a serve: ${error.message}`));
};

/**
 * The counting stage for experiments: the visitor's first exposures, recorded with their arm (sticky
 * from now on) and counted once, atomically, after the response. Only for visitors who allow
 * storing events (assignment already required it).
 */
export const countExposures = (
  ports: Pick<DeliveryPorts, 'visitors' | 'warn'>,
  state: VisitorState | undefined,
  exposures: ExposureRequest[] | undefined
): void => {
  if (!state || !exposures?.length || !state.consent.events) return;
  ports.visitors
    .recordExposures(state.visitorId, exposures, state.now)
    .catch((error: Error) => ports.warn(`[personalize] could not count an exposure: ${error.message}`));
};
