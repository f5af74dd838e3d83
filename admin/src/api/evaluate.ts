import type { ConditionEvaluation, EvaluateInput, VariantsEvaluation } from '../../../contracts/src/admin/evaluate';
import { routes, type Envelope, type FetchClient, type FromEditor } from './client';

export type ConditionRequest = FromEditor<Pick<EvaluateInput, 'condition' | 'signals' | 'visitorId'>, 'condition' | 'signals'>;
export type VariantsRequest = FromEditor<Omit<EvaluateInput, 'condition'>, 'signals'>;

/** One condition against sample signals. */
export const evaluateCondition = async (client: FetchClient, body: ConditionRequest): Promise<ConditionEvaluation> =>
  (await client.post<Envelope<ConditionEvaluation>, ConditionRequest>(routes.evaluate, body)).data.data;

/** Variant selection as delivery makes it (live test), or one variant forced (preview). */
export const evaluateVariants = async (client: FetchClient, body: VariantsRequest): Promise<VariantsEvaluation> =>
  (await client.post<Envelope<VariantsEvaluation>, VariantsRequest>(routes.evaluate, body)).data.data;
