/**
 * `POST /personalize/experiments/:documentId/ship` (docs/experiments.md, "Shipping the winner"), over HTTP on the
 * real playground Strapi: the arm's variants become the target entry's served variants (draft saved, published
 * again when it was published), then the experiment stops; the 409s in Strapi's shape when it cannot; the RBAC
 * action and the Content Manager's own permissions on the entry.
 */
import request from 'supertest';

import { createAdminSession, createRole } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { eventually, resolveFor } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { DESKTOP_UA } from '../helpers/user-agents';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';

const EXPERIMENT_UID = 'plugin::personalize.experiment';

type Method = 'get' | 'post' | 'put' | 'delete';

/** Variants of the test entry: one no arm lists, one per treatment arm, and one already disabled. */
const OWN = { id: 'v_own', name: 'Own', enabled: true, condition: { '==': [{ var: 'context.device' }, 'tablet'] }, overrides: { title: 'Own' } };
const OFFER = { id: 'v_offer', name: 'Offer', enabled: true, condition: { '==': [{ var: 'context.device' }, 'desktop'] }, overrides: { title: 'Offer' } };
const BOLD = { id: 'v_bold', name: 'Bold', enabled: true, overrides: { title: 'Bold' } };
const OFF = { id: 'v_off', name: 'Off', enabled: false, overrides: { title: 'Off' } };

const ARMS = [
  { key: 'control', weight: 0.4, variants: [] },
  { key: 'offer', weight: 0.3, variants: ['v_offer'] },
  { key: 'bold', weight: 0.3, variants: ['v_bold'] },
];

describe('shipping an experiment arm (admin)', () => {
  let app: TestStrapi;
  let token: string;

  beforeAll(async () => {
    app = await setupStrapi();
    token = (await createAdminSession(app.strapi)).token;
    await grantPublic(app.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  });

  afterAll(async () => {
    await app?.destroy();
  });

  const call = (method: Method, path: string, body?: object, bearer = token) => {
    const req = request(app.server)[method](path).set('Authorization', `Bearer ${bearer}`);
    return body ? req.send(body) : req;
  };

  const key = (name: string) => `${name}-${Math.random().toString(36).slice(2, 8)}`;

  /** An article with the four variants (published unless told), and an experiment on it, started unless told. */
  const setup = async (options: { publish?: boolean; start?: boolean; target?: boolean } = {}) => {
    const { documentId } = await createArticle(
      app.strapi,
      { title: 'Published title', variants: { variants: [OWN, OFFER, OFF, BOLD] } },
      { publish: options.publish }
    );
    const created = await call('post', '/personalize/experiments', {
      key: key('ship'),
      name: 'Ship test',
      ...(options.target === false ? {} : { target: { uid: ARTICLE_UID, documentId, locale: 'en' } }),
      arms: options.target === false ? ARMS.map(({ key: armKey, weight }) => ({ key: armKey, weight })) : ARMS,
      goal: { event: 'signup', kind: 'conversion' },
    });
    expect(created.status).toBe(201);
    const experimentId = created.body.data.documentId as string;
    if (options.start !== false) expect((await call('post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
    return { documentId, experimentId, path: `/personalize/experiments/${experimentId}/ship` };
  };

  const variantsOf = async (documentId: string, status: 'draft' | 'published') => {
    const entry = (await app.strapi.documents(ARTICLE_UID).findOne({ documentId, locale: 'en', status } as never)) as {
      variants?: { variants: { id: string; enabled: boolean; name: string; overrides: unknown }[] };
    } | null;
    return entry?.variants?.variants.map((variant) => `${variant.id}${variant.enabled ? '' : ' (off)'}`) ?? null;
  };

  const statusOf = async (experimentId: string) =>
    ((await app.strapi.documents(EXPERIMENT_UID as never).findOne({ documentId: experimentId } as never)) as unknown as { status: string }).status;

  it("ships a treatment: its variants first, the other arms' disabled, the entry's own kept; published again; the experiment stops", async () => {
    const { documentId, experimentId, path } = await setup();
    // Before: a desktop visitor not in the experiment gets the offer (first enabled match).
    const before = await resolveFor(app.server, documentId, undefined, DESKTOP_UA);
    expect(before.body.meta.personalize.variant).toBe('v_offer');

    const response = await call('post', path, { arm: 'bold' });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({
      arm: 'bold',
      experiment: { documentId: experimentId, status: 'stopped' },
      entry: {
        uid: ARTICLE_UID,
        documentId,
        locale: 'en',
        published: true,
        changed: true,
        variants: [
          { id: 'v_bold', enabled: true },
          { id: 'v_own', enabled: true },
          { id: 'v_offer', enabled: false },
          { id: 'v_off', enabled: false },
        ],
      },
      first: ['v_bold'],
      disabled: ['v_offer'],
      keptDisabled: [],
      missing: [],
    });
    expect(response.body.data.experiment.stoppedAt).toEqual(expect.any(String));
    expect(await statusOf(experimentId)).toBe('stopped');
    const expected = ['v_bold', 'v_own', 'v_offer (off)', 'v_off (off)'];
    expect(await variantsOf(documentId, 'draft')).toEqual(expected);
    expect(await variantsOf(documentId, 'published')).toEqual(expected);
    // Variants are carried over whole.
    const published = (await app.strapi.documents(ARTICLE_UID).findOne({ documentId, locale: 'en', status: 'published' } as never)) as unknown as {
      variants: { variants: object[] };
    };
    expect(published.variants.variants[0]).toEqual(BOLD);
    // Served: the bold variant now comes first for everyone (the caches were invalidated by the save).
    await eventually(async () => {
      const after = await resolveFor(app.server, documentId, undefined, DESKTOP_UA);
      expect(after.body.meta.personalize.variant).toBe('v_bold');
      expect(after.body.data.title).toBe('Bold');
    });

    // Stopped is final: a second ship is a 409 that says why.
    const again = await call('post', path, { arm: 'bold' });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      data: null,
      error: { status: 409, name: 'ConflictError', message: expect.stringContaining('stopped'), details: { reason: 'stopped', status: 'stopped' } },
    });
  });

  it("ships the control: every treatment's variants disabled, the entry's own and the order kept", async () => {
    const { documentId, experimentId, path } = await setup();
    const response = await call('post', path, { arm: 'control' });
    expect(response.status).toBe(200);
    expect(response.body.data).toMatchObject({ first: [], disabled: ['v_offer', 'v_bold'], entry: { published: true, changed: true } });
    expect(await variantsOf(documentId, 'published')).toEqual(['v_own', 'v_offer (off)', 'v_off (off)', 'v_bold (off)']);
    expect(await statusOf(experimentId)).toBe('stopped');
    const served = await resolveFor(app.server, documentId, undefined, DESKTOP_UA);
    expect(served.body.meta.personalize.variant).toBeNull();
  });

  it('ships a paused experiment; an entry never published gets the change in its draft only', async () => {
    const { documentId, experimentId, path } = await setup({ publish: false });
    expect((await call('post', `/personalize/experiments/${experimentId}/pause`)).status).toBe(200);
    const response = await call('post', path, { arm: 'offer' });
    expect(response.status).toBe(200);
    expect(response.body.data.entry).toMatchObject({ published: false, changed: true });
    expect(await variantsOf(documentId, 'draft')).toEqual(['v_offer', 'v_own', 'v_off (off)', 'v_bold (off)']);
    expect(await variantsOf(documentId, 'published')).toBeNull();
    expect(await statusOf(experimentId)).toBe('stopped');
  });

  it('refuses (409) an entry with unpublished changes, and changes nothing', async () => {
    const { documentId, experimentId, path } = await setup();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await app.strapi.documents(ARTICLE_UID).update({ documentId, locale: 'en', data: { title: 'A draft title, not published' } } as never);
    const response = await call('post', path, { arm: 'bold' });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ status: 409, name: 'ConflictError', details: { reason: 'entry-modified' } });
    expect(response.body.error.message).toMatch(/unpublished changes/);
    expect(await statusOf(experimentId)).toBe('running');
    expect(await variantsOf(documentId, 'draft')).toEqual(['v_own', 'v_offer', 'v_off (off)', 'v_bold']);
    expect(await variantsOf(documentId, 'published')).toEqual(['v_own', 'v_offer', 'v_off (off)', 'v_bold']);
  });

  it('refuses (409) a site-wide experiment and one not started; 400 for an arm it does not have or a bad body', async () => {
    const siteWide = await setup({ target: false });
    const refused = await call('post', siteWide.path, { arm: 'bold' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ status: 409, name: 'ConflictError', details: { reason: 'site-wide' } });
    expect(refused.body.error.message).toMatch(/site-wide/);
    expect(await statusOf(siteWide.experimentId)).toBe('running');

    const draft = await setup({ start: false });
    const notStarted = await call('post', draft.path, { arm: 'bold' });
    expect(notStarted.status).toBe(409);
    expect(notStarted.body.error.details).toEqual({ reason: 'not-started', status: 'draft' });

    const running = await setup();
    const unknown = await call('post', running.path, { arm: 'nope' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ name: 'ValidationError', details: { errors: [expect.objectContaining({ path: ['arm'] })] } });
    for (const body of [{}, { arm: 'Not A Key' }, { arm: 'bold', extra: 1 }]) {
      const bad = await call('post', running.path, body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.name).toBe('ValidationError');
    }
    expect(await statusOf(running.experimentId)).toBe('running');
    expect((await call('post', '/personalize/experiments/nonexistentdocumentid0/ship', { arm: 'bold' })).status).toBe(404);
  });

  it("needs experiments.manage, and the Content Manager's update and publish permissions on the entry", async () => {
    const { documentId, experimentId, path } = await setup();
    const reader = (await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'ship reader', [{ action: 'plugin::personalize.experiments.read' }]) }))
      .token;
    const forbidden = await call('post', path, { arm: 'bold' }, reader);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toMatchObject({ status: 403, name: 'PolicyError' });

    const articleRead = { action: 'plugin::content-manager.explorer.read', subject: ARTICLE_UID, properties: { locales: ['en'] } };
    const articleUpdate = { action: 'plugin::content-manager.explorer.update', subject: ARTICLE_UID, properties: { locales: ['en'] } };
    const articlePublish = { action: 'plugin::content-manager.explorer.publish', subject: ARTICLE_UID, properties: { locales: ['en'] } };
    const manage = { action: 'plugin::personalize.experiments.manage' };
    const noUpdate = (await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'ship no update', [manage, articleRead]) })).token;
    const noPublish = (await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'ship no publish', [manage, articleRead, articleUpdate]) }))
      .token;
    for (const [bearer, message] of [
      [noUpdate, /update permission/],
      [noPublish, /publish/],
    ] as const) {
      const response = await call('post', path, { arm: 'bold' }, bearer);
      expect(response.status).toBe(403);
      expect(response.body.error).toMatchObject({ status: 403, name: 'PolicyError', message: expect.stringMatching(message) });
    }
    expect(await statusOf(experimentId)).toBe('running');
    expect(await variantsOf(documentId, 'published')).toEqual(['v_own', 'v_offer', 'v_off (off)', 'v_bold']);

    const editor = await createAdminSession(app.strapi, { roleId: await createRole(app.strapi, 'ship editor', [manage, articleRead, articleUpdate, articlePublish]) });
    const shipped = await call('post', path, { arm: 'bold' }, editor.token);
    expect(shipped.status).toBe(200);
    expect(await variantsOf(documentId, 'published')).toEqual(['v_bold', 'v_own', 'v_offer (off)', 'v_off (off)']);
    // Saved as that admin, as the Content Manager would.
    const draft = (await app.strapi.documents(ARTICLE_UID).findOne({ documentId, locale: 'en', status: 'draft', populate: ['updatedBy'] } as never)) as unknown as {
      updatedBy: { email: string } | null;
    };
    expect(draft.updatedBy?.email).toBe(editor.email);
  });
});
