import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Core } from '@strapi/strapi';
import { createStrapi } from '@strapi/strapi';

export const PLAYGROUND_DIR = path.resolve(__dirname, '../../playground');

export interface TestStrapi {
  strapi: Core.Strapi;
  /** The HTTP server supertest talks to. */
  server: Core.Strapi['server']['httpServer'];
  /** Temporary directory holding this instance's SQLite file. */
  tmpDir: string;
  destroy(): Promise<void>;
}

export interface SetupOptions {
  /** Extra environment for the playground's config (e.g. REDIS_URL). */
  env?: Record<string, string | undefined>;
  /** Reuse a database file (two instances on one database). */
  databaseFile?: string;
}

/**
 * Boots the real playground Strapi with the plugin loaded from this repository, on a fresh SQLite
 * file, as Strapi's own api tests do: `createStrapi(...).load()`, then `server.mount()`.
 */
export const setupStrapi = async (options: SetupOptions = {}): Promise<TestStrapi> => {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'personalize-test-'));
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    DATABASE_CLIENT: process.env.DATABASE_CLIENT ?? 'sqlite',
    DATABASE_FILENAME: options.databaseFile ?? path.join(tmpDir, 'data.db'),
    PLAYGROUND_SEED: 'false',
    SERVE_ADMIN: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...options.env,
  };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }

  const strapi = await createStrapi({ appDir: PLAYGROUND_DIR, distDir: PLAYGROUND_DIR }).load();
  await strapi.server.mount();

  return {
    strapi,
    server: strapi.server.httpServer,
    tmpDir,
    async destroy() {
      await strapi.destroy();
      fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  };
};
