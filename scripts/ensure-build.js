#!/usr/bin/env node
/**
 * Builds the plugin (`npm run build` → dist/) unless dist/ is already the build of the current
 * sources. It is the `prepare` script, so `npm ci` / `npm install` in this repository, `npm pack`,
 * `npm publish` and a git install (`npm install git+https://…`, which installs the dev dependencies
 * and runs `prepare` in the clone) all end with a dist/; and `pretest` runs it too, so `npm ci &&
 * npm test` builds once, not twice.
 *
 * "Current" means: the hash of the build's inputs (admin/, server/, engine/, contracts/,
 * content-types/, client/, package.json, package-lock.json, the root tsconfig files) is the one
 * recorded after the last build made here, and every file the package exports is still the one that
 * build wrote (same size and mtime). Any other build of dist/ (`npm run build`, `npm run watch`)
 * changes those files, so the next run builds again rather than trust them.
 *
 * `node scripts/ensure-build.js --force` always builds. `PERSONALIZE_SKIP_PREPARE_BUILD=1` skips it
 * (e.g. to install dependencies only).
 */
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const stampPath = path.join(root, 'node_modules', '.cache', 'strapi-plugin-personalize', 'build-stamp.json');
const INPUT_DIRS = ['admin', 'server', 'engine', 'contracts', 'content-types', 'client'];
const SKIP_DIRS = new Set(['node_modules', 'dist', '.cache', 'coverage']);

const listFiles = (dir) => {
  const out = [];
  const walk = (current) => {
    let entries;
    try {
      entries = fs.readdirSync(current, { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(full);
      } else if (entry.isFile()) {
        out.push(full);
      }
    }
  };
  walk(dir);
  return out;
};

const inputFiles = () => {
  const files = INPUT_DIRS.flatMap((dir) => listFiles(path.join(root, dir)));
  for (const name of fs.readdirSync(root)) {
    if (name === 'package.json' || name === 'package-lock.json' || /^tsconfig.*\.json$/.test(name))
      files.push(path.join(root, name));
  }
  return files.map((file) => path.relative(root, file).split(path.sep).join('/')).sort();
};

const sourceHash = () => {
  const hash = createHash('sha256');
  for (const file of inputFiles()) {
    hash
      .update(file)
      .update('\0')
      .update(fs.readFileSync(path.join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
};

/** Every file the package.json exports point into dist/, with its size and mtime. */
const outputs = () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const targets = new Set();
  const collect = (value) => {
    if (typeof value === 'string') {
      if (value.startsWith('./dist/')) targets.add(value.slice(2));
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(collect);
    }
  };
  collect(pkg.exports ?? {});
  const result = {};
  for (const target of [...targets].sort()) {
    try {
      const stat = fs.statSync(path.join(root, target));
      result[target] = `${stat.size}:${Math.round(stat.mtimeMs)}`;
    } catch {
      result[target] = null;
    }
  }
  return result;
};

const readStamp = () => {
  try {
    return JSON.parse(fs.readFileSync(stampPath, 'utf8'));
  } catch {
    return null;
  }
};

const sameOutputs = (a, b) => {
  const keys = Object.keys(b);
  return (
    keys.length > 0 && keys.every((key) => b[key] !== null && a?.[key] === b[key]) && Object.keys(a ?? {}).length === keys.length
  );
};

const main = () => {
  if (process.env.PERSONALIZE_SKIP_PREPARE_BUILD === '1') {
    console.log('ensure-build: skipped (PERSONALIZE_SKIP_PREPARE_BUILD=1)');
    return;
  }
  const force = process.argv.includes('--force');
  const hash = sourceHash();
  const stamp = readStamp();
  if (!force && stamp && stamp.hash === hash && sameOutputs(stamp.outputs, outputs())) {
    console.log('ensure-build: dist/ is the build of the current sources, not rebuilding');
    return;
  }
  console.log(`ensure-build: building dist/ (${force ? 'forced' : stamp ? 'sources or dist/ changed' : 'no build recorded'})`);
  const npm = process.env.npm_execpath
    ? { cmd: process.execPath, args: [process.env.npm_execpath, 'run', 'build'] }
    : { cmd: process.platform === 'win32' ? 'npm.cmd' : 'npm', args: ['run', 'build'] };
  const build = spawnSync(npm.cmd, npm.args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const built = outputs();
  const missing = Object.keys(built).filter((key) => built[key] === null);
  if (missing.length) {
    console.error(`ensure-build: the build did not write ${missing.join(', ')} (package.json exports)`);
    process.exit(1);
  }
  // The sources may have changed while building: record the hash taken before, so such a change rebuilds next time.
  fs.mkdirSync(path.dirname(stampPath), { recursive: true });
  fs.writeFileSync(stampPath, `${JSON.stringify({ hash, outputs: built, at: new Date().toISOString() }, null, 2)}\n`);
};

main();
