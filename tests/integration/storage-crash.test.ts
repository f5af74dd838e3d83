/**
 * A `202` from /events means committed (docs/events.md, "Where state lives"): Strapi on a SQLite
 * file is killed (SIGKILL, by pid) in the middle of a flood of conversion batches, then started
 * again on the same file. Every batch answered 202 is counted, none twice, and re-sending every
 * batch with its own batchId leaves exactly one conversion per visitor and each value counted once.
 *
 * Each visitor's batches carry a `revenue` value that is a power of two (1, 2, 4, …), so the
 * visitor's summed value (`y`, kept with the exposure) says exactly which batches were applied.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import request from 'supertest';

import { createAdminSession } from '../helpers/auth';
import { ARTICLE_UID, createArticle } from '../helpers/content';
import { BROWSER_UA, batchOf, newVisitorId } from '../helpers/events';
import { eventually, giveConsent, resolveFor, trackEvent } from '../helpers/experiments';
import { grantPublic } from '../helpers/permissions';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { startStrapiProcess, type StrapiProcess } from '../helpers/strapi-process';
import { DESKTOP_UA } from '../helpers/user-agents';

const VISITORS = 30;
const BATCHES = 8;
const FULL = 2 ** BATCHES - 1;
const CONCURRENCY = 12;
/** No rate limits: the flood is the point. */
const CONFIG = JSON.stringify({ rateLimit: { anonymous: { points: 0 } }, events: { rateLimit: { perVisitor: 0, perIp: 0 } } });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalize-crash-'));
const file = path.join(dir, 'data.db');
const originalClient = process.env.DATABASE_CLIENT;

interface Batch {
  visitorId: string;
  bit: number;
  body: ReturnType<typeof batchOf>;
}

let setup: TestStrapi | undefined;
let child: StrapiProcess | undefined;

afterAll(async () => {
  await child?.stop();
  await setup?.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
  if (originalClient === undefined) delete process.env.DATABASE_CLIENT;
  else process.env.DATABASE_CLIENT = originalClient;
});

const start = () =>
  startStrapiProcess({ DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file, REDIS_URL: '', PERSONALIZE_CONFIG: CONFIG });

const post = async (url: string, body: object) => {
  const response = await fetch(`${url}/api/personalize/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER_UA },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
};

it('counts every batch answered 202 after a SIGKILL mid-flood, none twice, and a full re-send converges exactly', async () => {
  // 1. The experiment and its exposed visitors, in an in-process Strapi on the file.
  delete process.env.DATABASE_CLIENT;
  setup = await setupStrapi({ databaseFile: file, env: { DATABASE_CLIENT: 'sqlite', REDIS_URL: undefined } });
  const { token } = await createAdminSession(setup.strapi);
  await grantPublic(setup.strapi, [`${ARTICLE_UID}.find`, `${ARTICLE_UID}.findOne`]);
  const { documentId } = await createArticle(setup.strapi, {
    title: 'Published',
    variants: { variants: [{ id: 'v_offer', name: 'Offer', enabled: true, overrides: { title: 'Offer' } }] },
  });
  const key = `crash-${Math.random().toString(36).slice(2, 8)}`;
  const admin = (server: Parameters<typeof request>[0], method: 'get' | 'post', url: string, body?: object) => {
    const call = request(server)[method](url).set('Authorization', `Bearer ${token}`);
    return body ? call.send(body) : call;
  };
  const created = await admin(setup.server, 'post', '/personalize/experiments', {
    key,
    name: 'Crash',
    target: { uid: ARTICLE_UID, documentId },
    arms: [
      { key: 'control', weight: 0.5, variants: [] },
      { key: 'offer', weight: 0.5, variants: ['v_offer'] },
    ],
    traffic: 1,
    goal: { event: 'checkout', kind: 'conversion', windowHours: 24 },
    secondary: [{ event: 'revenue', kind: 'mean', windowHours: 24 }],
  });
  expect(created.status).toBe(201);
  const experimentId = created.body.data.documentId as string;
  expect((await admin(setup.server, 'post', `/personalize/experiments/${experimentId}/start`)).status).toBe(200);
  const ids = Array.from({ length: VISITORS }, () => newVisitorId());
  const arms: Record<string, string> = {};
  for (const visitorId of ids) {
    await giveConsent(setup.server, visitorId);
    arms[visitorId] = (await resolveFor(setup.server, documentId, visitorId, DESKTOP_UA)).body.meta.personalize.experiments[key].arm;
  }
  for (const visitorId of ids) {
    await eventually(async () => {
      const again = await resolveFor(setup!.server, documentId, visitorId, DESKTOP_UA);
      expect(again.body.meta.personalize.experiments[key].reason).toBe('sticky');
    });
  }
  await setup.destroy();
  setup = undefined;

  // 2. The flood, on a Strapi of its own, killed once a third of the batches were acknowledged.
  const batches: Batch[] = [];
  for (let bit = 0; bit < BATCHES; bit += 1) {
    for (const visitorId of ids) {
      batches.push({
        visitorId,
        bit,
        body: batchOf(visitorId, [trackEvent('checkout'), trackEvent('revenue', { value: 2 ** bit })]),
      });
    }
  }
  child = await start();
  const acked = new Map<string, number>();
  const sent = new Map<string, number>();
  let killed = false;
  let next = 0;
  const url = child.url;
  const pid = child.child.pid!;
  const worker = async () => {
    while (!killed && next < batches.length) {
      const batch = batches[next++];
      sent.set(batch.visitorId, (sent.get(batch.visitorId) ?? 0) | (2 ** batch.bit));
      const status = await post(url, batch.body).catch(() => 0);
      if (status === 202 && !killed) acked.set(batch.visitorId, (acked.get(batch.visitorId) ?? 0) | (2 ** batch.bit));
      if (!killed && [...acked.values()].reduce((n, mask) => n + bitCount(mask), 0) >= batches.length / 3) {
        killed = true;
        process.kill(pid, 'SIGKILL');
      }
    }
  };
  const exited = new Promise((resolve) => child!.child.once('exit', resolve));
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  expect(killed).toBe(true);
  await exited;
  const ackedCount = [...acked.values()].reduce((n, mask) => n + bitCount(mask), 0);
  expect(ackedCount).toBeGreaterThanOrEqual(batches.length / 3);
  expect(ackedCount).toBeLessThan(batches.length);

  // 3. Restarted on the same file: every acknowledged batch is there, nothing beyond what was sent.
  child = await start();
  const yOf = async (visitorId: string) => {
    const me = await request(child!.url).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
    expect(me.status).toBe(200);
    const record = me.body.data.exposures[key];
    expect(record.arm).toBe(arms[visitorId]);
    return { revenue: (record.y?.revenue ?? 0) as number, checkout: (record.y?.checkout ?? 0) as number };
  };
  const resultsOf = async () => {
    const response = await admin(child!.url, 'get', `/personalize/experiments/${experimentId}/results`);
    expect(response.status).toBe(200);
    return response.body.data as {
      arms: { key: string; units: number; conversions: number }[];
      goals: { goal: string; arms: { key: string; conversions: number; sum: number }[] }[];
    };
  };
  const perArm = (pick: (visitorId: string) => number) =>
    ['control', 'offer'].map((arm) => ids.filter((visitorId) => arms[visitorId] === arm).reduce((sum, id) => sum + pick(id), 0));
  const afterCrash: Record<string, { revenue: number; checkout: number }> = {};
  for (const visitorId of ids) {
    const y = await yOf(visitorId);
    afterCrash[visitorId] = y;
    const ackedMask = acked.get(visitorId) ?? 0;
    // Every acknowledged batch is counted; nothing that was never sent (a double count shows as a carry).
    expect(y.revenue & ackedMask).toBe(ackedMask);
    expect(y.revenue & ~(sent.get(visitorId) ?? 0)).toBe(0);
    expect(y.checkout).toBe(y.revenue > 0 ? 1 : 0);
  }
  const crashed = await resultsOf();
  expect(crashed.arms.map((arm) => arm.units)).toEqual(perArm(() => 1));
  expect(crashed.arms.map((arm) => arm.conversions)).toEqual(perArm((id) => afterCrash[id].checkout));
  expect(crashed.goals.find((goal) => goal.goal === 'revenue')!.arms.map((arm) => arm.sum)).toEqual(
    perArm((id) => afterCrash[id].revenue)
  );

  // 4. Every batch again, with its own batchId: each applied exactly once, one conversion per visitor.
  let index = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (index < batches.length) {
        const batch = batches[index++];
        expect(await post(child!.url, batch.body)).toBe(202);
      }
    })
  );
  for (const visitorId of ids) expect(await yOf(visitorId)).toEqual({ revenue: FULL, checkout: 1 });
  const final = await resultsOf();
  expect(final.arms.map((arm) => arm.units)).toEqual(perArm(() => 1));
  expect(final.arms.map((arm) => arm.conversions)).toEqual(perArm(() => 1));
  expect(final.goals.find((goal) => goal.goal === 'revenue')!.arms.map((arm) => arm.sum)).toEqual(perArm(() => FULL));
}, 300_000);

const bitCount = (mask: number) => {
  let count = 0;
  for (let rest = mask; rest; rest &= rest - 1) count += 1;
  return count;
};
