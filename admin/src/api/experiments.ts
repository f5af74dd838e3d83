import type {
  BanditUpdateResponse,
  ContextualFreezeInput,
  ContextualFreezeResponse,
  Experiment,
  ExperimentInput,
  ExperimentResults,
  ExperimentResultsResponse,
} from '../../../contracts/src/experiments';
import type { ShipBody, ShipResult } from '../../../contracts/src/experiment-ship';
import { routes, type Envelope, type ExperimentAction, type FetchClient } from './client';

export const getExperiments = async (client: FetchClient): Promise<Experiment[]> =>
  (await client.get<Envelope<Experiment[]>>(routes.experiments)).data.data;

export const getExperiment = async (client: FetchClient, documentId: string): Promise<Experiment> =>
  (await client.get<Envelope<Experiment>>(routes.experiment(documentId))).data.data;

export const createExperiment = async (client: FetchClient, body: ExperimentInput): Promise<Experiment> =>
  (await client.post<Envelope<Experiment>, ExperimentInput>(routes.experiments, body)).data.data;

export const updateExperiment = async (client: FetchClient, documentId: string, body: ExperimentInput): Promise<Experiment> =>
  (await client.put<Envelope<Experiment>, ExperimentInput>(routes.experiment(documentId), body)).data.data;

export const deleteExperiment = async (client: FetchClient, documentId: string): Promise<Experiment> =>
  (await client.del<Envelope<Experiment>>(routes.experiment(documentId))).data.data;

/** Start (or resume), pause or stop; a transition the status does not allow is a 409 that says why. */
export const changeExperimentStatus = async (
  client: FetchClient,
  documentId: string,
  action: ExperimentAction
): Promise<Experiment> => (await client.post<Envelope<Experiment>>(routes.experimentAction(documentId, action), {})).data.data;

export const getExperimentResults = async (client: FetchClient, documentId: string): Promise<ExperimentResults> =>
  (await client.get<ExperimentResultsResponse>(routes.experimentResults(documentId))).data.data;

/** A bandit update now, under the same rules as the scheduled one (it may keep the weights, and says why). */
export const updateBanditWeights = async (client: FetchClient, documentId: string): Promise<BanditUpdateResponse['data']> =>
  (await client.post<BanditUpdateResponse>(routes.banditUpdate(documentId), {})).data.data;

/** Ship an arm: its variants become the target entry's served variants, then the experiment stops (a 409 says why it cannot). */
export const shipExperimentArm = async (client: FetchClient, documentId: string, arm: string): Promise<ShipResult> =>
  (await client.post<Envelope<ShipResult>, ShipBody>(routes.experimentShip(documentId), { arm })).data.data;

/**
 * Freeze a contextual experiment's leaf: an ordinary variant on the target entry, above the experiment's, whose
 * condition is the leaf's rule and that serves its best arm (a 409 when the model moved on or it is frozen already).
 */
export const freezeContextualLeaf = async (
  client: FetchClient,
  documentId: string,
  body: ContextualFreezeInput
): Promise<ContextualFreezeResponse['data']> =>
  (await client.post<ContextualFreezeResponse, ContextualFreezeInput>(routes.contextualFreeze(documentId), body)).data.data;
