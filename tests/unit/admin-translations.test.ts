/**
 * Every string of the admin UI goes through react-intl (docs/design.md, "Admin API": "Every admin UI string
 * is in the plugin's translations"): the locales have the same keys and placeholders, every id the
 * code asks for exists, and no JSX text or label is hard-coded English.
 */
import fs from 'node:fs';
import path from 'node:path';

import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { createIntl } from 'react-intl';
import ts from 'typescript';

import { describeCondition } from '../../admin/src/rules/summary';
import { getTranslation } from '../../admin/src/utils/getTranslation';

const ROOT = path.resolve(__dirname, '../..');
const ADMIN = path.join(ROOT, 'admin/src');
const LOCALES = ['en', 'fr'] as const;

const messages = Object.fromEntries(
  LOCALES.map((locale) => [
    locale,
    JSON.parse(fs.readFileSync(path.join(ADMIN, 'translations', `${locale}.json`), 'utf8')) as Record<string, string>,
  ])
) as Record<(typeof LOCALES)[number], Record<string, string>>;

const sourceFiles = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });

const relative = (file: string) => path.relative(ROOT, file);

/** The arguments a message uses, including those inside plural/select branches. */
const argumentsOf = (elements: MessageFormatElement[], into = new Set<string>()): Set<string> => {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    into.add(element.value);
    if (element.type === TYPE.select || element.type === TYPE.plural) {
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
    if (element.type === TYPE.tag) argumentsOf(element.children, into);
  }
  return into;
};

/** An intl for the admin's messages as registerTrads hands them over (keys prefixed with the plugin id). */
const intlFor = (locale: (typeof LOCALES)[number]) =>
  createIntl({
    locale,
    messages: Object.fromEntries(Object.entries(messages[locale]).map(([key, value]) => [getTranslation(key), value])),
    onError: (error) => {
      throw error;
    },
  });

describe('admin translations', () => {
  it('every locale has exactly the keys of en.json', () => {
    for (const locale of LOCALES) {
      expect(Object.keys(messages[locale]).sort()).toEqual(Object.keys(messages.en).sort());
    }
  });

  it('every value is a valid ICU message with the same placeholders in every locale', () => {
    const mismatches: string[] = [];
    for (const [key, english] of Object.entries(messages.en)) {
      const expected = [...argumentsOf(parse(english))].sort();
      for (const locale of LOCALES) {
        const value = messages[locale][key];
        expect(typeof value === 'string' && value.trim() !== '').toBe(true);
        const actual = [...argumentsOf(parse(value))].sort();
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          mismatches.push(`${locale} ${key}: {${actual.join('}, {')}} instead of {${expected.join('}, {')}}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('every getTranslation(...) id of admin/src exists in en.json', () => {
    const missing: string[] = [];
    for (const file of sourceFiles(ADMIN)) {
      const source = fs.readFileSync(file, 'utf8');
      for (const match of source.matchAll(/getTranslation\(\s*(['"`])([^'"`]+)\1\s*\)/g)) {
        // A template literal with `${...}` is a key built at run time: it cannot be checked here.
        if (match[2].includes('${')) continue;
        if (!(match[2] in messages.en)) missing.push(`${relative(file)}: ${match[2]}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('the default messages in the code are the English of en.json', () => {
    const pattern = /getTranslation\('([^']+)'\)\s*,\s*defaultMessage:\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")/g;
    const differ: string[] = [];
    for (const file of sourceFiles(ADMIN)) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(pattern)) {
        const text = (match[2] ?? match[3]).replace(/\\(['"])/g, '$1');
        if (match[1] in messages.en && messages.en[match[1]] !== text) differ.push(`${relative(file)}: ${match[1]}`);
      }
    }
    expect(differ).toEqual([]);
  });

  describe('no hard-coded English in the JSX', () => {
    /** Props that put words on screen or in the accessibility tree. */
    const TEXT_PROPS = new Set([
      'aria-label',
      'label',
      'placeholder',
      'title',
      'subtitle',
      'hint',
      'onLabel',
      'offLabel',
      'closeLabel',
      'alt',
      'description',
    ]);
    /** Words: two lowercase letters in a row (not `JSON`, `→`, `a, b, c`, `1.` or `${name} (${id})`). */
    const WORDS = /[a-z]{2,}/;
    const ALLOWED = new Set<string>([]);

    const literalTexts = (node: ts.Node): string[] => {
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
      if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((span) => span.literal.text)];
      if (ts.isConditionalExpression(node)) return [...literalTexts(node.whenTrue), ...literalTexts(node.whenFalse)];
      if (ts.isBinaryExpression(node)) {
        const operator = node.operatorToken.kind;
        if (operator === ts.SyntaxKind.AmpersandAmpersandToken) return literalTexts(node.right);
        const shown = [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.PlusToken];
        return shown.includes(operator) ? [...literalTexts(node.left), ...literalTexts(node.right)] : [];
      }
      if (ts.isParenthesizedExpression(node)) return literalTexts(node.expression);
      return [];
    };

    const hardCoded = (file: string, text = fs.readFileSync(file, 'utf8')): string[] => {
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
      const found: string[] = [];
      const report = (node: ts.Node, text: string) => {
        const trimmed = text.replace(/\s+/g, ' ').trim();
        if (trimmed && WORDS.test(trimmed) && !ALLOWED.has(trimmed)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          found.push(`${relative(file)}:${line + 1} ${JSON.stringify(trimmed)}`);
        }
      };
      const visit = (node: ts.Node) => {
        if (ts.isJsxText(node)) report(node, node.text);
        if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
          for (const text of literalTexts(node.expression)) report(node, text);
        }
        if (ts.isJsxAttribute(node) && TEXT_PROPS.has(node.name.getText(source)) && node.initializer) {
          const value = ts.isJsxExpression(node.initializer) ? node.initializer.expression : node.initializer;
          for (const text of value ? literalTexts(value) : []) report(node, text);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
      return found;
    };

    const files = sourceFiles(ADMIN).filter((file) => file.endsWith('.tsx'));

    it('finds the admin components', () => {
      expect(files.length).toBeGreaterThan(10);
    });

    it.each(files.map((file) => [relative(file), file]))('%s', (_, file) => {
      expect(hardCoded(file)).toEqual([]);
    });

    it('would catch hard-coded text, labels and strings in JSX', () => {
      const sample = [
        'export const A = () => <Button aria-label="Delete it" title={`Edit ${x}`} variant="tertiary">',
        '  Save changes',
        "  {ok ? 'in the audience' : null}",
        "  {mode === 'json' && <Icon />}",
        "  {problem ?? 'Enter a number'}",
        '  {/* a comment is fine */}',
        '  {`${name} (${id})`} JSON',
        '</Button>;',
      ].join('\n');
      expect(hardCoded(path.join(ADMIN, 'probe.tsx'), sample).map((line) => line.replace(/^.*?:\d+ /, ''))).toEqual([
        '"Delete it"',
        '"Edit"',
        '"Save changes"',
        '"in the audience"',
        '"Enter a number"',
      ]);
    });
  });

  describe('condition summaries follow the admin language', () => {
    const condition = {
      and: [
        { '==': [{ var: 'context.device' }, 'mobile'] },
        { '<': [{ var: 'behavior.dwellSec' }, 10] },
        { or: [{ audience: 'vip' }, { '==': [{ var: 'session.isNew' }, true] }] },
      ],
    };
    const audienceNames = { vip: 'VIP' };

    it('reads the same from en.json as from the default messages', () => {
      const { formatMessage } = intlFor('en');
      expect(describeCondition(condition, { audienceNames, formatMessage })).toBe(describeCondition(condition, { audienceNames }));
    });

    it('reads in French with fr.json', () => {
      const { formatMessage } = intlFor('fr');
      expect(describeCondition(condition, { audienceNames, formatMessage })).toBe(
        'appareil est mobile et temps passé < 10 s et (dans l’audience « VIP » ou nouvelle session est vrai)'
      );
      expect(describeCondition(null, { formatMessage })).toBe('toujours');
    });

    it('uses ICU plurals where a count is shown', () => {
      const fr = intlFor('fr');
      const en = intlFor('en');
      const more = { id: getTranslation('audiences.usage.more') };
      expect(fr.formatMessage(more, { count: 1 })).toBe('et 1 autre');
      expect(fr.formatMessage(more, { count: 3 })).toBe('et 3 autres');
      expect(en.formatMessage(more, { count: 3 })).toBe('and 3 more');
    });
  });
});
