/**
 * Shared by the benchmarks that run experiments (bench/delivery, bench/experiments): an admin
 * session on a benchmark's Strapi through the admin API (the first admin's registration, as a new
 * app's owner does), and experiments created and started through the plugin's admin routes.
 */
import { randomBytes } from 'node:crypto';

import type { StrapiProcess } from '../../tests/helpers/strapi-process';

export const ARTICLE_UID = 'api::article.article';

export interface AdminSession {
  url: string;
  headers: Record<string, string>;
}

/** Registers the app's first admin (`POST /admin/register-admin`) and returns the session's bearer token. */
export const registerAdmin = async (instance: StrapiProcess): Promise<AdminSession> => {
  const response = await fetch(`${instance.url}/admin/register-admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      firstname: 'Bench',
      lastname: 'Admin',
      email: 'bench-admin@example.com',
      password: `Bench-${randomBytes(6).toString('hex')}-A1!`,
    }),
  });
  const body = (await response.json()) as { data?: { token?: string; accessToken?: string } };
  const token = body.data?.token ?? body.data?.accessToken;
  if (response.status !== 200 || !token)
    throw new Error(`POST /admin/register-admin answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return { url: instance.url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
};

export const adminCall = async <T>(session: AdminSession, method: string, path: string, body?: object): Promise<T> => {
  const response = await fetch(`${session.url}${path}`, {
    method,
    headers: session.headers,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
};

export interface ExperimentInput {
  key: string;
  name: string;
  mode: 'ab' | 'bandit';
  traffic: number;
  target?: { uid: string; documentId: string };
  arms: { key: string; weight: number; variants: string[] }[];
  goal: { event: string; kind: 'conversion' | 'mean'; windowHours: number };
  secondary?: { event: string; kind: 'conversion' | 'mean'; windowHours: number }[];
}

/** Creates the experiment (`POST /personalize/experiments`) and starts it (`POST …/start`); returns its documentId. */
export const createRunningExperiment = async (session: AdminSession, input: ExperimentInput): Promise<string> => {
  const created = await adminCall<{ data: { documentId: string } }>(session, 'POST', '/personalize/experiments', input);
  const { documentId } = created.data;
  await adminCall(session, 'POST', `/personalize/experiments/${documentId}/start`);
  return documentId;
};

/** `GET /personalize/experiments/:documentId/results`'s `data`. */
export const experimentResults = async (session: AdminSession, documentId: string) =>
  (
    await adminCall<{
      data: {
        arms: { key: string; units: number; conversions: number }[];
        results: { goal: string; arm: string; relative: { lift: number } | null }[];
        daily: unknown[];
      };
    }>(session, 'GET', `/personalize/experiments/${documentId}/results`)
  ).data;

/** A new visitor id (as the SDK makes them). */
export const newVisitorId = (label: string) => `bench-${label}-${randomBytes(9).toString('hex')}`;

/**
 * An events batch that gives the visitor's consent (`{ events: true, profiling: true }`), with a
 * page view and the given extra events; 202 expected.
 */
export const sendBatch = async (url: string, visitorId: string, extra: object[] = [], userAgent?: string) => {
  const now = Date.now();
  const response = await fetch(`${url}/api/personalize/events`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', ...(userAgent ? { 'user-agent': userAgent } : {}) },
    body: JSON.stringify({
      visitorId,
      batchId: `bench-batch-${randomBytes(8).toString('hex')}`,
      sentAt: now,
      consent: { events: true, profiling: true },
      events: [{ id: `bench-event-${randomBytes(8).toString('hex')}`, ts: now, type: 'page', path: '/' }, ...extra],
    }),
  });
  if (response.status !== 202)
    throw new Error(`events batch for ${visitorId} answered ${response.status}: ${await response.text()}`);
};

/** A `track` event, as `pz.track(name, undefined, value)` sends it. */
export const trackEvent = (name: string, value?: number) => ({
  id: `bench-event-${randomBytes(8).toString('hex')}`,
  ts: Date.now(),
  type: 'track',
  name,
  ...(value !== undefined ? { value } : {}),
});

/** Polls until `check` returns true (the counting stage runs after the response). */
export const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};
