#!/usr/bin/env node
/**
 * Records, in package-lock.json, the platform-specific optional packages that the registry this
 * project installs from does not serve (it mirrors only what Linux x64 needs). npm 11 writes a
 * lock without them, then its own `npm ci` refuses that lock ("Missing: <pkg>@ from lock file").
 * Each entry added is optional and restricted to its platform (os / cpu / libc read from the
 * package name, as these packages publish them), so npm skips it on every other platform.
 *
 * Run after any dependency change: `npm install && node scripts/complete-lockfile.js`.
 */
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.resolve(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));

const OS = ['darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'android', 'openharmony', 'sunos', 'aix'];
const CPU = { x64: 'x64', arm64: 'arm64', arm: 'arm', ia32: 'ia32', riscv64: 'riscv64', loong64: 'loong64', ppc64: 'ppc64', s390x: 's390x' };

/** `@rollup/rollup-linux-arm-musleabihf` → { os: ['linux'], cpu: ['arm'], libc: ['musl'] }. */
const platformOf = (name) => {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part)) ?? (parts.includes('win32') ? 'win32' : undefined);
  const cpu = parts.map((part) => CPU[part]).find(Boolean);
  const libc = parts.some((part) => part.startsWith('musl')) ? 'musl' : parts.some((part) => part === 'gnu' || part.startsWith('gnueabi')) ? 'glibc' : undefined;
  if (!os || !cpu) return null;
  return { os: [os], cpu: [cpu], ...(libc && os === 'linux' ? { libc: [libc] } : {}) };
};

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  if (!entry.optionalDependencies || !location) continue;
  for (const [name, spec] of Object.entries(entry.optionalDependencies)) {
    if (lock.packages[`${location}/node_modules/${name}`] || lock.packages[`node_modules/${name}`]) continue;
    const platform = platformOf(name);
    if (!platform || !/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec)) continue; // only exact, platform-named pins
    lock.packages[`node_modules/${name}`] = {
      version: spec,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added += 1;
  }
}

lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)));
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: recorded ${added} platform-specific optional package(s)`);
