import type { Core } from '@strapi/strapi';

import type { HealthGuardrail, HealthSrm } from '../../../contracts/src/admin/health';
import { getService } from '../platform/services';
import { cellsOf, contextualCountersOf } from '../storage/experiment-counts';
import { contextualSrm, type ContextualExperiment } from './contextual';
import { EXPERIMENT_FIELDS, EXPERIMENT_UID, SERVER_FIELDS } from './model';
import { buildResults, type ResultsExperiment } from './results';

type StoredRunning = ResultsExperiment & { documentId: string; name?: string | null };

export interface RunningChecks {
  srm: HealthSrm[];
  /** Each arm that harms a guardrail: the results' `guardrail.harmful` (engine guardrailVerdict). */
  guardrails: HealthGuardrail[];
  countsUnavailable: boolean;
}

/**
 * The running experiments' sample-ratio checks and harmed guardrails for the Health page
 * (docs/observability.md, "The Health page"): the same counts and `buildResults` as each
 * experiment's results page, so the two never disagree.
 */
const createExperimentHealth = ({ strapi }: { strapi: Core.Strapi }) => {
  const check = async (): Promise<RunningChecks> => {
    const running = (await strapi.documents(EXPERIMENT_UID as never).findMany({
      filters: { status: 'running' },
      fields: ['documentId', ...EXPERIMENT_FIELDS, ...SERVER_FIELDS],
      sort: 'key:asc',
      limit: -1,
    } as never)) as unknown as StoredRunning[];
    const { experiments: options } = getService(strapi, 'settings').get();
    const checks: HealthSrm[] = [];
    const guardrails: HealthGuardrail[] = [];
    for (const experiment of running) {
      const counters = await getService(strapi, 'visitors').experimentCounters(experiment.key);
      if ('unavailable' in counters) return { srm: [], guardrails: [], countsUnavailable: true };
      const results = buildResults({
        experiment,
        cells: cellsOf(counters),
        options: { alpha: options.alpha, sequentialNStar: options.sequentialNStar, srmThreshold: options.srmThreshold },
        now: Date.now(),
        nextBanditUpdateAt: null,
      });
      // A contextual experiment's arms get the weights of each visitor's leaf: checked per logged leaf, as its results page does.
      const srm =
        experiment.mode === 'contextual'
          ? contextualSrm(experiment as unknown as ContextualExperiment, contextualCountersOf(counters), options.srmThreshold)
          : results.srm;
      const name = experiment.name || experiment.key;
      checks.push({ documentId: experiment.documentId, key: experiment.key, name, pValue: srm.pValue, alarm: !srm.ok });
      for (const result of results.results) {
        if (!result.guardrail?.harmful) continue;
        guardrails.push({
          experiment: { key: experiment.key, name, documentId: experiment.documentId },
          guardrail: result.goal,
          arm: result.arm,
          direction: result.guardrail.direction,
        });
      }
    }
    return { srm: checks, guardrails, countsUnavailable: false };
  };

  return {
    check,
    /** The same checks for `personalize_srm_alarm{experiment}` at each scrape: null while the counts cannot be read. */
    async alarms(): Promise<{ key: string; alarm: boolean }[] | null> {
      const { srm: checks, countsUnavailable } = await check();
      return countsUnavailable ? null : checks.map(({ key, alarm }) => ({ key, alarm }));
    },
  };
};

export type ExperimentHealthService = ReturnType<typeof createExperimentHealth>;
export default createExperimentHealth;
