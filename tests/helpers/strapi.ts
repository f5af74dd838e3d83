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
  // DATABASE_CLIENT=postgres runs the same tests on PostgreSQL, each instance in a schema of its own.
  const postgresSchema = process.env.DATABASE_CLIENT === 'postgres' ? await createPostgresSchema() : undefined;
  const env: Record<string, string | undefined> = {
    NODE_ENV: 'test',
    DATABASE_CLIENT: process.env.DATABASE_CLIENT ?? 'sqlite',
    DATABASE_FILENAME: options.databaseFile ?? path.join(tmpDir, 'data.db'),
    PLAYGROUND_SEED: 'false',
    SERVE_ADMIN: 'false',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    // Playground switches a test file may set; cleared so they never leak into the next file.
    PLAYGROUND_DELIVERY_LANE: undefined,
    PLAYGROUND_RESOLVE_POLICY: undefined,
    PLAYGROUND_ARTICLE_POLICY: undefined,
    PLAYGROUND_PROXY: undefined,
    PLAYGROUND_CORS_HEADERS: undefined,
    PLAYGROUND_GRAPHQL: undefined,
    ...(postgresSchema ? { DATABASE_SCHEMA: postgresSchema } : {}),
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
      if (postgresSchema) await dropPostgresSchema(postgresSchema);
    },
  };
};

const postgresClient = async () => {
  const { Client } = await import('pg');
  const client = new Client({
    host: process.env.DATABASE_HOST ?? '127.0.0.1',
    port: Number(process.env.DATABASE_PORT ?? 5432),
    database: process.env.DATABASE_NAME ?? 'test',
    user: process.env.DATABASE_USERNAME ?? 'postgres',
    password: process.env.DATABASE_PASSWORD ?? '',
  });
  await client.connect();
  return client;
};

const createPostgresSchema = async () => {
  const schema = `pz_test_${Math.random().toString(36).slice(2, 10)}`;
  const client = await postgresClient();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return schema;
};

const dropPostgresSchema = async (schema: string) => {
  const client = await postgresClient();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
};
