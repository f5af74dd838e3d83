import { randomBytes, randomUUID } from 'node:crypto';

/** Helpers for POST /api/personalize/events. */
export const newVisitorId = () => `vis_${randomUUID().replace(/-/g, '')}`;
export const newId = () => randomBytes(12).toString('base64url');

export const CONSENT_ALL = { events: true, profiling: true } as const;

export const pageEvent = (tags: string[] = [], ts = Date.now(), extra: object = {}) => ({
  id: newId(),
  ts,
  type: 'page',
  path: '/',
  tags,
  ...extra,
});

export const viewEvent = (documentId: string, extra: object = {}, ts = Date.now()) => ({
  id: newId(),
  ts,
  type: 'view',
  uid: 'api::article.article',
  documentId,
  ...extra,
});

export const batchOf = (visitorId: string, events: unknown[], extra: object = {}) => ({
  visitorId,
  batchId: newId(),
  sentAt: Date.now(),
  consent: CONSENT_ALL,
  events,
  ...extra,
});

export const BROWSER_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
