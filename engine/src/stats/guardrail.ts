/**
 * Guardrails (docs/statistics.md, "Guardrails"): a goal with a direction that a treatment must not harm. A
 * guardrail is harmed when the sequential (always-valid, so it may be read every day) interval of the relative lift
 * lies wholly on the harmful side of 0: below 0 for a goal that should increase, above 0 for one that should
 * decrease. A CUPED comparison is read on its adjusted interval.
 */
import type { Comparison, NoResult } from './compare';

/** Which way is good for the goal. */
export type GoalDirection = 'increase' | 'decrease';

/** `harmful`: the sequential interval is wholly on the harmful side; `ok`: it is not; `no-result`: no comparison yet. */
export type GuardrailVerdict = 'harmful' | 'ok' | 'no-result';

/** The verdict on one treatment arm's comparison with control on a guardrail goal. */
export const guardrailVerdict = (
  result: Pick<Comparison, 'ok' | 'relative'> | NoResult,
  direction: GoalDirection
): GuardrailVerdict => {
  if (!result.ok) return 'no-result';
  return harmsGuardrail(result.relative.sequential.ci, direction) ? 'harmful' : 'ok';
};

/** Whether a sequential interval of the relative lift lies wholly on the harmful side of 0 for `direction`. */
export const harmsGuardrail = ([low, high]: readonly [number, number], direction: GoalDirection): boolean =>
  direction === 'increase' ? high < 0 : low > 0;
