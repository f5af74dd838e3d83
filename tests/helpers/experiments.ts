import request from 'supertest';

import { batchOf, CONSENT_ALL, newId } from './events';
import { ARTICLE_UID } from './content';

/** Helpers for experiments over HTTP: consent, exposure by resolving, goal events. */

type Target = Parameters<typeof request>[0];

export const EXPERIMENT_UID = 'plugin::personalize.experiment';

/** A visitor says yes to events and profiling (their profile now holds the consent). */
export const giveConsent = async (server: Target, visitorId: string, consent: object = CONSENT_ALL) => {
  const response = await request(server)
    .post('/api/personalize/events')
    .send(batchOf(visitorId, [{ id: newId(), ts: Date.now(), type: 'page', path: '/' }], { consent }));
  if (response.status !== 202) throw new Error(`consent batch answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as { accepted: number };
};

export const resolveFor = (server: Target, documentId: string, visitorId?: string, userAgent?: string) => {
  const call = request(server).post('/api/personalize/resolve');
  if (userAgent) call.set('User-Agent', userAgent);
  return call.send({ uid: ARTICLE_UID, documentId, ...(visitorId ? { visitorId } : {}) });
};

export const trackEvent = (name: string, extra: { value?: number; ts?: number } = {}) => ({
  id: newId(),
  ts: extra.ts ?? Date.now(),
  type: 'track',
  name,
  ...(extra.value !== undefined ? { value: extra.value } : {}),
});

/** Sends `track` events for a visitor (with their consent). */
export const track = async (server: Target, visitorId: string, events: object[]) => {
  const response = await request(server).post('/api/personalize/events').send(batchOf(visitorId, events));
  if (response.status !== 202) throw new Error(`track batch answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as { accepted: number; rejected: unknown[] };
};

/** Polls until `check` stops throwing (the counting stage runs after the response). */
export const eventually = async <T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> => {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
};

/** Two arms on an entry with a `v_offer` variant: `control` (no variant) with `control`'s weight, `offer` with the rest. */
export const twoArms = (control: number) => [
  { key: 'control', weight: control, variants: [] },
  { key: 'offer', weight: 1 - control, variants: ['v_offer'] },
];

/**
 * Starts an A/B test of `twoArms(0.5)` on the entry (which has a `v_offer` variant) with the admin's
 * token; `reweigh(control)` then moves its weights, as an editor would while it runs.
 */
export const startSplitTest = async (server: Target, adminToken: string, documentId: string, key: string, name = `Experiment ${key}`) => {
  const admin = (method: 'post' | 'put' | 'get', path: string, body?: object) =>
    request(server)[method](path).set('Authorization', `Bearer ${adminToken}`).send(body);
  const created = await admin('post', '/personalize/experiments', {
    key,
    name,
    target: { uid: ARTICLE_UID, documentId },
    arms: twoArms(0.5),
    traffic: 1,
    goal: { event: 'checkout', kind: 'conversion', windowHours: 1 },
  });
  if (created.status !== 201) throw new Error(`experiment create answered ${created.status}: ${JSON.stringify(created.body)}`);
  const experimentId = created.body.data.documentId as string;
  const started = await admin('post', `/personalize/experiments/${experimentId}/start`);
  if (started.status !== 200) throw new Error(`experiment start answered ${started.status}: ${JSON.stringify(started.body)}`);
  return {
    experimentId,
    admin,
    reweigh: (control: number) => admin('put', `/personalize/experiments/${experimentId}`, { arms: twoArms(control) }),
    results: async () => (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data,
    stop: () => admin('post', `/personalize/experiments/${experimentId}/stop`),
  };
};
