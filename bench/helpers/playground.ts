/** The playground as the HTTP benchmarks run it: the built plugin, production mode, SQLite, the demo content. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startStrapiProcess, type StrapiProcess } from '../../tests/helpers/strapi-process';

/**
 * A playground in a child process, in a fresh temporary folder, with the plugin's config merged over rate limits
 * that would otherwise cap the benchmark itself. `stop()` stops it and removes the folder.
 */
export const startBenchPlayground = async (label: string, config: object = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `personalize-bench-${label}-`));
  const instance = await startStrapiProcess({
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    DATABASE_FILENAME: path.join(dir, 'data.db'),
    PLAYGROUND_SEED: 'true',
    LOG_LEVEL: 'error',
    PERSONALIZE_PLUGIN_BUILD: 'dist',
    PERSONALIZE_CONFIG: JSON.stringify({
      rateLimit: { points: 1_000_000_000, durationSec: 1 },
      events: { rateLimit: { perVisitor: 0, perIp: 0 } },
      ...config,
    }),
  });
  const stop = async () => {
    await instance.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { instance, dir, stop };
};

/** The demo article's documentId (the seed's "plan-your-next-trip"). */
export const demoArticleId = async (instance: Pick<StrapiProcess, 'url'>) => {
  const response = await fetch(`${instance.url}/api/articles?filters[slug][$eq]=plan-your-next-trip&fields[0]=title`);
  const body = (await response.json()) as { data?: { documentId: string }[] };
  if (!body.data?.[0]) throw new Error('the demo article is missing');
  return body.data[0].documentId;
};
