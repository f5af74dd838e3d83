/**
 * The database store survives a restart (docs/events.md, "Where state lives"): profiles, sticky arms
 * and experiment counts read the same after Strapi stops and starts again on the same database,
 * SQLite (the same file) and PostgreSQL (the same schema). The default config: no Redis, `storage: auto`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Client } from 'pg';
import request from 'supertest';

import type { VisitorsService } from '../../server/src/visitors/service';
import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { newVisitorId, pageEvent, batchOf } from '../helpers/events';
import { eventually, giveConsent, resolveFor, track, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { DESKTOP_UA } from '../helpers/user-agents';

const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Ten percent off today' } };
const VISITORS = 12;

const pg = async (sql: string) => {
  const client = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

interface Setting {
  name: string;
  env: Record<string, string>;
  before?: () => Promise<void>;
  after?: () => Promise<void>;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalize-restart-'));
const schema = `pz_restart_${Math.random().toString(36).slice(2, 10)}`;
const originalClient = process.env.DATABASE_CLIENT;

const SETTINGS: Setting[] = [
  { name: 'SQLite (the same file)', env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: path.join(dir, 'data.db') } },
  {
    name: 'PostgreSQL (the same schema)',
    env: { DATABASE_CLIENT: 'postgres', DATABASE_SCHEMA: schema },
    before: () => pg(`CREATE SCHEMA "${schema}"`),
    after: () => pg(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`),
  },
];

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
  if (originalClient === undefined) delete process.env.DATABASE_CLIENT;
  else process.env.DATABASE_CLIENT = originalClient;
});

describe.each(SETTINGS)('a restart on $name', ({ env, before, after }) => {
  let app: TestStrapi | undefined;

  // setupStrapi picks a PostgreSQL schema of its own when DATABASE_CLIENT=postgres is in the
  // environment: this file names its own, so the client is set per boot only.
  const boot = async () => {
    delete process.env.DATABASE_CLIENT;
    const started = await setupStrapi({ databaseFile: env.DATABASE_FILENAME, env: { ...env, REDIS_URL: undefined } });
    delete process.env.DATABASE_CLIENT;
    return started;
  };

  beforeAll(async () => {
    await before?.();
  });

  afterAll(async () => {
    await app?.strapi.destroy();
    await after?.();
  });

  it('finds profiles, sticky arms and experiment counts unchanged', async () => {
    app = await boot();
    const visitors = () => app!.strapi.plugin('personalize').service('visitors') as VisitorsService;
    expect(visitors().storage()).toBe('database');
    // The retention job is scheduled (hourly), and runs.
    expect(app.strapi.cron.jobs.map((job) => job.name)).toContain('personalizeRetention');
    expect(await visitors().purgeExpired()).toEqual({ profiles: 0, batches: 0, events: 0, markers: 0 });
    const { token } = await createAdminSession(app.strapi);
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
    const admin = (server: TestStrapi['server'], method: 'get' | 'post', url: string, body?: object) => {
      const call = request(server)[method](url).set('Authorization', `Bearer ${token}`);
      return body ? call.send(body) : call;
    };
    const { documentId } = await createArticle(app.strapi, { title: 'Published title', variants: { variants: [OFFER] } });
    const key = `restart-${Math.random().toString(36).slice(2, 8)}`;
    const created = await admin(app.server, 'post', '/personalize/experiments', {
      key,
      name: 'Restart',
      target: { uid: ARTICLE_UID, documentId },
      arms: [
        { key: 'control', weight: 0.5, variants: [] },
        { key: 'offer', weight: 0.5, variants: ['v_offer'] },
      ],
      traffic: 1,
      goal: { event: 'checkout', kind: 'conversion', windowHours: 1 },
    });
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId as string;
    expect((await admin(app.server, 'post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);

    const ids = Array.from({ length: VISITORS }, () => newVisitorId());
    const arms: Record<string, string> = {};
    for (const [index, visitorId] of ids.entries()) {
      await giveConsent(app.server, visitorId);
      await request(app.server).post('/api/personalize/events').send(batchOf(visitorId, [pageEvent([`tag${index}`])]));
      const response = await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
      arms[visitorId] = response.body.meta.personalize.experiments[key].arm;
    }
    // Exposures are counted after the response: wait until every one is.
    for (const visitorId of ids) {
      await eventually(async () => {
        const again = await resolveFor(app!.server, documentId, visitorId, DESKTOP_UA);
        expect(again.body.meta.personalize.experiments[key]).toMatchObject({ arm: arms[visitorId], reason: 'sticky' });
      });
    }
    const converting = ids.slice(0, 5);
    for (const visitorId of converting) await track(app.server, visitorId, [trackEvent('checkout')]);

    const resultsOf = async (server: TestStrapi['server']) => {
      const response = await admin(server, 'get', `/personalize/experiments/${experimentId}/results`);
      expect(response.status).toBe(200);
      return response.body.data.arms.map((arm: { key: string; units: number; conversions: number }) => [arm.key, arm.units, arm.conversions]);
    };
    const profilesOf = async () => {
      const profiles: Record<string, unknown> = {};
      for (const visitorId of ids) {
        const read = await visitors().read(visitorId);
        if ('unavailable' in read) throw new Error('store unavailable');
        profiles[visitorId] = read.profile;
      }
      return profiles;
    };
    const results = await resultsOf(app.server);
    expect(results.reduce((sum: number, [, units]: [string, number]) => sum + units, 0)).toBe(VISITORS);
    expect(results.reduce((sum: number, [, , conversions]: [string, number, number]) => sum + conversions, 0)).toBe(5);
    const profiles = await profilesOf();
    for (const visitorId of ids) expect(profiles[visitorId]).toMatchObject({ exposures: { [key]: { arm: arms[visitorId] } } });

    // Restart on the same database.
    await app.strapi.destroy();
    app = undefined;
    app = await boot();
    expect(await profilesOf()).toEqual(profiles);
    expect(await resultsOf(app.server)).toEqual(results);
    for (const visitorId of ids) {
      const again = await resolveFor(app.server, documentId, visitorId, DESKTOP_UA);
      expect(again.body.meta.personalize.experiments[key]).toMatchObject({ arm: arms[visitorId], reason: 'sticky' });
      const me = await request(app.server).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
      expect(me.body.data.profile).not.toBeNull();
    }
    // Resolving again counts no one twice, and a conversion replayed after the restart neither.
    for (const visitorId of converting) await track(app.server, visitorId, [trackEvent('checkout')]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await resultsOf(app.server)).toEqual(results);
  }, 240_000);
});
