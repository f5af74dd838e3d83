import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import Redis from 'ioredis';
import request from 'supertest';

import { visitorKeys } from '../../server/src/storage/redis-store';
import type { VisitorsService } from '../../server/src/visitors/service';
import { batchOf, BROWSER_UA, pageEvent, newVisitorId } from '../helpers/events';
import { setupStrapi, type TestStrapi } from '../helpers/strapi';
import { freePort } from '../helpers/strapi-process';

/**
 * `redis.durability: 'replica'` (docs/events.md, "Where state lives"): an events batch is answered
 * 202 only once a replica has it (WAIT 1 on a connection of its own); while no replica answers, 503
 * with Retry-After, and the retry counts once. A primary and its replica of our own (never the
 * shared Redis), the replica paused with SIGSTOP.
 */

const prefix = 'pz-durable:';
const servers: { process: ChildProcess; dir: string }[] = [];
let primaryPort: number;
let replicaPort: number;
let replica: Redis;
let app: TestStrapi;

const startServer = async (port: number, extra: string[] = []) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pz-durable-${port}-`));
  const child = spawn(
    process.env.REDIS_SERVER ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra],
    { stdio: 'ignore' }
  );
  servers.push({ process: child, dir });
  for (let attempt = 0; ; attempt += 1) {
    const probe = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await probe.connect();
      return probe;
    } catch {
      probe.disconnect();
      if (attempt > 50) throw new Error(`redis-server on ${port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
};

beforeAll(async () => {
  primaryPort = await freePort();
  replicaPort = await freePort();
  (await startServer(primaryPort)).disconnect();
  replica = await startServer(replicaPort, ['--replicaof', '127.0.0.1', String(primaryPort)]);
  for (let attempt = 0; !(await replica.info('replication')).includes('master_link_status:up'); attempt += 1) {
    if (attempt > 100) throw new Error('the replica did not sync');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  app = await setupStrapi({
    env: {
      REDIS_URL: `redis://127.0.0.1:${primaryPort}`,
      REDIS_KEY_PREFIX: prefix,
      PERSONALIZE_CONFIG: JSON.stringify({ redis: { url: `redis://127.0.0.1:${primaryPort}`, keyPrefix: prefix, durability: 'replica' } }),
    },
  });
}, 120_000);

afterAll(async () => {
  await app?.destroy();
  replica?.disconnect();
  for (const server of servers) {
    server.process.kill('SIGCONT');
    server.process.kill('SIGKILL');
    fs.rmSync(server.dir, { recursive: true, force: true });
  }
});

const hashOf = (visitorId: string) => (app.strapi.plugin('personalize').service('visitors') as VisitorsService).hash(visitorId);
const send = (batch: object) => request(app.server).post('/api/personalize/events').set('User-Agent', BROWSER_UA).send(batch);

describe("redis.durability: 'replica'", () => {
  it('answers 202 only once the replica has the batch', async () => {
    for (let i = 0; i < 5; i += 1) {
      const visitorId = newVisitorId();
      const response = await send(batchOf(visitorId, [pageEvent(['shoes'])]));
      expect(response.status).toBe(202);
      // Read on the replica right after the answer: already there.
      expect(await replica.get(visitorKeys(prefix, hashOf(visitorId)).profile)).toContain('shoes');
    }
  });

  it('answers 503 with Retry-After while no replica answers, and the retry counts once', async () => {
    const visitorId = newVisitorId();
    const batch = batchOf(visitorId, [pageEvent(['hats'])]);
    const replicaProcess = servers[1].process;
    replicaProcess.kill('SIGSTOP');
    try {
      const refused = await send(batch);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBeDefined();
    } finally {
      replicaProcess.kill('SIGCONT');
    }
    // The SDK's retry, once the replica is back: applied once (the primary had it: a duplicate).
    let retried = await send(batch);
    for (let attempt = 0; retried.status === 503 && attempt < 20; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      retried = await send(batch);
    }
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ accepted: 1 });
    const me = await request(app.server).get('/api/personalize/me').set('x-personalize-visitor', visitorId);
    expect(me.body.data.events).toHaveLength(1);
    expect(await replica.get(visitorKeys(prefix, hashOf(visitorId)).profile)).toContain('hats');
  });
});
