/**
 * The server's import rules (docs/architecture.md, "Import rules"), read from the sources:
 * - a feature wing (delivery, visitors, experiments, audiences) imports only itself, the shared rooms
 *   (platform, storage, cache, utils, config, signals), contracts/, engine/ and content-types/;
 * - the shared rooms import no feature wing, and each only the rooms below it; utils/ imports no service;
 * - the cache takes the Redis connection through a port: it never imports platform/redis;
 * - delivery's stages receive their ports as arguments: none calls getService or imports the registry;
 * - only the top level (index, register, bootstrap, destroy, wings) spreads the wings.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const SERVER = path.join(ROOT, 'server/src');

const FEATURE_WINGS = ['delivery', 'visitors', 'experiments', 'audiences'];
/** Each shared room and the server folders it may import (besides itself). */
const SHARED_ROOMS: Record<string, string[]> = {
  utils: [],
  config: ['utils'],
  routes: [],
  signals: ['utils', 'config'],
  storage: ['utils', 'config'],
  platform: ['utils', 'config', 'signals'],
  cache: ['utils', 'config', 'platform', 'storage'],
};
/** Outside server/src, what every server file may import. */
const OUTSIDE = ['contracts/src', 'engine/src', 'content-types'];
/** Delivery's stages: pure functions of their inputs and ports. */
const DELIVERY_STAGES = [
  'context.ts',
  'choose.ts',
  'select.ts',
  'experiments.ts',
  'visitor.ts',
  'respond.ts',
  'ports.ts',
  // and what runs them for every route: they get the ports wired in delivery/index.ts
  'pipeline.ts',
  'overrides.ts',
  'preview.ts',
  'evaluate-controller.ts',
  'graphql.ts',
  'plain-api.ts',
  'programs.ts',
  'resolve-controller.ts',
  'validate-variants.ts',
];

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });

const IMPORT = /(?:from\s+|import\s*\(\s*|require\(\s*|^import\s+)['"]([^'"]+)['"]/gm;

export const importsOf = (source: string) => [...source.matchAll(IMPORT)].map((match) => match[1]);

/** The folder of server/src a file is in (`(top)` for the files directly in it). */
const roomOf = (file: string) => {
  const relative = path.relative(SERVER, file);
  return relative.includes(path.sep) ? relative.split(path.sep)[0] : '(top)';
};

/** What an import lands on: a server room (`server:<room>`), an outside folder, or a package. */
export const landingOf = (file: string, specifier: string): string => {
  if (!specifier.startsWith('.')) return `package:${specifier}`;
  const resolved = path.resolve(path.dirname(file), specifier);
  if (resolved.startsWith(SERVER + path.sep) || resolved === SERVER)
    return `server:${roomOf(resolved + (path.extname(resolved) ? '' : '.ts'))}`;
  const fromRoot = path.relative(ROOT, resolved);
  const outside = OUTSIDE.find((prefix) => fromRoot === prefix || fromRoot.startsWith(prefix + '/'));
  return outside ? `outside:${outside}` : `elsewhere:${fromRoot}`;
};

/** Why an import breaks a rule, or null. */
export const ruleBroken = (room: string, landing: string): string | null => {
  if (landing.startsWith('package:') || landing.startsWith('outside:')) return null;
  if (landing.startsWith('elsewhere:')) return 'imports outside server/src, contracts/, engine/ and content-types/';
  const target = landing.slice('server:'.length);
  if (room === '(top)' || target === room) return null;
  if (target === '(top)') return 'imports the top level, which spreads the wings';
  if (FEATURE_WINGS.includes(room)) {
    return FEATURE_WINGS.includes(target) ? `a wing imports another wing (${target}): use a port` : null;
  }
  const allowed = SHARED_ROOMS[room];
  if (!allowed) return `unknown folder server/src/${room}: add it to the rules`;
  return allowed.includes(target) ? null : `${room}/ may import only ${allowed.join(', ') || 'itself'}, not ${target}/`;
};

const violations = (): string[] =>
  sourceFiles(SERVER).flatMap((file) => {
    const room = roomOf(file);
    const source = fs.readFileSync(file, 'utf8');
    const problems = importsOf(source)
      .map((specifier) => ({ specifier, why: ruleBroken(room, landingOf(file, specifier)) }))
      .filter((found) => found.why !== null)
      .map((found) => `${path.relative(ROOT, file)} → ${found.specifier}: ${found.why}`);
    const relative = path.relative(SERVER, file);
    if (room === 'delivery' && DELIVERY_STAGES.includes(path.basename(file))) {
      if (/\bgetService\s*\(/.test(source)) problems.push(`${relative}: a stage calls getService (take a port)`);
      if (importsOf(source).some((specifier) => specifier.endsWith('platform/services'))) {
        problems.push(`${relative}: a stage imports the service registry (take a port)`);
      }
    }
    if (room === 'cache' && importsOf(source).some((specifier) => /platform\/redis$/.test(specifier))) {
      problems.push(`${relative}: the cache imports the Redis service (declare a port)`);
    }
    if (room === 'utils' && /\bgetService\s*\(/.test(source)) problems.push(`${relative}: utils/ calls a service`);
    return problems;
  });

describe('server import rules', () => {
  it('every wing and room imports only what its rules allow', () => {
    expect(violations()).toEqual([]);
  });

  it('no services/, controllers/ or middlewares/ hall remains', () => {
    for (const hall of ['services', 'controllers', 'middlewares', 'document-middlewares']) {
      expect(fs.existsSync(path.join(SERVER, hall))).toBe(false);
    }
  });

  it('would catch each kind of violation', () => {
    const delivery = path.join(SERVER, 'delivery/pipeline.ts');
    const cache = path.join(SERVER, 'cache/service.ts');
    const utils = path.join(SERVER, 'utils/errors.ts');
    expect(ruleBroken('delivery', landingOf(delivery, '../visitors/service'))).toMatch(/another wing/);
    expect(ruleBroken('delivery', landingOf(delivery, '../platform/settings'))).toBeNull();
    expect(ruleBroken('delivery', landingOf(delivery, '../../../contracts/src/reason'))).toBeNull();
    expect(ruleBroken('delivery', landingOf(delivery, '../wings'))).toMatch(/top level/);
    expect(ruleBroken('cache', landingOf(cache, '../experiments/service'))).toMatch(/may import only/);
    expect(ruleBroken('utils', landingOf(utils, '../platform/settings'))).toMatch(/may import only/);
    expect(ruleBroken('platform', landingOf(path.join(SERVER, 'platform/redis.ts'), '../../../admin/src/x'))).toMatch(/outside/);
    expect(importsOf("import type { A } from './a';\nimport b from \"../b\";\nconst c = require('./c');")).toEqual([
      './a',
      '../b',
      './c',
    ]);
  });
});
