// Lint: typescript-eslint's recommended rules plus the house layering rule (STYLE.md rule 1):
// src/shared imports no Node, DOM, Electron or tfjs; src/renderer imports nothing of src/main;
// only src/main/electron may import 'electron'.
import tseslint from 'typescript-eslint'
import importPlugin from 'eslint-plugin-import'

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'http', 'net', 'stream', 'util', 'events']
const nodeModules = NODE_BUILTINS.flatMap((name) => [name, `node:${name}`, `node:${name}/*`])

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'runs-example/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { import: importPlugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import/no-restricted-paths': ['error', {
        zones: [
          { target: './src/shared', from: './src/main', message: 'src/shared is pure: it may not import src/main.' },
          { target: './src/shared', from: './src/renderer', message: 'src/shared is pure: it may not import src/renderer.' },
          { target: './src/renderer', from: './src/main', message: 'The renderer talks to main through the API contract only.' },
          { target: './src/main', from: './src/renderer', message: 'src/main may not import the renderer.' },
        ],
      }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeModules, 'electron'].map((name) => ({ name, message: 'src/shared is pure TypeScript: no Node, DOM, Electron or tfjs imports.' })),
        patterns: [{ group: ['@tensorflow/*', 'node:*'], message: 'src/shared is pure TypeScript: no Node or tfjs imports.' }],
      }],
    },
  },
  {
    files: ['src/renderer/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeModules, 'electron'].map((name) => ({ name, message: 'The renderer is sandboxed: it reaches main only through the typed API (window.workbench).' })),
        patterns: [{ group: ['@tensorflow/*', 'node:*'], message: 'The renderer computes nothing heavy and has no Node access.' }],
      }],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/electron/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: "Only src/main/electron may import 'electron', so the CLI and browser-mode server run without it." }],
      }],
    },
  },
)
