/** The experiment model (docs/experiments.md): its uid, the fields an admin writes, and the lifecycle. */
import { EXPERIMENT_UID } from '../../../content-types';
import type { ExperimentStatus } from '../../../contracts/src/experiments';

export { EXPERIMENT_UID };


/** The fields of the contract (what an admin writes); `startedAt`/`stoppedAt` are the server's. */
export const EXPERIMENT_FIELDS = [
  'key',
  'name',
  'hypothesis',
  'status',
  'mode',
  'target',
  'arms',
  'traffic',
  'condition',
  'goal',
  'secondary',
  'guardrails',
  'namespace',
  'cuped',
  'bandit',
  'contextual',
  'factors',
] as const;

/** Allowed status changes (docs/experiments.md): draft→running, running⇄paused, running|paused→stopped. */
export const TRANSITIONS: Record<ExperimentStatus, readonly ExperimentStatus[]> = {
  draft: ['running'],
  running: ['paused', 'stopped'],
  paused: ['running', 'stopped'],
  stopped: [],
};

export const canTransition = (from: ExperimentStatus, to: ExperimentStatus) => from === to || TRANSITIONS[from].includes(to);

/** Fields only the server writes: the lifecycle's times and the bandit's updates. */
export const SERVER_FIELDS = ['startedAt', 'stoppedAt', 'banditHistory', 'contextualHistory', 'contextualFrozen'] as const;

