import type { AdminVisitorRequest, VisitorErasure, VisitorExport } from '../../../contracts/src/visitors';
import { routes, type Envelope, type FetchClient } from './client';

/** Everything stored for a visitor (as `GET /api/personalize/me` gives it to them); a 404 when nothing is. */
export const lookUpVisitor = async (client: FetchClient, visitorId: string): Promise<VisitorExport> =>
  (await client.post<Envelope<VisitorExport>, AdminVisitorRequest>(routes.visitorLookup, { visitorId })).data.data;

export const eraseVisitor = async (client: FetchClient, visitorId: string): Promise<VisitorErasure> =>
  (await client.post<Envelope<VisitorErasure>, AdminVisitorRequest>(routes.visitorErase, { visitorId })).data.data;
