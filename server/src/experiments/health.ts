import type { Core } from '@strapi/strapi';

import type { HealthSrm } from '../../../contracts/src/admin/health';
import { getService } from '../platform/services';
import { cellsOf, contextualCountersOf } from '../storage/experiment-counts';
import { contextualSrm, type ContextualExperiment } from './contextual';
import { EXPERIMENT_FIELDS, EXPERIMENT_UID, SERVER_FIELDS } from './model';
import { buildResults, type ResultsExperiment } from './results';

type StoredRunning = ResultsExperiment & { documentId: string; name?: string | null };

/**
 * The running experiments' sample-ratio checks for the Health page (docs/observability.md, "The
 * Health page"): the same counts and `buildResults` as each experiment's results page, so the two
 * never disagree. Guardrail metrics are not built yet: there is nothing else to raise.
 */
const createExperimentHealth = ({ strapi }: { strapi: Core.Strapi }) => {
  const srm = async (): Promise<{ srm: HealthSrm[]; countsUnavailable: boolean }> => {
    const running = (await strapi.documents(EXPERIMENT_UID as never).findMany({
      filters: { status: 'running' },
      fields: ['documentId', ...EXPERIMENT_FIELDS, ...SERVER_FIELDS],
      sort: 'key:asc',
      limit: -1,
    } as never)) as unknown as StoredRunning[];
    const { experiments: options } = getService(strapi, 'settings').get();
    const checks: HealthSrm[] = [];
    for (const experiment of running) {
      const counters = await getService(strapi, 'visitors').experimentCounters(experiment.key);
      if ('unavailable' in counters) return { srm: [], countsUnavailable: true };
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
      checks.push({
        documentId: experiment.documentId,
        key: experiment.key,
        name: experiment.name || experiment.key,
        pValue: srm.pValue,
        alarm: !srm.ok,
      });
    }
    return { srm: checks, countsUnavailable: false };
  };

  return {
    srm,
    /** The same checks for `personalize_srm_alarm{experiment}` at each scrape: null while the counts cannot be read. */
    async alarms(): Promise<{ key: string; alarm: boolean }[] | null> {
      const { srm: checks, countsUnavailable } = await srm();
      return countsUnavailable ? null : checks.map(({ key, alarm }) => ({ key, alarm }));
    },
  };
};

export type ExperimentHealthService = ReturnType<typeof createExperimentHealth>;
export default createExperimentHealth;
