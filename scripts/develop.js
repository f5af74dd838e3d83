#!/usr/bin/env node
/**
 * `npm run develop`: builds the plugin unless dist/ is already the build of the current sources
 * (scripts/ensure-build.js: `npm ci` just built it), then starts the playground Strapi in develop
 * mode on http://localhost:1337. The playground seeds demo content and a dev-only admin user on its first start.
 */
const { spawnSync, spawn } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const build = spawnSync(process.execPath, [path.join(__dirname, 'ensure-build.js')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const args = ['develop', ...process.argv.slice(2)];
const strapi = spawn(bin('strapi'), args, { cwd: path.join(root, 'playground'), stdio: 'inherit' });
const forward = (signal) => () => strapi.kill(signal);
process.on('SIGINT', forward('SIGINT'));
process.on('SIGTERM', forward('SIGTERM'));
strapi.on('exit', (code) => process.exit(code ?? 0));
