/**
 * experiments/: the experiment model and its lifecycle, the experiments in force for delivery and
 * counting, results, and bandit updates (docs/experiments.md).
 */
import type { ServicesOf, Wing } from '../platform/services';
import bandit from './bandit';
import experimentsController from './controller';
import { experimentsMiddleware } from './document-middleware';
import experimentHealth from './health';
import holdoutController from './holdout';
import experiments from './service';

export const services = { experiments, bandit, 'experiment-health': experimentHealth };

declare module '../platform/services' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface PluginServices extends ServicesOf<typeof services> {}
}

export default {
  services,
  controllers: { experiments: experimentsController, holdout: holdoutController },
  documentMiddlewares: [experimentsMiddleware],
} satisfies Wing;
