export { applyEvents, applyServe, emptyProfile, DEFAULT_PROFILE_OPTIONS, PROFILE_LIMITS } from './apply';
export type { ApplyOptions, ProfileOptions, ProfileWeights } from './apply';
export { effectiveConsent, consentRecord } from './consent';
export type { ConsentChoice, ConsentInput, ConsentMode, EffectiveConsent } from './consent';
export { addScore, decayed, DAY_MS, HOUR_MS, MINUTE_MS } from './decay';
export type {
  AcceptedEvent,
  EngageEvent,
  EntryReference,
  PageEvent,
  ReferenceEvent,
  TrackEvent,
  VisitorEvent,
  VisitorEventType,
} from './events';
export { profileSignals } from './signals';
export type { ProfileSignals } from './signals';
export type { CapCounters, StoredScore, VisitorProfile } from './types';
