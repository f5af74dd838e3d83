/**
 * A database store that is locked never makes a 5xx on delivery (docs/design.md, "Storage"): Strapi
 * on PostgreSQL, the plugin's tables held under an exclusive lock by another session. Delivery serves
 * without the profile (reason `profile-unavailable`), /events answers 503 with Retry-After, and both
 * recover once the lock is gone. Strapi's own tables stay free, as when only the plugin's rows are hot.
 */
import { Client } from 'pg';
import request from 'supertest';

import { TABLES } from '../../server/src/storage/database-store';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { BROWSER_UA, batchOf, newVisitorId, pageEvent } from '../helpers/events';
import { giveConsent, resolveFor } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

const schema = `pz_locked_${Math.random().toString(36).slice(2, 10)}`;
const originalClient = process.env.DATABASE_CLIENT;
const connect = async () => {
  const client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  return client;
};

let app: TestStrapi | undefined;

beforeAll(async () => {
  const client = await connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.end();
  delete process.env.DATABASE_CLIENT;
  app = await setupStrapi({ env: { DATABASE_CLIENT: 'postgres', DATABASE_SCHEMA: schema, REDIS_URL: undefined } });
  delete process.env.DATABASE_CLIENT;
}, 120_000);

afterAll(async () => {
  await app?.destroy();
  const client = await connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  if (originalClient === undefined) delete process.env.DATABASE_CLIENT;
  else process.env.DATABASE_CLIENT = originalClient;
});

it('serves without the profile and answers 503 with Retry-After to events while the tables are locked, then recovers', async () => {
  const server = app!.server;
  await grantPublic(app!.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  const { documentId } = await createArticle(app!.strapi, { title: 'Published', variants: { variants: [] } });
  const visitorId = newVisitorId();
  await giveConsent(server, visitorId);
  expect((await resolveFor(server, documentId, visitorId)).status).toBe(200);

  const locker = await connect();
  try {
    await locker.query('BEGIN');
    const tables = [TABLES.profiles, TABLES.markers, TABLES.batches].map((table) => `"${schema}"."${table}"`).join(', ');
    await locker.query(`LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE`);

    const resolved = await resolveFor(server, documentId, visitorId);
    expect(resolved.status).toBe(200);
    expect(resolved.body.meta.personalize.reason[0]).toEqual({ rule: 'profile-unavailable' });
    expect(resolved.body.data.title).toBe('Published');

    const events = await request(server)
      .post('/api/personalize/events')
      .set('User-Agent', BROWSER_UA)
      .send(batchOf(visitorId, [pageEvent(['locked'])]));
    expect(events.status).toBe(503);
    expect(events.headers['retry-after']).toMatch(/^\d+$/);
    expect(events.body.error).toMatchObject({ status: 503, name: 'ServiceUnavailableError' });

    const me = await request(server).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
    expect(me.status).toBe(503);
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }

  const batch = batchOf(visitorId, [pageEvent(['after'])]);
  const after = await request(server).post('/api/personalize/events').set('User-Agent', BROWSER_UA).send(batch);
  expect(after.status).toBe(202);
  const me = await request(server).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
  expect(Object.keys(me.body.data.profile.interests)).toContain('after');
}, 120_000);
