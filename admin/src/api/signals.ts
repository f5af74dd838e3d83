import type { SignalVocabulary as Vocabulary } from '../../../contracts/src/signals/vocabulary';
import { routes, type Envelope, type FetchClient } from './client';

/** The vocabulary as the route sends it (without its JSON schema). */
export type SignalVocabulary = Pick<Vocabulary, 'groups' | 'signals'>;

/** The signals conditions read, for the rule builder; they never change while Strapi runs. */
export const getSignals = async (client: FetchClient): Promise<SignalVocabulary> =>
  (await client.get<Envelope<SignalVocabulary>>(routes.signals)).data.data;
