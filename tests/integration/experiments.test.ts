import type { Core } from '@strapi/strapi';
import request from 'supertest';

import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

const EXPERIMENT_UID = 'plugin::personalize.experiment';

type Method = 'get' | 'post' | 'put' | 'delete';

const desktopVariant = {
  id: 'v_desktop',
  name: 'Desktop',
  condition: { '==': [{ var: 'context.device' }, 'desktop'] },
  overrides: { cta: 'Shop on desktop' },
};

const createRole = async (strapi: Core.Strapi, name: string, actions: string[]): Promise<number> => {
  const role = await strapi.service('admin::role').create({ name, description: `test role: ${actions.join(', ') || 'nothing'}` });
  await strapi
    .service('admin::role')
    .assignPermissions(role.id, actions.map((action) => ({ action: `plugin::personalize.${action}`, subject: null })));
  return role.id;
};

describe('experiments (admin)', () => {
  let app: TestStrapi;
  let token: string;
  let articleId: string;

  beforeAll(async () => {
    app = await setupStrapi();
    token = (await createAdminSession(app.strapi)).token;
    // The published entry has one variant; its draft adds another, not published yet.
    ({ documentId: articleId } = await createArticle(app.strapi, { title: 'Target', cta: 'Go', variants: { variants: [mobileQuickExit] } }));
    await app.strapi.documents(ARTICLE_UID).update({
      documentId: articleId,
      locale: 'en',
      data: { variants: { variants: [mobileQuickExit, desktopVariant] } } as never,
    });
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const call = (method: Method, path: string, body?: object, bearer = token) => {
    const req = request(app.server)[method](path).set('Authorization', `Bearer ${bearer}`);
    return body ? req.send(body) : req;
  };

  const valid = (overrides: Record<string, unknown> = {}) => ({
    key: `exp-${Math.random().toString(36).slice(2, 10)}`,
    name: 'Quick-exit offer vs nothing',
    hypothesis: 'The offer keeps hesitant mobile visitors',
    target: { uid: ARTICLE_UID, documentId: articleId, locale: 'en' },
    arms: [
      { key: 'control', weight: 0.5, variants: [] },
      { key: 'offer', name: 'Offer', weight: 0.5, variants: ['v_quick_exit', 'v_desktop'] },
    ],
    traffic: 0.8,
    condition: { '==': [{ var: 'context.device' }, 'mobile'] },
    goal: { event: 'checkout', kind: 'conversion' },
    secondary: [{ event: 'add_to_cart', kind: 'mean', windowHours: 24 }],
    ...overrides,
  });

  const count = () => app.strapi.documents(EXPERIMENT_UID as never).count({} as never);

  describe('create', () => {
    it('creates a valid experiment as a draft, with defaults filled in (201)', async () => {
      const body = valid();
      const response = await call('post', '/personalize/experiments', body);
      expect(response.status).toBe(201);
      expect(response.body.data).toMatchObject({
        key: body.key,
        status: 'draft',
        mode: 'ab',
        traffic: 0.8,
        target: body.target,
        arms: body.arms,
        goal: { event: 'checkout', kind: 'conversion', windowHours: 72 },
        secondary: body.secondary,
        startedAt: null,
        stoppedAt: null,
      });
      expect(typeof response.body.data.documentId).toBe('string');

      const listed = await call('get', '/personalize/experiments');
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((e: { key: string }) => e.key)).toContain(body.key);
      const one = await call('get', `/personalize/experiments/${response.body.data.documentId}`);
      expect(one.status).toBe(200);
      expect(one.body.data.key).toBe(body.key);
    });

    it('creates a site-wide experiment (no target, arms are names)', async () => {
      const response = await call(
        'post',
        '/personalize/experiments',
        valid({ target: undefined, mode: 'bandit', bandit: { cadenceMinutes: 60 }, arms: [
          { key: 'a', weight: 0.25 },
          { key: 'b', weight: 0.25 },
          { key: 'c', weight: 0.5 },
        ] })
      );
      expect(response.status).toBe(201);
      expect(response.body.data).toMatchObject({ mode: 'bandit', bandit: { cadenceMinutes: 60 } });
      expect(response.body.data.arms[0]).toEqual({ key: 'a', weight: 0.25, variants: [] });
      expect(response.body.data).not.toHaveProperty('target');
    });

    it.each([
      ['weights that do not sum to 1', { arms: [{ key: 'a', weight: 0.5, variants: [] }, { key: 'b', weight: 0.4, variants: [] }] }, ['arms']],
      ['a bad arm key', { arms: [{ key: 'A B', weight: 0.5, variants: [] }, { key: 'b', weight: 0.5, variants: [] }] }, ['arms', 0, 'key']],
      ['duplicate arm keys', { arms: [{ key: 'a', weight: 0.5, variants: [] }, { key: 'a', weight: 0.5, variants: [] }] }, ['arms', 1, 'key']],
      ['a single arm', { arms: [{ key: 'a', weight: 1, variants: [] }] }, ['arms']],
      ['a bad goal event', { goal: { event: '1 bad', kind: 'conversion' } }, ['goal', 'event']],
      ['a bad goal kind', { goal: { event: 'checkout', kind: 'sum' } }, ['goal', 'kind']],
      ['a goal window over 90 days', { goal: { event: 'checkout', kind: 'mean', windowHours: 5000 } }, ['goal', 'windowHours']],
      ['no goal', { goal: undefined }, ['goal']],
      ['a bad key', { key: 'Bad Key!' }, ['key']],
      ['traffic over 1', { traffic: 1.5 }, ['traffic']],
      ['an unknown field', { extra: true }, []],
      ['a condition that does not compile', { condition: { nope: [1] } }, ['condition']],
      ['a condition reading an unknown signal', { condition: { '==': [{ var: 'context.devise' }, 'mobile'] } }, ['condition', '==', 0, 'var']],
      ['variants on arms without a target', { target: null }, ['arms', 1, 'variants']],
      ['a target type without a variants field', { target: { uid: 'api::author.author', documentId: 'x' } }, ['target', 'uid']],
      ['a target entry that does not exist', { target: { uid: ARTICLE_UID, documentId: 'nonexistent0000000000000' } }, ['target', 'documentId']],
    ])('refuses %s with a 400 naming the path, and saves nothing', async (_, overrides, path) => {
      const before = await count();
      const response = await call('post', '/personalize/experiments', valid(overrides));
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('ValidationError');
      const paths = response.body.error.details.errors.map((issue: { path: unknown }) => issue.path);
      expect(paths[0].slice(0, path.length)).toEqual(path);
      expect(response.body.error.message).toMatch(/^Invalid experiment/);
      expect(await count()).toBe(before);
    });

    it('refuses arm variants the target entry does not have, listing each, and saves nothing', async () => {
      const before = await count();
      const response = await call(
        'post',
        '/personalize/experiments',
        valid({
          arms: [
            { key: 'control', weight: 0.5, variants: ['v_nope'] },
            { key: 'offer', weight: 0.5, variants: ['v_quick_exit', 'v_gone'] },
          ],
        })
      );
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors.map((issue: { path: unknown }) => issue.path)).toEqual([
        ['arms', 0, 'variants', 0],
        ['arms', 1, 'variants', 1],
      ]);
      expect(response.body.error.message).toMatch(/no variant "v_nope"/);
      expect(await count()).toBe(before);
    });

    it('refuses a duplicate key', async () => {
      const body = valid();
      expect((await call('post', '/personalize/experiments', body)).status).toBe(201);
      const again = await call('post', '/personalize/experiments', { ...body, name: 'Other' });
      expect(again.status).toBe(400);
      expect(again.body.error.details.errors[0].path).toEqual(['key']);
    });

    it('validates writes through the document service too', async () => {
      await expect(
        app.strapi.documents(EXPERIMENT_UID as never).create({ data: valid({ traffic: 2 }) } as never)
      ).rejects.toMatchObject({ name: 'ValidationError' });
    });
  });

  describe('update', () => {
    it('updates some fields, checking the merged experiment; a bad update changes nothing', async () => {
      const created = (await call('post', '/personalize/experiments', valid())).body.data;
      const path = `/personalize/experiments/${created.documentId}`;

      const renamed = await call('put', path, { name: 'Renamed', traffic: 0.5 });
      expect(renamed.status).toBe(200);
      expect(renamed.body.data).toMatchObject({ name: 'Renamed', traffic: 0.5, key: created.key, arms: created.arms });

      // The stored target is kept: an arm naming a variant it lacks is refused.
      const badArms = await call('put', path, {
        arms: [
          { key: 'control', weight: 0.3, variants: [] },
          { key: 'offer', weight: 0.7, variants: ['v_missing'] },
        ],
      });
      expect(badArms.status).toBe(400);
      expect(badArms.body.error.details.errors[0].path).toEqual(['arms', 1, 'variants', 0]);

      const badWeights = await call('put', path, { arms: [{ key: 'a', weight: 0.9, variants: [] }, { key: 'b', weight: 0.3, variants: [] }] });
      expect(badWeights.status).toBe(400);
      expect(badWeights.body.error.details.errors[0].path).toEqual(['arms']);

      const unknown = await call('put', path, { startedAt: '2020-01-01T00:00:00.000Z' });
      expect(unknown.status).toBe(400);

      const stored = (await call('get', path)).body.data;
      expect(stored).toMatchObject({ name: 'Renamed', traffic: 0.5, arms: created.arms });

      // Clearing the target needs arms without variants.
      const cleared = await call('put', path, {
        target: null,
        arms: [{ key: 'control', weight: 0.5, variants: [] }, { key: 'offer', weight: 0.5, variants: [] }],
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body.data).not.toHaveProperty('target');

      expect((await call('put', '/personalize/experiments/nonexistent0000000000000', { name: 'x' })).status).toBe(404);
    });
  });

  describe('lifecycle', () => {
    it('starts, pauses, resumes and stops; refuses other transitions with a 409', async () => {
      const created = (await call('post', '/personalize/experiments', valid())).body.data;
      const path = `/personalize/experiments/${created.documentId}`;

      const cannotPause = await call('post', `${path}/pause`);
      expect(cannotPause.status).toBe(409);
      expect(cannotPause.body.error).toMatchObject({ status: 409, name: 'ConflictError' });
      expect(cannotPause.body.error.message).toMatch(/Cannot pause .* it is draft \(it can start\)/);

      const started = await call('post', `${path}/start`);
      expect(started.status).toBe(200);
      expect(started.body.data.status).toBe('running');
      const startedAt = started.body.data.startedAt;
      expect(Date.parse(startedAt)).toBeGreaterThan(Date.now() - 60_000);
      expect(started.body.data.stoppedAt).toBeNull();

      expect((await call('post', `${path}/start`)).status).toBe(409);

      const paused = await call('post', `${path}/pause`);
      expect(paused.body.data).toMatchObject({ status: 'paused', startedAt });

      const resumed = await call('post', `${path}/start`);
      expect(resumed.body.data).toMatchObject({ status: 'running', startedAt, stoppedAt: null });

      // The key buckets visitors: it cannot change once started.
      const rekey = await call('put', path, { key: 'another-key' });
      expect(rekey.status).toBe(400);
      expect(rekey.body.error.details.errors[0].path).toEqual(['key']);
      // Nor the arms or the goals: exposed visitors keep their arm, and counts are per goal.
      const rearmed = await call('put', path, {
        arms: [
          { key: 'control', weight: 0.5, variants: [] },
          { key: 'renamed', weight: 0.5, variants: ['v_quick_exit'] },
        ],
      });
      expect(rearmed.status).toBe(400);
      expect(rearmed.body.error.details.errors[0].path).toEqual(['arms']);
      const regoaled = await call('put', path, { goal: { event: 'purchase', kind: 'conversion' } });
      expect(regoaled.status).toBe(400);
      expect(regoaled.body.error.details.errors[0].path).toEqual(['goal']);
      // Weights, traffic and the window may change.
      const reweighted = await call('put', path, { traffic: 0.5, goal: { event: 'checkout', kind: 'conversion', windowHours: 24 } });
      expect(reweighted.status).toBe(200);
      // Nor can PUT make a transition the lifecycle forbids.
      const backToDraft = await call('put', path, { status: 'draft' });
      expect(backToDraft.status).toBe(400);
      expect(backToDraft.body.error.details.errors[0].path).toEqual(['status']);

      const stopped = await call('post', `${path}/stop`);
      expect(stopped.status).toBe(200);
      expect(stopped.body.data).toMatchObject({ status: 'stopped', startedAt });
      expect(Date.parse(stopped.body.data.stoppedAt)).toBeGreaterThanOrEqual(Date.parse(startedAt));

      for (const route of ['start', 'pause', 'stop']) {
        const response = await call('post', `${path}/${route}`);
        expect(response.status).toBe(409);
        expect(response.body.error.message).toMatch(/stopped experiment is final/);
      }
      expect((await call('post', '/personalize/experiments/nonexistent0000000000000/start')).status).toBe(404);
    });

    it('stops a paused experiment, and refuses to stop a draft', async () => {
      const draft = (await call('post', '/personalize/experiments', valid())).body.data;
      expect((await call('post', `/personalize/experiments/${draft.documentId}/stop`)).status).toBe(409);
      await call('post', `/personalize/experiments/${draft.documentId}/start`);
      await call('post', `/personalize/experiments/${draft.documentId}/pause`);
      const stopped = await call('post', `/personalize/experiments/${draft.documentId}/stop`);
      expect(stopped.body.data.status).toBe('stopped');
    });

    it('refuses to start an experiment whose target lost an arm variant since it was saved', async () => {
      const { documentId } = await createArticle(app.strapi, { title: 'Losing', variants: { variants: [mobileQuickExit] } });
      const created = (
        await call('post', '/personalize/experiments', valid({ target: { uid: ARTICLE_UID, documentId, locale: 'en' }, arms: [
          { key: 'control', weight: 0.5, variants: [] },
          { key: 'offer', weight: 0.5, variants: ['v_quick_exit'] },
        ] }))
      ).body.data;
      // Both the draft and the published version drop the variant.
      await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { variants: { variants: [] } } as never });
      await app.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });
      const start = await call('post', `/personalize/experiments/${created.documentId}/start`);
      expect(start.status).toBe(400);
      expect(start.body.error.details.errors[0].path).toEqual(['arms', 1, 'variants', 0]);
      expect((await call('get', `/personalize/experiments/${created.documentId}`)).body.data.status).toBe('draft');
    });

    it('deletes an experiment', async () => {
      const created = (await call('post', '/personalize/experiments', valid())).body.data;
      const deleted = await call('delete', `/personalize/experiments/${created.documentId}`);
      expect(deleted.status).toBe(200);
      expect(deleted.body.data.key).toBe(created.key);
      expect((await call('get', `/personalize/experiments/${created.documentId}`)).status).toBe(404);
    });
  });

  describe('permissions', () => {
    it('reads with experiments.read only, and manages with experiments.manage only', async () => {
      const created = (await call('post', '/personalize/experiments', valid())).body.data;
      const path = `/personalize/experiments/${created.documentId}`;
      const reader = (await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'experiment reader', ['experiments.read']) })).token;
      const nobody = (await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'audiences only', ['read', 'audiences.manage']) })).token;

      expect((await call('get', path, undefined, reader)).status).toBe(200);
      expect((await call('get', '/personalize/experiments', undefined, reader)).status).toBe(200);
      for (const [method, url, body] of [
        ['post', '/personalize/experiments', valid()],
        ['put', path, { name: 'x' }],
        ['post', `${path}/start`, undefined],
        ['delete', path, undefined],
      ] as const) {
        const response = await call(method, url, body, reader);
        expect(response.status).toBe(403);
        expect(response.body.error).toMatchObject({ status: 403, name: 'PolicyError' });
      }
      expect((await call('get', path, undefined, nobody)).status).toBe(403);
      expect((await call('get', path)).body.data.status).toBe('draft');
    });
  });
});
