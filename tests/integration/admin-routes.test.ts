import type { Core } from '@strapi/strapi';
import request from 'supertest';

import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

type Method = 'get' | 'post' | 'put' | 'delete';

/** Every admin route of the plugin, with the RBAC action it needs. */
const ROUTES: { method: Method; path: string; action: string; body?: object }[] = [
  { method: 'get', path: '/personalize/audiences', action: 'read' },
  { method: 'get', path: '/personalize/audiences/some-id', action: 'read' },
  { method: 'get', path: '/personalize/usage', action: 'read' },
  { method: 'get', path: '/personalize/signals', action: 'read' },
  { method: 'post', path: '/personalize/evaluate', action: 'read', body: { condition: true } },
  { method: 'post', path: '/personalize/audiences', action: 'audiences.manage', body: {} },
  { method: 'put', path: '/personalize/audiences/some-id', action: 'audiences.manage', body: {} },
  { method: 'delete', path: '/personalize/audiences/some-id', action: 'audiences.manage' },
  { method: 'get', path: '/personalize/experiments', action: 'experiments.read' },
  { method: 'get', path: '/personalize/experiments/some-id', action: 'experiments.read' },
  { method: 'post', path: '/personalize/experiments', action: 'experiments.manage', body: {} },
  { method: 'put', path: '/personalize/experiments/some-id', action: 'experiments.manage', body: {} },
  { method: 'delete', path: '/personalize/experiments/some-id', action: 'experiments.manage' },
  { method: 'post', path: '/personalize/experiments/some-id/start', action: 'experiments.manage' },
  { method: 'post', path: '/personalize/experiments/some-id/pause', action: 'experiments.manage' },
  { method: 'post', path: '/personalize/experiments/some-id/stop', action: 'experiments.manage' },
  { method: 'get', path: '/personalize/settings', action: 'settings' },
  { method: 'post', path: '/personalize/cache/purge', action: 'settings' },
];

const ACTIONS = ['read', 'audiences.manage', 'experiments.read', 'experiments.manage', 'settings'];

const createRole = async (strapi: Core.Strapi, name: string, actions: string[]): Promise<number> => {
  const role = await strapi.service('admin::role').create({ name, description: `test role: ${actions.join(', ') || 'nothing'}` });
  await strapi.service('admin::role').assignPermissions(
    role.id,
    [
      ...actions.map((action) => ({ action: `plugin::personalize.${action}`, subject: null })),
      // Editors who test entries read them in the Content Manager; the live test answers as it
      // does, so the role names its locales (without them, i18n grants none).
      { action: 'plugin::content-manager.explorer.read', subject: ARTICLE_UID, properties: { locales: ['en'] } },
    ]
  );
  return role.id;
};

describe('admin routes', () => {
  let app: TestStrapi;
  let superToken: string;
  /** A token per role that has every plugin action but one. */
  const tokenWithout: Record<string, string> = {};
  let readOnlyToken: string;

  beforeAll(async () => {
    app = await setupStrapi();
    superToken = (await createAdminSession(app.strapi)).token;
    for (const missing of ACTIONS) {
      const roleId = await createRole(app.strapi, `without ${missing}`, ACTIONS.filter((action) => action !== missing));
      tokenWithout[missing] = (await createAdminSession(app.strapi, { roleId })).token;
    }
    readOnlyToken = tokenWithout['audiences.manage'];
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const call = (method: Method, path: string, token?: string, body?: object) => {
    let req = request(app.server)[method](path);
    if (token) req = req.set('Authorization', `Bearer ${token}`);
    return body ? req.send(body) : req;
  };

  describe('permissions', () => {
    it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route]))(
      '%s is 401 without an admin session',
      async (_, route) => {
        const response = await call(route.method, route.path, undefined, route.body);
        expect(response.status).toBe(401);
        expect(response.body.error).toMatchObject({ status: 401 });
      }
    );

    it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route]))(
      '%s is 403 for a role without its action',
      async (_, route) => {
        const response = await call(route.method, route.path, tokenWithout[route.action], route.body);
        expect(response.status).toBe(403);
        expect(response.body.error).toMatchObject({ status: 403, name: 'PolicyError' });
      }
    );

    it.each(ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route]))(
      '%s passes the permission check for a role with its action',
      async (_, route) => {
        const other = ACTIONS.find((action) => action !== route.action)!;
        const response = await call(route.method, route.path, tokenWithout[other], route.body);
        expect([401, 403]).not.toContain(response.status);
      }
    );
  });

  describe('POST /personalize/evaluate', () => {
    const evaluate = (body: object, token = readOnlyToken) => call('post', '/personalize/evaluate', token, body);

    it('explains a condition against sample signals', async () => {
      const response = await evaluate({
        condition: mobileQuickExit.condition,
        signals: { context: { device: 'mobile' }, behavior: { dwellSec: 4 } },
      });
      expect(response.status).toBe(200);
      expect(response.body.data).toMatchObject({ matched: true, result: true });
      expect(response.body.data.explain).toMatchObject({ op: 'and', truthy: true });
      expect(response.body.data.reason).toEqual([
        expect.objectContaining({ rule: '==', signals: { 'context.device': 'mobile' } }),
        expect.objectContaining({ rule: '<', signals: { 'behavior.dwellSec': 4 } }),
      ]);

      const desktop = await evaluate({ condition: mobileQuickExit.condition, signals: { context: { device: 'desktop' } } });
      expect(desktop.body.data).toMatchObject({ matched: false, result: false, reason: [] });
    });

    it('fills the time signals the sample leaves out from now, and keeps the ones it gives', async () => {
      const hourInTokyo = Number(
        new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Tokyo', hour: 'numeric', hourCycle: 'h23' }).format(new Date())
      );
      const filled = await evaluate({
        condition: { '==': [{ var: 'time.hour' }, hourInTokyo] },
        signals: { context: { timezone: 'Asia/Tokyo' } },
      });
      expect(filled.body.data.matched).toBe(true);
      const given = await evaluate({ condition: { '==': [{ var: 'time.hour' }, 3] }, signals: { time: { hour: 3 } } });
      expect(given.body.data.matched).toBe(true);
    });

    it('refuses a condition that does not compile, with the path of the bad node', async () => {
      const response = await evaluate({ condition: { and: [{ '==': [1, 1] }, { nope: [1] }] } });
      expect(response.status).toBe(400);
      expect(response.body.error.name).toBe('ValidationError');
      expect(response.body.error.details.errors[0].path).toEqual(['condition', 'and', 1]);
      expect(response.body.error.message).toMatch(/Unknown operator "nope"/);
    });

    it('refuses bad signals and unknown keys with zod paths', async () => {
      const badSignals = await evaluate({ condition: true, signals: { behavior: { scrollDepth: 400 } } });
      expect(badSignals.status).toBe(400);
      expect(badSignals.body.error.details.errors[0].path).toEqual(['signals', 'behavior', 'scrollDepth']);

      const unknownKey = await evaluate({ condition: true, extra: 1 });
      expect(unknownKey.status).toBe(400);

      const nothing = await evaluate({ signals: {} });
      expect(nothing.status).toBe(400);
      expect(nothing.body.error.details.errors[0].path).toEqual(['condition']);
    });

    it("tests an entry's current draft variants, not the published ones", async () => {
      const { documentId } = await createArticle(app.strapi, { title: 'Published title', cta: 'Go' });
      // A draft edit with a variant that is not published yet.
      await app.strapi.documents(ARTICLE_UID).update({
        documentId,
        locale: 'en',
        data: { variants: { variants: [mobileQuickExit] } } as never,
      });

      const response = await evaluate({
        uid: ARTICLE_UID,
        documentId,
        locale: 'en',
        signals: { context: { device: 'mobile' }, behavior: { dwellSec: 3 } },
      });
      expect(response.status).toBe(200);
      expect(response.body.data.variant).toBe('v_quick_exit');
      expect(response.body.data.variants).toEqual([
        expect.objectContaining({ id: 'v_quick_exit', enabled: true, matched: true }),
      ]);
      expect(response.body.data.entry).toMatchObject({ documentId, title: 'Still deciding? Here is 10% off', cta: 'Get my discount' });
      expect(response.body.data.entry).not.toHaveProperty('variants');
      expect(response.body.data.previewUrl).toBeNull();
    });

    it('tests variants sent inline (unsaved), reporting every variant and the first match as winner', async () => {
      const { documentId } = await createArticle(app.strapi, { title: 'Inline', variants: { variants: [mobileQuickExit] } });
      const variants = [
        { id: 'v_off', name: 'Disabled', enabled: false, overrides: { cta: 'never' } },
        { id: 'v_desktop', name: 'Desktop', condition: { '==': [{ var: 'context.device' }, 'desktop'] }, overrides: {} },
        { id: 'v_always', name: 'Everyone else', overrides: { cta: 'Hello' } },
      ];
      const response = await evaluate({ uid: ARTICLE_UID, documentId, variants, signals: { context: { device: 'mobile' } } });
      expect(response.status).toBe(200);
      expect(response.body.data.variant).toBe('v_always');
      expect(response.body.data.variants.map((v: { id: string; matched: boolean | null }) => [v.id, v.matched])).toEqual([
        ['v_off', null],
        ['v_desktop', false],
        ['v_always', true],
      ]);
      expect(response.body.data.variants[1].explain).toMatchObject({ op: '==', truthy: false });
      expect(response.body.data.entry.cta).toBe('Hello');
    });

    it('refuses inline variants a save would refuse, with the path inside the body', async () => {
      const response = await evaluate({
        uid: ARTICLE_UID,
        variants: [{ ...mobileQuickExit, overrides: { discountPercent: 'ten' } }],
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details.errors[0].path).toEqual(['variants', 0, 'overrides', 'discountPercent']);
    });

    it('forces a variant for the preview and fills the configured preview URL', async () => {
      const { documentId } = await createArticle(app.strapi, { title: 'Preview me', variants: { variants: [mobileQuickExit] } });
      const settings = app.strapi.plugin('personalize').service('settings').get();
      settings.previewUrl = 'https://site.example/{locale}/articles/{documentId}';
      try {
        const response = await evaluate({ uid: ARTICLE_UID, documentId, locale: 'en', variant: 'v_quick_exit' });
        expect(response.status).toBe(200);
        expect(response.body.data).toMatchObject({ variant: 'v_quick_exit', forced: true });
        expect(response.body.data.entry.title).toBe('Still deciding? Here is 10% off');
        expect(response.body.data.previewUrl).toBe(
          `https://site.example/en/articles/${documentId}?personalize%5Bvariant%5D=v_quick_exit`
        );
      } finally {
        delete settings.previewUrl;
      }
      const unknown = await evaluate({ uid: ARTICLE_UID, documentId, locale: 'en', variant: 'v_nope' });
      expect(unknown.status).toBe(404);
    });

    it('is 404 for an unknown entry and 403 without read access to the content type', async () => {
      const missing = await evaluate({ uid: ARTICLE_UID, documentId: 'doesnotexist000000000000' });
      expect(missing.status).toBe(404);
      const notPersonalized = await evaluate({ uid: 'api::author.author', documentId: 'x' });
      expect(notPersonalized.status).toBe(404);

      const role = await app.strapi.service('admin::role').create({ name: 'personalize only', description: 'no CM access' });
      await app.strapi.service('admin::role').assignPermissions(role.id, [{ action: 'plugin::personalize.read', subject: null }]);
      const { token } = await createAdminSession(app.strapi, { roleId: role.id });
      const { documentId } = await createArticle(app.strapi, { title: 'Secret' });
      const forbidden = await evaluate({ uid: ARTICLE_UID, documentId }, token);
      expect(forbidden.status).toBe(403);
      // Conditions alone need no content access.
      expect((await evaluate({ condition: true }, token)).status).toBe(200);
    });
  });

  describe('signals a condition reads', () => {
    it('refuses an audience or a tested condition that reads an unknown signal, suggesting the closest', async () => {
      const audience = await call('post', '/personalize/audiences', superToken, {
        name: 'Typo',
        key: 'typo',
        condition: { '<': [{ var: 'behavior.dwelSec' }, 10] },
      });
      expect(audience.status).toBe(400);
      expect(audience.body.error.message).toMatch(/did you mean "behavior\.dwellSec"/);
      expect(audience.body.error.details.errors[0].path).toEqual(['condition', '<', 0, 'var']);

      const tested = await call('post', '/personalize/evaluate', superToken, { condition: { '==': [{ var: 'context.devise' }, 'mobile'] } });
      expect(tested.status).toBe(400);
      expect(tested.body.error.details.errors[0]).toMatchObject({ path: ['condition', '==', 0, 'var'] });
      expect(tested.body.error.message).toMatch(/did you mean "context\.device"/);
    });

    it('serves the vocabulary to the admin on its own route, under the admin’s auth', async () => {
      const response = await call('get', '/personalize/signals', readOnlyToken);
      expect(response.status).toBe(200);
      expect(response.body.data.signals.map((signal: { path: string }) => signal.path)).toContain('behavior.dwellSec');
      expect((await request(app.server).get('/personalize/signals')).status).toBe(401);
    });
  });

  describe('the Users & Permissions page', () => {
    it('does not list the public routes, which read no role permission; API tokens can still be granted invalidate', async () => {
      const permissions = await call('get', '/users-permissions/permissions', superToken);
      expect(permissions.status).toBe(200);
      expect(Object.keys(permissions.body.permissions)).toContain('api::article');
      expect(permissions.body.permissions).not.toHaveProperty(['plugin::personalize']);

      const roles = await call('get', '/users-permissions/roles', superToken);
      const publicRole = roles.body.roles.find((role: { type: string }) => role.type === 'public');
      const role = await call('get', `/users-permissions/roles/${publicRole.id}`, superToken);
      expect(role.status).toBe(200);
      expect(role.body.role.permissions).not.toHaveProperty(['plugin::personalize']);

      const tokenActions = await call('get', '/admin/content-api/permissions', superToken);
      expect(tokenActions.status).toBe(200);
      expect(tokenActions.body.data['plugin::personalize'].controllers.invalidate).toEqual(['invalidate']);
    });
  });

  describe('audience usage and deletion', () => {
    it('lists where an audience is used and refuses to delete it while it is', async () => {
      const created = await call('post', '/personalize/audiences', superToken, {
        name: 'Night owls',
        key: 'night-owls',
        condition: { '>=': [{ var: 'time.hour' }, 22] },
      });
      expect(created.status).toBe(201);
      const audienceId = created.body.data.documentId;
      const parent = await call('post', '/personalize/audiences', superToken, {
        name: 'Night owls on mobile',
        key: 'night-owls-mobile',
        condition: { and: [{ audience: 'night-owls' }, { '==': [{ var: 'context.device' }, 'mobile'] }] },
      });
      expect(parent.status).toBe(201);

      const { documentId } = await createArticle(app.strapi, {
        title: 'Late reading',
        variants: { variants: [{ id: 'v_night', name: 'Night', condition: { audience: 'night-owls' }, overrides: {} }] },
      });

      const usage = await call('get', '/personalize/usage', readOnlyToken);
      expect(usage.status).toBe(200);
      const uses = usage.body.data.entries['night-owls'];
      expect(uses).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ uid: ARTICLE_UID, documentId, status: 'draft', locale: 'en', title: 'Late reading', variantId: 'v_night' }),
          expect.objectContaining({ uid: ARTICLE_UID, documentId, status: 'published', variantId: 'v_night' }),
        ])
      );
      expect(usage.body.data.audiences['night-owls']).toEqual(['night-owls-mobile']);

      const refused = await call('delete', `/personalize/audiences/${audienceId}`, superToken);
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ data: null, error: { status: 409, name: 'ConflictError' } });
      expect(refused.body.error.message).toMatch(/Late reading/);
      expect(refused.body.error.details.entries).toHaveLength(2);
      expect(refused.body.error.details.audiences).toEqual(['night-owls-mobile']);
      expect((await call('get', `/personalize/audiences/${audienceId}`, superToken)).status).toBe(200);

      // Once nothing names it, it can go.
      await call('delete', `/personalize/audiences/${parent.body.data.documentId}`, superToken).expect(200);
      await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { variants: { variants: [] } } as never });
      await app.strapi.documents(ARTICLE_UID).publish({ documentId, locale: 'en' });
      const deleted = await call('delete', `/personalize/audiences/${audienceId}`, superToken);
      expect(deleted.status).toBe(200);
      expect((await call('get', `/personalize/audiences/${audienceId}`, superToken)).status).toBe(404);
    });
  });

  describe('settings', () => {
    it('shows the active configuration with secrets masked, and cache statistics', async () => {
      const settings = app.strapi.plugin('personalize').service('settings').get();
      const original = { ...settings };
      Object.assign(settings, {
        redis: { url: 'redis://user:s3cret-pass@redis.internal:6379/0', keyPrefix: 'pz:' },
        webhookSecret: 'a-very-secret-webhook-key',
      });
      try {
        const response = await call('get', '/personalize/settings', tokenWithout.read);
        expect(response.status).toBe(200);
        const text = JSON.stringify(response.body);
        expect(text).not.toContain('s3cret-pass');
        expect(text).not.toContain('a-very-secret-webhook-key');
        expect(response.body.data.config.redis.url).toBe('redis://********:********@redis.internal:6379/0');
        expect(response.body.data.config.webhookSecret).toBe('********');
        expect(response.body.data.config.limits).toMatchObject({ conditionDepth: 32 });
        expect(response.body.data.config).toHaveProperty('previewUrl', null);
        expect(response.body.data.conditions).toHaveProperty('compiledConditions');
        expect(response.body.data.cache).toHaveProperty('store');
      } finally {
        Object.assign(settings, original);
      }
    });

    it('masks a Redis password passed as a query parameter, and secrets in the preview URL', async () => {
      const settings = app.strapi.plugin('personalize').service('settings').get();
      const original = { ...settings };
      Object.assign(settings, {
        redis: { url: 'redis://redis.internal:6379/0?password=q-s3cret-pass&db=0', keyPrefix: 'pz:' },
        previewUrl: 'https://site.example/api/preview?secret=p-s3cret-preview&slug={documentId}',
      });
      try {
        const response = await call('get', '/personalize/settings', tokenWithout.read);
        expect(response.status).toBe(200);
        const text = JSON.stringify(response.body);
        expect(text).not.toContain('q-s3cret-pass');
        expect(text).not.toContain('p-s3cret-preview');
        expect(response.body.data.config.redis.url).toBe('redis://redis.internal:6379/0?password=********&db=0');
        expect(response.body.data.config.previewUrl).toBe('https://site.example/api/preview?secret=********&slug={documentId}');
      } finally {
        Object.assign(settings, original);
      }
    });

    it('purges every cache layer', async () => {
      const purges = async () => (await call('get', '/personalize/settings', superToken)).body.data.cache.purges as number;
      const cache = app.strapi.plugin('personalize').service('cache');
      await cache.responses().set('probe-response', { etag: '"x"', data: '{}' }, ['doc:probe']);
      await cache.programs().set('probe-program', { variants: [] }, ['doc:probe']);
      const before = await purges();
      const response = await call('post', '/personalize/cache/purge', tokenWithout.read);
      expect(response.status).toBe(200);
      expect(response.body.data.purged).toBe(true);
      expect(await purges()).toBe(before + 1);
      expect(cache.responses().peek('probe-response')).toBeUndefined();
      expect(cache.programs().peek('probe-program')).toBeUndefined();
    });
  });
});
