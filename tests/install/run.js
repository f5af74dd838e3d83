#!/usr/bin/env node
/**
 * `npm run test:install`: installs the packed plugin into a fresh Strapi 5.54 TypeScript app the
 * way the README's "Install in an existing Strapi app" section says, and checks a variant is served.
 *
 *  1. `npm pack` this repository (its `prepare` script builds dist/ unless it is current) and check
 *     the tarball: dist/ with every export, docs/ (without docs/images), README, CHANGELOG, LICENSE;
 *     no sources, tests, playground or build tools (no @strapi/sdk-plugin among its dependencies or
 *     peers).
 *  2. Copy tests/install/template (the files create-strapi-app 5.54 generates for a TypeScript app,
 *     without content types; the README's `create-strapi` command must name the same Strapi version)
 *     to a temporary directory, with a `.env` of random secrets, and `npm install` it from the
 *     registry (`--prefer-offline`: the machine's npm cache) with the tarball as a dependency, as
 *     `npm install ./strapi-plugin-personalize-<version>.tgz` records it. No package of the plugin's
 *     own dependency tree may declare an engine the running Node does not satisfy, and npm's
 *     EBADENGINE warnings may name only the packages the README says Strapi itself brings.
 *  3. Take the README's snippets from their `<!-- install:… -->` markers: merge the `personalize`
 *     key of the TypeScript `config/plugins.ts` into the app's generated file (next to its other
 *     plugins), use the TypeScript `config/middlewares.ts` as is (it must keep Strapi's defaults),
 *     put the README's whole TypeScript files under src/readme-snippets/ so the strict build checks
 *     them too, and check the JavaScript forms say the same as the TypeScript ones.
 *  4. `strapi build`: compiles the app's TypeScript (strict, diagnostics on) and the admin panel with
 *     the plugin's admin inside.
 *  5. `strapi develop --no-watch-admin --no-build-admin` (the Content-Type Builder only writes in
 *     develop mode), then over HTTP, with Strapi's own admin API as the admin panel calls it:
 *     register the first admin; create an `article` collection type with a `title` and the Variants
 *     custom field (`POST /content-type-builder/content-types`, which writes the schema into
 *     src/api/ and restarts Strapi); create an entry with a variant through the Content Manager
 *     (an invalid variants value must be refused with a 400 first) and publish it; create a
 *     read-only API token; then `POST /api/personalize/resolve` with it: a mobile User-Agent gets
 *     the variant's title, a desktop one the entry's own; the plain API never shows the field.
 *  6. A site on another origin (tests/install/cross-origin.js): a page served from another local port
 *     imports the installed SDK (the `./client` export) and, in headless Chromium, calls resolve,
 *     events, exportData() and erase() against the app's default strapi::cors; each must answer (no
 *     "Failed to fetch"), and the erased visitor must have no profile left.
 *
 * PZ_INSTALL_TARBALL=<file.tgz> tests that tarball instead of packing this repository;
 * PZ_INSTALL_README=<file.md> takes the snippets from that file instead of README.md.
 *
 * Everything runs in one temporary directory, removed at the end (`--keep` or PZ_INSTALL_KEEP=1
 * keeps it); child processes run in their own process groups and are killed on exit, timeout or
 * Ctrl-C. Each step has a timeout; on failure the tail of that step's log is printed.
 */
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const { crossOriginCalls } = require('./cross-origin');

const root = path.resolve(__dirname, '..', '..');
const templateDir = path.join(__dirname, 'template');
const keep = process.argv.includes('--keep') || process.env.PZ_INSTALL_KEEP === '1';

const MINUTE = 60_000;
const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const DESKTOP_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const FIELD_UID = 'plugin::personalize.variants';
const ARTICLE_UID = 'api::article.article';

const startedAt = Date.now();
const timings = [];
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (message) => console.log(`[install-test +${seconds(Date.now() - startedAt)}] ${message}`);

class TestFailure extends Error {}
const fail = (message) => {
  throw new TestFailure(message);
};
const assert = (condition, message) => {
  if (!condition) fail(message);
};

let tmp;
let logsDir;
const children = new Set();

// ---------------------------------------------------------------------------------------------
// Processes

/** The environment of every child: npm's lifecycle variables and this repo's settings removed. */
const childEnv = (extra = {}) => {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS') continue;
    if (/^(PERSONALIZE_|PLAYGROUND_|DATABASE_|REDIS_)/.test(key) || key === 'NODE_ENV') continue;
    // No desktop: the bundled xdg-open that Strapi calls to open the admin on a first start runs
    // $BROWSER, here `true`.
    if (
      [
        'DISPLAY',
        'WAYLAND_DISPLAY',
        'XDG_CURRENT_DESKTOP',
        'DESKTOP_SESSION',
        'KDE_FULL_SESSION',
        'GNOME_DESKTOP_SESSION_ID',
      ].includes(key)
    )
      continue;
    env[key] = value;
  }
  return {
    ...env,
    BROWSER: 'true',
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    STRAPI_TELEMETRY_DISABLED: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
};

const tail = (file, lines = 60) => {
  try {
    // eslint-disable-next-line no-control-regex
    const text = fs.readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

const killGroup = (child, signal) => {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};

/** Starts a command in its own process group, its output appended to logs/<name>.log. */
const start = (name, cmd, args, { cwd, env = childEnv() }) => {
  const logFile = path.join(logsDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  fs.writeSync(out, `$ (cd ${cwd} && ${[cmd, ...args].join(' ')})\n`);
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  child.logFile = logFile;
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
    child.on('error', (error) => {
      children.delete(child);
      resolve({ code: -1, signal: null, error });
    });
  });
  children.add(child);
  return child;
};

const stop = async (child, graceMs = 10_000) => {
  if (!children.has(child)) return child.exited;
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  const result = await child.exited;
  clearTimeout(timer);
  killGroup(child, 'SIGKILL'); // whatever it left behind in its group
  return result;
};

/** Runs a command to completion; fails with the tail of its log on a non-zero exit or a timeout. */
const run = async (name, cmd, args, { cwd, env, timeoutMs }) => {
  const child = start(name, cmd, args, { cwd, env });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    stop(child);
  }, timeoutMs);
  const { code, signal, error } = await child.exited;
  clearTimeout(timer);
  if (timedOut) fail(`${name}: no result after ${seconds(timeoutMs)}\n--- ${child.logFile} (tail)\n${tail(child.logFile)}`);
  if (code !== 0) {
    fail(`${name}: exited with ${error ? error.message : (signal ?? code)}\n--- ${child.logFile} (tail)\n${tail(child.logFile)}`);
  }
  return fs.readFileSync(child.logFile, 'utf8');
};

const step = async (title, fn) => {
  log(`${title}...`);
  const t0 = Date.now();
  const result = await fn();
  timings.push([title, Date.now() - t0]);
  log(`${title}: done in ${seconds(Date.now() - t0)}`);
  return result;
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The README's snippets

const readme = fs.readFileSync(process.env.PZ_INSTALL_README ?? path.join(root, 'README.md'), 'utf8');

/** The code block between `<!-- install:<name> -->` and `<!-- /install:<name> -->`. */
const snippet = (name) => {
  const match = readme.match(
    new RegExp(`<!-- install:${name} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\`\\s*<!-- /install:${name} -->`)
  );
  assert(match, `README.md: no code block between <!-- install:${name} --> and <!-- /install:${name} -->`);
  return match[1];
};

/** The `personalize: { ... },` property of a config/plugins snippet, as its lines. */
const personalizeProperty = (code, name) => {
  const lines = code.split('\n');
  const first = lines.findIndex((line) => /^\s*personalize:\s*\{\s*$/.test(line));
  assert(first >= 0, `README.md ${name}: no \`personalize: {\` line`);
  const indent = lines[first].match(/^\s*/)[0];
  const last = lines.findIndex((line, index) => index > first && line === `${indent}},`);
  assert(last > first, `README.md ${name}: no \`${indent}},\` closing the personalize key`);
  return lines.slice(first, last + 1).map((line) => line.slice(Math.min(indent.length, line.match(/^\s*/)[0].length)));
};

/** Evaluates a config module (TypeScript is transpiled with this repo's typescript). */
const evaluateModule = (code, { typescript = false } = {}) => {
  let source = code;
  if (typescript) {
    const ts = require(require.resolve('typescript', { paths: [root] }));
    source = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 },
    }).outputText;
  }
  const module = { exports: {} };
  vm.runInNewContext(source, { module, exports: module.exports, require: () => ({}) }, { timeout: 1000 });
  const exported = module.exports.default ?? module.exports;
  if (typeof exported !== 'function') return exported;
  const env = (key, fallback) => `<env ${key}${fallback === undefined ? '' : ` default ${JSON.stringify(fallback)}`}>`;
  for (const kind of ['int', 'float', 'bool', 'json', 'array', 'date', 'oneOf'])
    env[kind] = (key, fallback) => env(`${kind}:${key}`, fallback);
  return exported({ env });
};

const checkSnippets = () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const install = snippet('package');
  assert(install.includes(`npm install ${pkg.name}`), `README.md install:package: no \`npm install ${pkg.name}\``);
  assert(
    /npm pack/.test(install) && /npm install \S+\.tgz/.test(install),
    'README.md install:package: no npm pack + npm install <tarball>'
  );
  const repoUrl = (pkg.repository?.url ?? '').replace(/^git\+/, '');
  assert(
    repoUrl && install.includes(`git+${repoUrl}`),
    `README.md install:package: no \`npm install git+${repoUrl}\` (package.json repository)`
  );

  const createApp = snippet('create-app');
  const strapiVersion = JSON.parse(fs.readFileSync(path.join(templateDir, 'package.json'), 'utf8')).dependencies['@strapi/strapi'];
  assert(
    createApp.includes(`npx create-strapi@${strapiVersion} `) && /--typescript\b/.test(createApp),
    `README.md install:create-app: no \`npx create-strapi@${strapiVersion} … --typescript\` (the template's Strapi)`
  );

  const pluginsTs = snippet('plugins-ts');
  const pluginsJs = snippet('plugins-js');
  const middlewaresTs = snippet('middlewares-ts');
  const middlewaresJs = snippet('middlewares-js');

  const fromTs = evaluateModule(pluginsTs, { typescript: true });
  const fromJs = evaluateModule(pluginsJs);
  assert(fromTs?.personalize?.enabled === true, 'README.md plugins-ts: personalize.enabled is not true');
  assert(
    JSON.stringify(fromJs?.personalize) === JSON.stringify(fromTs.personalize),
    `README.md: the JavaScript plugins snippet configures personalize differently from the TypeScript one:\n  ts: ${JSON.stringify(fromTs.personalize)}\n  js: ${JSON.stringify(fromJs?.personalize)}`
  );

  const lanesTs = evaluateModule(middlewaresTs, { typescript: true });
  const lanesJs = evaluateModule(middlewaresJs);
  assert(
    JSON.stringify(lanesTs) === JSON.stringify(lanesJs),
    'README.md: the JavaScript middlewares snippet differs from the TypeScript one'
  );
  const defaults = evaluateModule(fs.readFileSync(path.join(templateDir, 'config', 'middlewares.ts'), 'utf8'), {
    typescript: true,
  });
  const withoutLane = lanesTs.filter((entry) => entry !== 'plugin::personalize.delivery-lane');
  assert(
    lanesTs.length === defaults.length + 1 && JSON.stringify(withoutLane) === JSON.stringify(defaults),
    "README.md middlewares-ts: it must be Strapi's default list plus plugin::personalize.delivery-lane"
  );
  assert(
    lanesTs.indexOf('plugin::personalize.delivery-lane') === lanesTs.indexOf('strapi::poweredBy') + 1,
    'README.md middlewares-ts: the lane must follow strapi::poweredBy'
  );

  return { pluginsTs, middlewaresTs, property: personalizeProperty(pluginsTs, 'plugins-ts') };
};

// ---------------------------------------------------------------------------------------------
// HTTP

let baseUrl;

const http = async (method, route, { token, body, headers = {}, timeoutMs = 30_000 } = {}) => {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
};

const expectStatus = (response, status, what) => {
  assert(response.status === status, `${what}: expected ${status}, got ${response.status} ${response.text.slice(0, 800)}`);
  return response.json;
};

/** Polls `probe` until it returns a truthy value; fails early when the server process has exited. */
const waitFor = async (what, probe, { server, timeoutMs }) => {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server && !children.has(server)) fail(`${what}: Strapi exited\n--- ${server.logFile} (tail)\n${tail(server.logFile)}`);
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(500);
  }
  fail(
    `${what}: not after ${seconds(timeoutMs)} (${last})${server ? `\n--- ${server.logFile} (tail)\n${tail(server.logFile)}` : ''}`
  );
};

// ---------------------------------------------------------------------------------------------
// Engines

/** What Strapi 5.54 itself brings that warns EBADENGINE below Node 22.13, as the README says. */
const STRAPI_ENGINE_WARNINGS = ['preferred-pm', 'which-pm'];

/** The installed copy of `name` that `from` resolves, or null. */
const locatePackage = (from, name) => {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) return null;
  }
};

/**
 * The plugin adds no engine warning: no package of its own dependency tree (dependencies and optional
 * ones, not the peers the app provides) declares a Node range the running Node misses. npm's
 * EBADENGINE warnings name only what the README says comes with Strapi.
 */
const checkEngines = (app, installLog) => {
  const semver = require(require.resolve('semver', { paths: [root] }));
  const manifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const seen = new Set();
  const misses = [];
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = manifest(dir);
    const range = pkg.engines?.node;
    if (range && !semver.satisfies(process.versions.node, range, { includePrerelease: true }))
      misses.push(`${pkg.name}@${pkg.version} (node ${range})`);
    for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      const found = locatePackage(dir, name);
      if (found) visit(found);
    }
  };
  visit(fs.realpathSync(path.join(app, 'node_modules', 'strapi-plugin-personalize')));
  assert(
    misses.length === 0,
    `the plugin's dependency tree wants another Node than ${process.versions.node}: ${misses.join(', ')}`
  );
  // eslint-disable-next-line no-control-regex
  const warned = [...installLog.replace(/\x1b\[[0-9;]*m/g, '').matchAll(/EBADENGINE\s+package: '(@?[^@']+)@/g)].map((m) => m[1]);
  const unexpected = [...new Set(warned)].filter((name) => !STRAPI_ENGINE_WARNINGS.includes(name));
  assert(unexpected.length === 0, `npm install warned EBADENGINE for packages the README does not name: ${unexpected.join(', ')}`);
  for (const name of STRAPI_ENGINE_WARNINGS)
    assert(readme.includes(`\`${name}\``), `README.md does not name \`${name}\`, whose EBADENGINE warning Strapi brings`);
  log(
    `engines: the plugin's ${seen.size} packages all support Node ${process.versions.node}; npm's EBADENGINE warnings: ${
      [...new Set(warned)].join(', ') || 'none'
    } (Strapi's own)`
  );
};

// ---------------------------------------------------------------------------------------------
// The test

const main = async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pz-install-'));
  logsDir = path.join(tmp, 'logs');
  fs.mkdirSync(logsDir);
  log(`working in ${tmp}`);

  const snippets = checkSnippets();
  log('README snippets found; the JavaScript forms match the TypeScript ones');

  // 1. The package.
  const tarball = await step('npm pack (prepare builds dist/ when it is not current)', async () => {
    if (process.env.PZ_INSTALL_TARBALL) return path.resolve(process.env.PZ_INSTALL_TARBALL); // a tarball packed beforehand
    const packDir = path.join(tmp, 'pack');
    fs.mkdirSync(packDir);
    await run('pack', 'npm', ['pack', '--pack-destination', packDir], { cwd: root, env: childEnv(), timeoutMs: 5 * MINUTE });
    const files = fs.readdirSync(packDir).filter((name) => name.endsWith('.tgz'));
    assert(files.length === 1, `npm pack: expected one tarball, got ${files.join(', ') || 'none'}`);
    return path.join(packDir, files[0]);
  });

  await step('checking the tarball', async () => {
    const capture = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8', timeout: MINUTE, maxBuffer: 64 * 1024 * 1024 });
    const entries = new Set(
      capture('tar', ['-tzf', tarball])
        .split('\n')
        .filter(Boolean)
        .map((entry) => entry.replace(/^package\//, ''))
    );
    const packed = JSON.parse(capture('tar', ['-xzOf', tarball, 'package/package.json']));
    const targets = new Set();
    const collect = (value) => {
      if (typeof value === 'string' && value.startsWith('./dist/')) targets.add(value.slice(2));
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(packed.exports);
    for (const required of [...targets, 'README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']) {
      assert(entries.has(required), `the package lacks ${required}`);
    }
    assert(
      [...entries].some((entry) => entry.startsWith('docs/')),
      'the package lacks docs/'
    );
    // The screenshots stay in the repository: the README and docs/ link them from there.
    const images = [...entries].filter((entry) => entry.startsWith('docs/images/'));
    assert(images.length === 0, `the package carries documentation images: ${images.slice(0, 5).join(', ')}`);
    const unwanted = [...entries].filter((entry) =>
      /^(server|admin|engine|contracts|content-types|client|tests|playground|bench|scripts|node_modules)\/|(^|\/)node_modules\/|\.test\.[jt]sx?$/.test(
        entry
      )
    );
    assert(unwanted.length === 0, `the package carries what an app does not need: ${unwanted.slice(0, 10).join(', ')}`);
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      assert(
        !packed[field]?.['@strapi/sdk-plugin'],
        `@strapi/sdk-plugin is in the package's ${field}: it is a build tool (devDependencies)`
      );
    }
    const size = fs.statSync(tarball).size;
    assert(size < 3 * 1024 * 1024, `the tarball is ${size} bytes (budget 3 MB)`);
    log(`${path.basename(tarball)}: ${entries.size} files, ${(size / 1024).toFixed(0)} KiB`);
  });

  // 2. A fresh Strapi 5.54 TypeScript app.
  const app = path.join(tmp, 'app');
  await step('npm install of a fresh Strapi 5.54 TypeScript app with the tarball', async () => {
    fs.cpSync(templateDir, app, { recursive: true });
    for (const dir of ['public/uploads', 'database/migrations', 'src/api', 'src/extensions'])
      fs.mkdirSync(path.join(app, dir), { recursive: true });
    const secret = () => randomBytes(16).toString('base64');
    fs.writeFileSync(
      path.join(app, '.env'),
      [
        'HOST=127.0.0.1',
        'PORT=1337',
        `APP_KEYS=${[secret(), secret(), secret(), secret()].join(',')}`,
        `API_TOKEN_SALT=${secret()}`,
        `ADMIN_JWT_SECRET=${secret()}`,
        `TRANSFER_TOKEN_SALT=${secret()}`,
        `JWT_SECRET=${secret()}`,
        `ENCRYPTION_KEY=${secret()}`,
        '',
      ].join('\n')
    );
    const pkgPath = path.join(app, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
    pkg.dependencies['strapi-plugin-personalize'] = `file:${tarball}`;
    fs.writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

    // Install scripts are run below, after the install, so better-sqlite3's native build (70 s of
    // C++ on two cores) can be skipped when this repo has already built the same version.
    const t0 = Date.now();
    await run(
      'npm-install',
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=warn'],
      {
        cwd: app,
        timeoutMs: 15 * MINUTE,
      }
    );
    log(`npm install: ${seconds(Date.now() - t0)}`);
    checkEngines(app, fs.readFileSync(path.join(logsDir, 'npm-install.log'), 'utf8'));
    const scripted = JSON.parse(
      execFileSync(
        'npm',
        ['query', '--loglevel=error', ':attr(scripts, [preinstall]), :attr(scripts, [install]), :attr(scripts, [postinstall])'],
        {
          cwd: app,
          env: childEnv(),
          encoding: 'utf8',
          timeout: 2 * MINUTE,
          maxBuffer: 64 * 1024 * 1024,
        }
      )
    );
    const names = new Set(scripted.map((node) => node.name));
    const version = (dir) => {
      try {
        return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
      } catch {
        return null;
      }
    };
    const ours = path.join(root, 'node_modules', 'better-sqlite3');
    const theirs = path.join(app, 'node_modules', 'better-sqlite3');
    const binary = path.join('build', 'Release', 'better_sqlite3.node');
    if (
      names.has('better-sqlite3') &&
      version(ours) &&
      version(ours) === version(theirs) &&
      fs.existsSync(path.join(ours, binary))
    ) {
      fs.mkdirSync(path.join(theirs, 'build', 'Release'), { recursive: true });
      fs.copyFileSync(path.join(ours, binary), path.join(theirs, binary));
      names.delete('better-sqlite3');
      log(`better-sqlite3 ${version(theirs)}: reusing this repository's native build`);
    }
    if (names.size) await run('npm-rebuild', 'npm', ['rebuild', ...names], { cwd: app, timeoutMs: 10 * MINUTE });

    assert(
      !fs.existsSync(path.join(app, 'node_modules', '@strapi', 'sdk-plugin')),
      'installing the plugin brought @strapi/sdk-plugin into the app'
    );
    assert(
      fs.existsSync(path.join(app, 'node_modules', 'strapi-plugin-personalize', 'dist', 'server', 'index.js')),
      'the installed plugin has no dist/'
    );

    // The plugin must share Strapi's own copy of each of its peers: with a second @strapi/utils its
    // errors are unknown to Strapi's error handler (500s), with a second react-intl its admin
    // components find no IntlProvider.
    const pluginDir = path.join(app, 'node_modules', 'strapi-plugin-personalize');
    const manifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    const locate = (from, name) => {
      for (let dir = from; ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, 'node_modules', name);
        if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
        if (path.dirname(dir) === dir) return null;
      }
    };
    const consumers = ['@strapi/strapi', '@strapi/core', '@strapi/admin', '@strapi/content-manager']
      .map((name) => locate(app, name))
      .filter(Boolean);
    const copies = [];
    for (const peer of Object.keys(manifest(pluginDir).peerDependencies ?? {})) {
      const ours = locate(pluginDir, peer);
      for (const consumer of consumers) {
        const declared = { ...manifest(consumer).dependencies, ...manifest(consumer).peerDependencies };
        const theirs = declared[peer] ? locate(consumer, peer) : null;
        if (theirs && ours !== theirs) {
          const described = ours ? `${manifest(ours).version} (${path.relative(app, ours)})` : 'none';
          copies.push(
            `${peer}: the plugin gets ${described}, ${manifest(consumer).name} ${manifest(theirs).version} (${path.relative(app, theirs)})`
          );
        }
      }
    }
    assert(copies.length === 0, `the plugin does not share Strapi's copy of its peers:\n  ${copies.join('\n  ')}`);
  });

  // 3. The README's configuration.
  await step("pasting the README's snippets", async () => {
    const pluginsPath = path.join(app, 'config', 'plugins.ts');
    const generated = fs.readFileSync(pluginsPath, 'utf8');
    const close = generated.lastIndexOf('\n});');
    assert(close > 0, 'template config/plugins.ts: no closing `});`');
    const property = snippets.property.map((line) => `  ${line}`).join('\n');
    fs.writeFileSync(pluginsPath, `${generated.slice(0, close)}\n${property}${generated.slice(close)}`);
    fs.writeFileSync(path.join(app, 'config', 'middlewares.ts'), snippets.middlewaresTs);
    // The README's whole files must compile in a strict app as written, too (not loaded by Strapi).
    fs.mkdirSync(path.join(app, 'src', 'readme-snippets'));
    fs.writeFileSync(path.join(app, 'src', 'readme-snippets', 'plugins.ts'), snippets.pluginsTs);
    fs.writeFileSync(path.join(app, 'src', 'readme-snippets', 'middlewares.ts'), snippets.middlewaresTs);
  });

  // 4. `strapi build`.
  const strapiBin = path.join(app, 'node_modules', '.bin', 'strapi');
  await step('strapi build (strict TypeScript compile, admin panel)', async () => {
    await run('strapi-build', strapiBin, ['build'], { cwd: app, timeoutMs: 10 * MINUTE });
    const buildDir = path.join(app, 'dist', 'build');
    const assets = fs.readdirSync(buildDir, { recursive: true }).filter((file) => String(file).endsWith('.js'));
    // The plugin's admin (its RBAC action names, among others) is bundled into the app's admin.
    const withPlugin = assets.some((file) =>
      fs.readFileSync(path.join(buildDir, String(file)), 'utf8').includes('plugin::personalize.read')
    );
    assert(withPlugin, 'the built admin panel does not contain the plugin');
  });

  // 5. Develop mode, the Content-Type Builder and delivery.
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const server = start('strapi-develop', strapiBin, ['develop', '--no-watch-admin', '--no-build-admin', '--no-install-deps'], {
    cwd: app,
    env: childEnv({ HOST: '127.0.0.1', PORT: String(port) }),
  });

  await step(`strapi develop on ${baseUrl}`, () =>
    waitFor('GET /_health', async () => (await http('GET', '/_health', { timeoutMs: 5000 })).status === 204, {
      server,
      timeoutMs: 5 * MINUTE,
    })
  );

  const admin = await step('registering the first admin', async () => {
    const password = `Install-${randomBytes(6).toString('hex')}-A1!`;
    const body = expectStatus(
      await http('POST', '/admin/register-admin', {
        body: { firstname: 'Install', lastname: 'Test', email: 'install-test@example.com', password },
      }),
      200,
      'POST /admin/register-admin'
    );
    const token = body?.data?.token ?? body?.data?.accessToken;
    assert(token, `POST /admin/register-admin: no token in ${JSON.stringify(body).slice(0, 400)}`);
    return { token };
  });

  await step('Content-Type Builder: an article with the Variants custom field (Strapi restarts)', async () => {
    const fields = expectStatus(
      await http('GET', '/content-type-builder/content-types', { token: admin.token }),
      200,
      'GET /content-type-builder/content-types'
    );
    assert(Array.isArray(fields?.data), 'GET /content-type-builder/content-types: no data');
    const created = await http('POST', '/content-type-builder/content-types', {
      token: admin.token,
      body: {
        contentType: {
          kind: 'collectionType',
          displayName: 'Article',
          singularName: 'article',
          pluralName: 'articles',
          draftAndPublish: true,
          attributes: {
            title: { type: 'string', required: true },
            variants: { type: 'customField', customField: FIELD_UID },
          },
        },
        components: [],
      },
    });
    expectStatus(created, 201, 'POST /content-type-builder/content-types');
    const schema = await waitFor(
      'the restarted Strapi serving the article type',
      async () => {
        const response = await http('GET', `/content-type-builder/content-types/${ARTICLE_UID}`, {
          token: admin.token,
          timeoutMs: 5000,
        });
        return response.status === 200 && response.json?.data?.schema;
      },
      { server, timeoutMs: 5 * MINUTE }
    );
    assert(
      schema.attributes?.variants?.customField === FIELD_UID,
      `the article's variants attribute is ${JSON.stringify(schema.attributes?.variants)}`
    );
    const file = JSON.parse(
      fs.readFileSync(path.join(app, 'src', 'api', 'article', 'content-types', 'article', 'schema.json'), 'utf8')
    );
    assert(
      file.attributes.variants.customField === FIELD_UID,
      'src/api/article/content-types/article/schema.json: no variants custom field'
    );
  });

  const documentId = await step('Content Manager: an article with a variant, published', async () => {
    const cm = `/content-manager/collection-types/${ARTICLE_UID}`;
    const refused = await http('POST', cm, {
      token: admin.token,
      body: { title: 'Refused', variants: { variants: [{ id: 'v_bad', name: 'Bad', overrides: { nope: 'x' } }] } },
    });
    assert(refused.status === 400, `an invalid variants value was not refused: ${refused.status} ${refused.text.slice(0, 400)}`);
    const created = expectStatus(
      await http('POST', cm, {
        token: admin.token,
        body: {
          title: 'Welcome',
          variants: {
            variants: [
              {
                id: 'v_mobile',
                name: 'Mobile visitors',
                enabled: true,
                condition: { '==': [{ var: 'context.device' }, 'mobile'] },
                overrides: { title: 'Welcome, mobile visitor' },
              },
            ],
          },
        },
      }),
      201,
      `POST ${cm}`
    );
    const id = created?.data?.documentId;
    assert(id, `POST ${cm}: no documentId`);
    expectStatus(
      await http('POST', `${cm}/${id}/actions/publish`, { token: admin.token, body: {} }),
      200,
      `POST ${cm}/:id/actions/publish`
    );
    return id;
  });

  const apiToken = await step('a read-only API token', async () => {
    const body = expectStatus(
      await http('POST', '/admin/api-tokens', {
        token: admin.token,
        body: { name: 'install-test', description: 'npm run test:install', type: 'read-only', lifespan: null },
      }),
      201,
      'POST /admin/api-tokens'
    );
    assert(body?.data?.accessKey, 'POST /admin/api-tokens: no accessKey');
    return body.data.accessKey;
  });

  await step('POST /api/personalize/resolve', async () => {
    const body = { uid: ARTICLE_UID, documentId };
    const mobile = expectStatus(
      await http('POST', '/api/personalize/resolve', { token: apiToken, body, headers: { 'user-agent': IPHONE_UA } }),
      200,
      'resolve (mobile)'
    );
    assert(
      mobile?.meta?.personalize?.variant === 'v_mobile',
      `resolve (mobile): variant ${JSON.stringify(mobile?.meta?.personalize)}`
    );
    assert(mobile.data?.title === 'Welcome, mobile visitor', `resolve (mobile): title ${JSON.stringify(mobile.data?.title)}`);
    assert(!('variants' in mobile.data), 'resolve: the variants field is in the response');

    const desktop = expectStatus(
      await http('POST', '/api/personalize/resolve', { token: apiToken, body, headers: { 'user-agent': DESKTOP_UA } }),
      200,
      'resolve (desktop)'
    );
    assert(
      desktop?.meta?.personalize?.variant === null && desktop.data?.title === 'Welcome',
      `resolve (desktop): ${JSON.stringify(desktop).slice(0, 400)}`
    );

    const anonymous = await http('POST', '/api/personalize/resolve', { body, headers: { 'user-agent': IPHONE_UA } });
    assert(
      anonymous.status === 401 || anonymous.status === 403,
      `resolve without a token (no public permission): ${anonymous.status}`
    );

    const plain = expectStatus(
      await http('GET', `/api/articles/${documentId}`, { token: apiToken }),
      200,
      'GET /api/articles/:documentId'
    );
    assert(plain?.data?.title === 'Welcome' && !('variants' in plain.data), `plain API: ${JSON.stringify(plain).slice(0, 400)}`);

    const adminPage = await http('GET', '/admin');
    assert(adminPage.status === 200 && /<html/i.test(adminPage.text), `GET /admin: ${adminPage.status}`);
  });

  await step('a site on another origin in Chromium: resolve, events, exportData(), erase()', async () => {
    const pluginDir = path.join(app, 'node_modules', 'strapi-plugin-personalize');
    const exported = JSON.parse(fs.readFileSync(path.join(pluginDir, 'package.json'), 'utf8')).exports['./client'].import;
    const sitePort = await freePort();
    const seen = await crossOriginCalls({
      strapiUrl: baseUrl,
      sdkFile: path.join(pluginDir, exported),
      siteUrl: `http://127.0.0.1:${sitePort}/`,
      sitePort,
      token: apiToken,
      uid: ARTICLE_UID,
      documentId,
      playwrightFrom: root,
    });
    const report = () => JSON.stringify({ ...seen, exportData: undefined }, null, 2).slice(0, 4000);
    assert(seen.origin !== new URL(baseUrl).origin, `the page is on Strapi's own origin: ${seen.origin}`);
    const refused = seen.calls.filter((call) => call.error);
    assert(refused.length === 0, `calls refused cross-origin (CORS?):\n${report()}`);
    assert(
      seen.resolve?.title === 'Welcome' && seen.resolve.variant === null,
      `resolve from another origin: ${JSON.stringify(seen.resolve)}`
    );
    const events = seen.calls.find((call) => call.url.endsWith('/api/personalize/events'));
    assert(
      events?.status === 202 && JSON.parse(events.text).accepted === 1,
      `events from another origin: ${JSON.stringify(events)}`
    );
    const tracked = seen.exportData?.data?.events ?? [];
    assert(
      tracked.some((event) => event.type === 'track' && event.name === 'signup'),
      `exportData() from another origin: ${JSON.stringify(seen.exportData).slice(0, 800)}`
    );
    assert(seen.erase?.erased && !seen.erase.error, `erase() from another origin: ${JSON.stringify(seen.erase)}`);
    const after = expectStatus(
      await http('GET', '/api/personalize/me', { headers: { 'x-personalize-visitor': seen.erase.erased } }),
      200,
      'GET /api/personalize/me after erase()'
    );
    assert(after?.data?.profile === null, `after erase(), the visitor still has a profile: ${JSON.stringify(after).slice(0, 800)}`);
    assert(
      !/strapi::cors's `headers` list/.test(fs.readFileSync(server.logFile, 'utf8')),
      "Strapi warned about strapi::cors's headers with the app's default CORS"
    );
  });

  await step('stopping Strapi', () => stop(server));
};

// ---------------------------------------------------------------------------------------------

const cleanUp = async () => {
  await Promise.all([...children].map((child) => stop(child, 5000)));
  if (tmp && !keep && fs.existsSync(tmp)) {
    log(`removing ${tmp}`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
};

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    console.error(`[install-test] ${signal}: stopping`);
    await cleanUp();
    process.exit(130);
  });
}

main().then(
  async () => {
    await cleanUp();
    const total = Date.now() - startedAt;
    console.log(`\n[install-test] PASS in ${seconds(total)}`);
    for (const [title, ms] of timings) console.log(`  ${seconds(ms).padStart(8)}  ${title}`);
    if (keep) console.log(`  kept: ${tmp}`);
  },
  async (error) => {
    console.error(
      `\n[install-test] FAIL after ${seconds(Date.now() - startedAt)}: ${error instanceof TestFailure ? error.message : error.stack}`
    );
    if (tmp) console.error(keep ? `  kept: ${tmp} (logs in ${logsDir})` : `  (run with --keep to keep ${tmp} and its logs)`);
    await cleanUp();
    process.exit(1);
  }
);
