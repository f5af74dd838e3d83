/**
 * `POST /personalize/experiments/:documentId/reconcile` on the default store (the database), over HTTP on
 * the real playground Strapi (docs/experiments.md, "Counting"): the counts of an A/B test rebuilt from the
 * per-unit facts written with them, a corrupted, a lost and a phantom counter repaired and reported, an
 * erased visitor still counted, nothing changed when run twice; 403 without `experiments.manage`, 404 for
 * an unknown experiment, and 503 with Retry-After while the plugin's tables are locked. On PostgreSQL (a
 * schema of its own), where another session can lock the plugin's tables alone.
 */
import type { Core } from '@strapi/strapi';
import { Client } from 'pg';
import request from 'supertest';

import { TABLES } from '../../server/src/storage/database-store';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { newVisitorId } from '../helpers/events';
import { eventually, giveConsent, resolveFor, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

const schema = `pz_reconcile_${Math.random().toString(36).slice(2, 10)}`;
const originalClient = process.env.DATABASE_CLIENT;
const connect = async () => {
  const client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  return client;
};

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };

let app: TestStrapi;
let token: string;

const createRole = async (strapi: Core.Strapi, name: string, actions: string[]) => {
  const role = await strapi.service('admin::role').create({ name, description: `test role: ${name}` });
  await strapi.service('admin::role').assignPermissions(
    role.id,
    actions.map((action) => ({ action, subject: null }))
  );
  return role.id as number;
};

const admin = (method: 'get' | 'post', path: string, body?: object, bearer = token) => {
  const call = request(app.server)[method](path).set('Authorization', `Bearer ${bearer}`);
  return body ? call.send(body) : call;
};

beforeAll(async () => {
  const client = await connect();
  await client.query(`CREATE SCHEMA "${schema}"`);
  await client.end();
  delete process.env.DATABASE_CLIENT;
  app = await setupStrapi({
    env: { DATABASE_CLIENT: 'postgres', DATABASE_SCHEMA: schema, REDIS_URL: undefined, PERSONALIZE_CONFIG: undefined },
  });
  delete process.env.DATABASE_CLIENT;
  await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  token = (await createAdminSession(app.strapi)).token;
}, 120_000);

afterAll(async () => {
  await app?.destroy();
  const client = await connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
  if (originalClient === undefined) delete process.env.DATABASE_CLIENT;
  else process.env.DATABASE_CLIENT = originalClient;
});

/** An A/B test started on a new entry. */
const startExperiment = async (key: string) => {
  const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
  const created = await admin('post', '/personalize/experiments', {
    key,
    name: 'Offer test',
    target: { uid: ARTICLE_UID, documentId },
    arms: [
      { key: 'control', weight: 0.5, variants: [] },
      { key: 'offer', weight: 0.5, variants: ['v_offer'] },
    ],
    traffic: 1,
    goal: { event: 'checkout', kind: 'conversion', windowHours: 24 },
  });
  expect(created.status).toBe(201);
  const experimentId = created.body.data.documentId as string;
  expect((await admin('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
  return { documentId, experimentId };
};

it('rebuilds the counts from the per-unit facts on the database store, reports each repair, and changes nothing when run twice', async () => {
  const key = 'reconcile-db';
  const { documentId, experimentId } = await startExperiment(key);
  const byArm: Record<string, string[]> = { control: [], offer: [] };
  for (let index = 0; index < 12; index += 1) {
    const visitorId = newVisitorId();
    await giveConsent(app.server, visitorId);
    const response = await resolveFor(app.server, documentId, visitorId);
    byArm[(response.body.meta.personalize.experiments[key] as { arm: string }).arm].push(visitorId);
  }
  expect(byArm.control.length).toBeGreaterThan(0);
  expect(byArm.offer.length).toBeGreaterThan(0);
  const converters = [byArm.control[0], ...byArm.offer.slice(0, 2)];
  for (const visitorId of converters) await track(app.server, visitorId, [trackEvent('checkout')]);

  const results = async () => {
    const { arms, goals } = (await admin('get', `/personalize/experiments/${experimentId}/results`)).body.data;
    return { arms, goals };
  };
  const truth = await eventually(async () => {
    const current = await results();
    expect(current.arms.map((arm: { units: number }) => arm.units)).toEqual([byArm.control.length, byArm.offer.length]);
    expect(current.goals[0].arms.map((arm: { conversions: number }) => arm.conversions)).toEqual([1, Math.min(2, byArm.offer.length)]);
    return current;
  });

  // Nothing to repair after real traffic, nor after an exposed visitor is erased (their unit stays counted).
  const erased = await request(app.server).delete('/api/personalize/me').set('x-personalize-visitor', byArm.offer[0]);
  expect(erased.status).toBe(202);
  const clean = await admin('post', `/personalize/experiments/${experimentId}/reconcile`);
  expect(clean.status).toBe(200);
  expect(clean.headers['cache-control']).toBe('no-store');
  expect(clean.body.data).toEqual({ key, shards: 0, repaired: [] });
  expect(await results()).toEqual(truth);

  // A restored backup or a hand edit: one counter off, one gone, one without a unit behind it.
  const knex = app.strapi.db.connection;
  const counters = (await knex(TABLES.counters).select('field', 'value').where({ experiment: key }).orderBy('field')) as {
    field: string;
    value: number;
  }[];
  const units = counters.find(({ field }) => field.endsWith('|offer|u'))!;
  const conversions = counters.find(({ field }) => field.endsWith('|control|checkout|c'))!;
  const phantom = units.field.replace('|offer|u', '|control|ghost|c');
  await knex(TABLES.counters).where({ experiment: key, field: units.field }).update({ value: Number(units.value) + 3 });
  await knex(TABLES.counters).where({ experiment: key, field: conversions.field }).delete();
  await knex(TABLES.counters).insert({ experiment: key, field: phantom, value: 2 });
  expect(await results()).not.toEqual(truth);

  const repaired = await admin('post', `/personalize/experiments/${experimentId}/reconcile`);
  expect(repaired.status).toBe(200);
  expect(repaired.body.data).toEqual({
    key,
    shards: 1,
    repaired: [
      { shard: 0, field: phantom, before: 2, after: 0 },
      { shard: 0, field: conversions.field, before: 0, after: 1 },
      { shard: 0, field: units.field, before: byArm.offer.length + 3, after: byArm.offer.length },
    ].sort((a, b) => a.field.localeCompare(b.field)),
  });
  expect(await results()).toEqual(truth);
  expect(await knex(TABLES.counters).where({ experiment: key, field: phantom })).toEqual([]);

  const again = await admin('post', `/personalize/experiments/${experimentId}/reconcile`);
  expect(again.body.data).toEqual({ key, shards: 0, repaired: [] });
  expect(await results()).toEqual(truth);
}, 60_000);

it('answers 403 without experiments.manage, 404 for an unknown experiment, and 503 with Retry-After while the store is locked', async () => {
  const key = 'reconcile-errors';
  const { experimentId } = await startExperiment(key);
  const path = `/personalize/experiments/${experimentId}/reconcile`;

  const reader = (await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'reconcile reader', ['plugin::personalize.experiments.read']) })).token;
  expect((await admin('get', `/personalize/experiments/${experimentId}/results`, undefined, reader)).status).toBe(200);
  const forbidden = await admin('post', path, undefined, reader);
  expect(forbidden.status).toBe(403);
  expect(forbidden.body.error).toMatchObject({ status: 403, name: 'PolicyError' });
  const manager = (await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'reconcile manager', ['plugin::personalize.experiments.manage']) })).token;
  expect((await admin('post', path, undefined, manager)).status).toBe(200);

  const unknown = await admin('post', '/personalize/experiments/nonexistentdocumentid0/reconcile');
  expect(unknown.status).toBe(404);
  expect(unknown.body.error).toMatchObject({ status: 404, name: 'NotFoundError' });

  // Another session holds the plugin's counters and facts (Strapi's own tables stay free).
  const locker = await connect();
  try {
    await locker.query('BEGIN');
    const tables = [TABLES.counters, TABLES.facts].map((table) => `"${schema}"."${table}"`).join(', ');
    await locker.query(`LOCK TABLE ${tables} IN ACCESS EXCLUSIVE MODE`);
    const locked = await admin('post', path);
    expect(locked.status).toBe(503);
    expect(locked.headers['retry-after']).toMatch(/^\d+$/);
    expect(locked.body.error).toMatchObject({ status: 503, name: 'ServiceUnavailableError' });
  } finally {
    await locker.query('ROLLBACK');
    await locker.end();
  }
  const after = await admin('post', path);
  expect(after.status).toBe(200);
  expect(after.body.data).toEqual({ key, shards: 0, repaired: [] });
}, 60_000);
