#!/usr/bin/env node
/** `npm run bench`: runs every benchmark under bench/ (bench/<name>/index.ts), one after another. */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const only = process.argv.slice(2);
const suites = fs
  .readdirSync(path.join(root, 'bench'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(root, 'bench', entry.name, 'index.ts')))
  .map((entry) => entry.name)
  .filter((name) => only.length === 0 || only.includes(name));

// The delivery, events, experiments, fuel, metrics, graphql, cluster, contextual-serving and exclusion benchmarks run the built plugin (dist/), as an app does: build it from the current source.
if (['delivery', 'events', 'experiments', 'fuel', 'metrics', 'graphql', 'cluster', 'contextual-serving', 'exclusion'].some((suite) => suites.includes(suite))) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

let failed = false;
for (const suite of suites) {
  console.log(`\n### bench/${suite}\n`);
  const run = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join('bench', suite, 'index.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
