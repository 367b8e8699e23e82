// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// src/lib runs in the browser (islands), the CLI and tests alike: it must not import Node built-ins.
const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  {
    ignores: [
      'dist/',
      '**/dist/',
      'packages/cli/labs/',
      '.astro/',
      'node_modules/',
      'test-results/',
      'playwright-report/',
      'labs/.state/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-undef': 'off', // TypeScript checks this, with the right lib for each environment
    },
  },
  {
    files: ['src/lib/**/*.ts'],
    ignores: ['src/lib/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'src/lib runs in the browser: no Node built-ins (move Node-only code to src/cli or labs).',
          })),
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/lib runs in the browser: no process.' },
        { name: 'Buffer', message: 'src/lib runs in the browser: use Uint8Array.' },
        { name: 'require', message: 'src/lib is ESM and browser-safe.' },
      ],
    },
  },
);
