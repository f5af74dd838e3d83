/**
 * What the published package carries: the documentation's text, not its screenshots (about 1.4 MB of
 * PNGs an app never needs), so every image the README and docs/ show is linked from the repository
 * (package.json `repository`) and still renders on npm, where the tarball's own files are not served.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { repository: { url: string } };
const REPOSITORY = pkg.repository.url.replace(/^git\+https:\/\/github\.com\//, '').replace(/\.git$/, '');
/** Where the README and docs/ link their images: the repository's main branch, raw. */
const IMAGES = `https://raw.githubusercontent.com/${REPOSITORY}/main/docs/images/`;

const MARKDOWN = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Every `![alt](target)` and `<img src="target">` of a Markdown file. */
const imagesOf = (file: string) => {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/!\[[^\]]*\]\(([^)\s]+)[^)]*\)|<img[^>]*\ssrc="([^"]+)"/g)].map((match) => match[1] ?? match[2]);
};

describe('the packed tarball', () => {
  it('carries docs/*.md without docs/images', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts', '--loglevel=error'], {
        cwd: ROOT,
        encoding: 'utf8',
      })
    ) as Array<{ files: Array<{ path: string }> }>;
    const files = packed.files.map((file) => file.path);
    expect(files.filter((file) => file.startsWith('docs/images/'))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/design.md', 'docs/editor-guide.md']));
  });
});

describe('image links in the README and docs/', () => {
  it.each(MARKDOWN)('%s links its images from the repository, to files that exist', (file) => {
    const images = imagesOf(file);
    expect(images.filter((target) => !target.startsWith(IMAGES))).toEqual([]);
    expect(images.filter((target) => !fs.existsSync(path.join(ROOT, 'docs/images', target.slice(IMAGES.length))))).toEqual([]);
  });

  it('finds the screenshots it checks', () => {
    expect(MARKDOWN.flatMap(imagesOf).length).toBeGreaterThan(10);
  });
});
