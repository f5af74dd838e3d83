import type { ExperimentResults } from '../../../contracts/src/experiments';

/** An arm that harms a guardrail (docs/experiments.md, "Guardrails"): what the results page's red banner names. */
export interface HarmedGuardrail {
  arm: string;
  goal: string;
  direction: 'increase' | 'decrease';
  /** The sequential interval of the relative lift, wholly on the harmful side. */
  ci: [number, number];
}

/** The (arm, guardrail) pairs the results mark harmful, in the results' order. */
export const harmedGuardrails = (results: Pick<ExperimentResults, 'results'>): HarmedGuardrail[] =>
  results.results.flatMap((result) =>
    result.guardrail?.harmful && result.sequential
      ? [{ arm: result.arm, goal: result.goal, direction: result.guardrail.direction, ci: result.sequential.ci }]
      : []
  );
