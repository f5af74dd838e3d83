import type { Core } from '@strapi/strapi';

import type { HealthSrm } from '../../../contracts/src/admin/health';
import { getService } from '../platform/services';
import { cellsOf } from '../storage/experiment-counts';
import { EXPERIMENT_FIELDS, EXPERIMENT_UID, SERVER_FIELDS } from './model';
import { buildResults, type ResultsExperiment } from './results';

type StoredRunning = ResultsExperiment & { documentId: string; name?: string | null };

/**
 * The running experiments' sample-ratio checks for the Health page (docs/observability.md, "The
 * Health page"): the same counts and `buildResults` as each experiment's results page, so the two
 * never disagree. Guardrail metrics are not built yet: there is nothing else to raise.
 */
const createExperimentHealth = ({ strapi }: { strapi: Core.Strapi }) => ({
  async srm(): Promise<{ srm: HealthSrm[]; countsUnavailable: boolean }> {
    const running = (await strapi.documents(EXPERIMENT_UID as never).findMany({
      filters: { status: 'running' },
      fields: ['documentId', ...EXPERIMENT_FIELDS, ...SERVER_FIELDS],
      sort: 'key:asc',
      limit: -1,
    } as never)) as unknown as StoredRunning[];
    const { experiments: options } = getService(strapi, 'settings').get();
    const srm: HealthSrm[] = [];
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
      srm.push({
        documentId: experiment.documentId,
        key: experiment.key,
        name: experiment.name || experiment.key,
        pValue: results.srm.pValue,
        alarm: !results.srm.ok,
      });
    }
    return { srm, countsUnavailable: false };
  },
});

export type ExperimentHealthService = ReturnType<typeof createExperimentHealth>;
export default createExperimentHealth;
