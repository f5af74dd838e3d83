// ESLint 9 flat config: @eslint/js and typescript-eslint recommended sets (no type information, so it stays
// fast), the two classic React hooks rules for the admin, and engine purity. Formatting is Prettier's job
// (.prettierrc.json); no stylistic rules here. `npm run lint`.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['**/dist/**', '**/node_modules/**', 'coverage/**', 'playground/**', '**/.strapi/**', 'tests/install/template/**']),

  js.configs.recommended,
  tseslint.configs.recommended,

  {
    rules: {
      // `_`-prefixed names are deliberately unused (placeholders in destructuring and test tables).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // The engine's comma-expression evaluators, e.g. `(s) => (evaluateAll(args, s), null)`, are deliberate.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },

  // Node code (server, tests, benches) may use Node globals; CommonJS helpers may use require.
  {
    files: ['server/**', 'tests/**', 'bench/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['tests/**'],
    languageOptions: { globals: { ...globals.jest } },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // The admin (and the browser SDK): React hooks rules.
  {
    files: ['admin/src/**/*.{ts,tsx}', 'client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },

  // engine/ is pure TypeScript for browser, edge and Node: no Node built-ins, no dependencies (DESIGN.md).
  {
    files: ['engine/src/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ regex: '^(?!\\.)', message: 'engine/ is pure: relative imports only (no Node built-ins, no packages).' }],
        },
      ],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global'],
    },
  }
);
