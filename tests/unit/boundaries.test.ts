/**
 * The layout's import rules (docs/design.md, "Layout"): the admin reaches the server only through
 * contracts/ and engine/; contracts/ imports nothing but engine/ and zod; engine/ stays pure.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) ? [full] : [];
  });

const IMPORT = /(?:from\s+|import\s*\(\s*|require\(\s*)['"]([^'"]+)['"]/g;

const importsOf = (file: string) => [...fs.readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => match[1]);

/** Where a relative import lands, as a path from the repository root. */
const target = (file: string, specifier: string) =>
  specifier.startsWith('.') ? path.relative(ROOT, path.resolve(path.dirname(file), specifier)) : specifier;

const violations = (dir: string, allowed: (landing: string) => boolean) =>
  sourceFiles(path.join(ROOT, dir)).flatMap((file) =>
    importsOf(file)
      .map((specifier) => target(file, specifier))
      .filter((landing) => !allowed(landing))
      .map((landing) => `${path.relative(ROOT, file)} → ${landing}`)
  );

describe('import boundaries', () => {
  it('the admin never imports server internals', () => {
    expect(violations('admin/src', (landing) => !landing.startsWith('server/'))).toEqual([]);
  });

  it('contracts/ imports nothing but engine/, zod and itself', () => {
    expect(
      violations('contracts/src', (landing) => landing === 'zod' || landing.startsWith('contracts/src') || landing.startsWith('engine/src'))
    ).toEqual([]);
  });

  it('engine/ imports nothing outside itself', () => {
    expect(violations('engine/src', (landing) => landing.startsWith('engine/src'))).toEqual([]);
  });

  it('would catch a violation (the checker reads relative and package imports)', () => {
    expect(target(path.join(ROOT, 'admin/src/utils/api.ts'), '../../../server/src/x')).toBe('server/src/x');
    expect(importsOf(path.join(ROOT, 'admin/src/utils/api.ts')).length).toBeGreaterThan(0);
  });
});
