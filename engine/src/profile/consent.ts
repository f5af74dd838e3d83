import type { VisitorProfile } from './types';

export type ConsentMode = 'opt-in' | 'opt-out';

/** A visitor's answer per axis: true, false or not given (null). */
export interface ConsentChoice {
  events?: boolean | null;
  profiling?: boolean | null;
}

export interface ConsentInput {
  /** `visitors.consent`: nothing allowed until a yes (`opt-in`) or allowed until a no (`opt-out`). */
  mode: ConsentMode;
  /** `visitors.honorGpc`: Global Privacy Control means no profiling. */
  honorGpc: boolean;
  /** What this request says (an events batch's `consent`). */
  sent?: ConsentChoice | null;
  /** What the visitor said last (kept with the profile). */
  stored?: VisitorProfile['consent'] | null;
  /** `Sec-GPC: 1` on this request. */
  gpc?: boolean;
}

export interface EffectiveConsent {
  /** Store events and count the visitor in experiments. */
  events: boolean;
  /** Build and use a profile (never without `events`). */
  profiling: boolean;
}

const answer = (sent: boolean | null | undefined, stored: boolean | null | undefined): boolean | null =>
  typeof sent === 'boolean' ? sent : typeof stored === 'boolean' ? stored : null;

/**
 * What a visitor allows (docs/design.md, "Privacy"): per axis, the answer this request gives, else the one
 * remembered, else the mode's default; GPC turns profiling off unless `honorGpc` is false.
 */
export const effectiveConsent = ({ mode, honorGpc, sent, stored, gpc }: ConsentInput): EffectiveConsent => {
  const allowed = (value: boolean | null) => value === true || (value === null && mode === 'opt-out');
  const events = allowed(answer(sent?.events, stored?.events));
  const profiling = events && allowed(answer(sent?.profiling, stored?.profiling)) && !(gpc === true && honorGpc);
  return { events, profiling };
};

/** The consent record kept with the profile: the visitor's last answers (not the effective values). */
export const consentRecord = (input: ConsentInput, at: number): VisitorProfile['consent'] => ({
  events: answer(input.sent?.events, input.stored?.events),
  profiling: answer(input.sent?.profiling, input.stored?.profiling),
  ...(input.gpc ? { gpc: true } : {}),
  at,
});
