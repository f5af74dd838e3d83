import type { Audience, AudienceInput, UsageReport } from '../../../contracts/src/admin/audience';
import { routes, type Envelope, type FetchClient, type FromEditor } from './client';

export type AudienceRequest = FromEditor<AudienceInput, 'condition'>;

export const getAudiences = async (client: FetchClient): Promise<Audience[]> =>
  (await client.get<Envelope<Audience[]>>(routes.audiences)).data.data;

/** Where each audience is used (variants and other audiences that name it). */
export const getAudienceUsage = async (client: FetchClient): Promise<UsageReport> =>
  (await client.get<Envelope<UsageReport>>(routes.usage)).data.data;

export const createAudience = async (client: FetchClient, body: AudienceRequest): Promise<Audience> =>
  (await client.post<Envelope<Audience>, AudienceRequest>(routes.audiences, body)).data.data;

export const updateAudience = async (client: FetchClient, documentId: string, body: AudienceRequest): Promise<Audience> =>
  (await client.put<Envelope<Audience>, AudienceRequest>(routes.audience(documentId), body)).data.data;

/** Refused with a 409 while the audience is used; its `details` are an `AudienceUses`. */
export const deleteAudience = async (client: FetchClient, documentId: string): Promise<Audience> =>
  (await client.del<Envelope<Audience>>(routes.audience(documentId))).data.data;
