import { randomUUID } from 'node:crypto';

import Redis from 'ioredis';
import request from 'supertest';

import { ARTICLE_UID, createArticle, mobileQuickExit } from '../helpers/content';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { MOBILE_UA } from '../helpers/user-agents';

/**
 * The instance bus across failovers (docs/design.md, "Storage"): pub/sub is at most once, so every
 * message also counts up a generation key that each instance polls. An instance that finds a
 * generation it never heard (a message lost), or a generation gone back (writes lost in a failover),
 * drops what it holds in process; one that heard every message keeps it.
 */

const prefix = `pz-test-${randomUUID().slice(0, 8)}:`;
const redis = new Redis(6379, '127.0.0.1', { lazyConnect: true });
const generationKey = `${prefix}bus:gen`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const waitFor = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(50);
  }
};

let app: TestStrapi;
let documentId: string;

beforeAll(async () => {
  await redis.connect();
  app = await setupStrapi({ env: { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix } });
  await grantPublic(app.strapi, [`${ARTICLE_UID}.findOne`]);
  const redisService = app.strapi.plugin('personalize').service('redis');
  await waitFor(() => redisService.isReady(), 10_000);
  ({ documentId } = await createArticle(app.strapi, { title: 'Bus', variants: { variants: [mobileQuickExit] } }));
}, 120_000);

afterAll(async () => {
  await app?.destroy();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await Promise.all(keys.map((key) => redis.del(key)));
  await redis.quit();
});

/** Responses held in this instance's L1. */
const held = () => app.strapi.plugin('personalize').service('cache').stats().responses.size as number;

const warm = async () => {
  const response = await request(app.server)
    .post('/api/personalize/resolve')
    .set('User-Agent', MOBILE_UA)
    .send({ uid: ARTICLE_UID, documentId });
  expect(response.status).toBe(200);
  expect(held()).toBeGreaterThan(0);
  // Past one poll: the instance has read the generation as it is now.
  await sleep(1500);
};

describe('the bus: pub/sub plus a polled generation', () => {
  it('keeps what it holds when every message of another instance arrives', async () => {
    await warm();
    for (let i = 0; i < 3; i += 1) {
      const generation = await redis.incr(generationKey);
      await redis.publish(`${prefix}events`, JSON.stringify({ type: 'audiences', origin: 'another-instance', generation }));
    }
    await sleep(3000);
    expect(held()).toBeGreaterThan(0);
  });

  it('drops what it holds when a message never arrived', async () => {
    await warm();
    // Another instance sent a purge the subscription never delivered: only the generation moved.
    await redis.incr(generationKey);
    await waitFor(() => held() === 0, 5000);
  });

  it('drops what it holds when the generation went back (writes lost in a failover)', async () => {
    await warm();
    await redis.set(generationKey, '0');
    await waitFor(() => held() === 0, 5000);
  });

  it("counts its own messages up and hears them, so they never look missed", async () => {
    await warm();
    const before = Number(await redis.get(generationKey));
    await app.strapi.plugin('personalize').service('cache').announceAudiencesChanged();
    expect(Number(await redis.get(generationKey))).toBe(before + 1);
    await sleep(3000);
    expect(held()).toBeGreaterThan(0);
  });
});
