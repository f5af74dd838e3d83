#!/usr/bin/env node
/**
 * Builds the browser/edge SDK (`./client`, `./client/react`) after `strapi-plugin build`.
 * The plugin build (Vite, driven by package.json exports) emits their type declarations, but its JS
 * is neither minified nor split: here esbuild writes the published files over it, in well under a
 * second. ESM and CJS, minified, ES2020; `./client/react` imports the core from `../index.*` instead
 * of bundling a second copy, and leaves `react` to the app. The plugin build declares only
 * client/src, whose types re-export contracts/src/wire.ts: its declaration is written here, where
 * client/src's `../../contracts/src/wire` finds it.
 */
/* global console */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `./index` imported by react.ts → the built core next door. */
const coreExternal = (extension) => ({
  name: 'core-external',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\/index$/ }, () => ({ path: `../index.${extension}`, external: true }));
  },
});

const common = {
  absWorkingDir: root,
  bundle: true,
  minify: true,
  target: 'es2020',
  platform: 'neutral',
  legalComments: 'none',
  logLevel: 'warning',
};

/** contracts/src/wire.ts → dist/contracts/src/wire.d.ts (no imports, so one file is all it takes). */
const declareWire = async () => {
  const source = path.join(root, 'contracts/src/wire.ts');
  const { outputText, diagnostics } = ts.transpileDeclaration(await readFile(source, 'utf8'), {
    fileName: source,
    reportDiagnostics: true,
  });
  if (diagnostics?.length)
    throw new Error(`contracts/src/wire.ts: ${ts.flattenDiagnosticMessageText(diagnostics[0].messageText, '\n')}`);
  await mkdir(path.join(root, 'dist/contracts/src'), { recursive: true });
  await writeFile(path.join(root, 'dist/contracts/src/wire.d.ts'), outputText);
};

const started = Date.now();
await Promise.all([
  declareWire(),
  ...[
    ['esm', 'mjs'],
    ['cjs', 'js'],
  ].flatMap(([format, extension]) => [
    build({ ...common, format, entryPoints: ['client/src/index.ts'], outfile: `dist/client/index.${extension}` }),
    build({
      ...common,
      format,
      entryPoints: ['client/src/react.ts'],
      outfile: `dist/client/react/index.${extension}`,
      external: ['react'],
      plugins: [coreExternal(extension)],
    }),
  ]),
]);
console.log(`client SDK built in ${Date.now() - started} ms`);
