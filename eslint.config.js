// One lint config for the whole repository. Package boundaries are enforced here, not in review:
// apps import packages, packages never import apps, apps never import each other.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const APPS = ['launcher', 'simulator', 'ingest', 'api', 'console', 'detector'];

/** Imports that would cross an app boundary, as no-restricted-imports patterns. */
function boundaryPatterns(self) {
  const others = APPS.filter((a) => a !== self);
  return [
    {
      group: others.flatMap((a) => [`@ct/${a}`, `@ct/${a}/*`, `**/apps/${a}/**`]),
      message: 'Apps never import each other: talk over MQTT, HTTP/WebSocket or the database.',
    },
  ];
}

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '.data/**', 'artifacts/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportAllDeclaration',
          message: 'Name what a module exports; no `export *`.',
        },
      ],
    },
  },
  {
    files: ['packages/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...APPS.flatMap((a) => [`@ct/${a}`, `@ct/${a}/*`]), '**/apps/**'],
              message: 'Packages never import apps.',
            },
          ],
        },
      ],
    },
  },
  ...APPS.map((app) => ({
    files: [`apps/${app}/**/*.{ts,tsx}`],
    rules: { 'no-restricted-imports': ['error', { patterns: boundaryPatterns(app) }] },
  })),
  {
    files: ['packages/analytics/**/*.ts'],
    ignores: ['packages/analytics/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'node:fs', 'net', 'node:net', 'http', 'node:http', 'postgres', 'mqtt'].map(
            (name) => ({ name, message: 'packages/analytics is pure: no I/O.' }),
          ),
          patterns: [{ group: ['**/apps/**', '@ct/db'], message: 'packages/analytics is pure.' }],
        },
      ],
    },
  },
  {
    files: ['apps/console/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
