// Lint: typescript-eslint's recommended rules, eslint-plugin-vue's essential rules for the .vue
// files (their scripts through the TypeScript parser), plus the house layering rule (STYLE.md rule 1):
// src/shared imports no Node, DOM, Electron or tfjs; src/renderer imports nothing of src/main;
// only src/main/electron may import 'electron'.
import tseslint from 'typescript-eslint'
import importPlugin from 'eslint-plugin-import'
import pluginVue from 'eslint-plugin-vue'

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'url', 'crypto', 'http', 'net', 'stream', 'util', 'events']
const nodeModules = NODE_BUILTINS.flatMap((name) => [name, `node:${name}`, `node:${name}/*`])

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'runs-example/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/essential'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' } },
    // single-word names (Toolbar) cannot clash with HTML elements: this app registers no globals
    rules: { 'vue/multi-word-component-names': 'off' },
  },
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
    files: ['src/renderer/**/*.ts', 'src/renderer/**/*.vue'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [...nodeModules, 'electron'].map((name) => ({ name, message: 'The renderer is sandboxed: it reaches main only through the typed API (window.workbench).' })),
        patterns: [
          { group: ['@tensorflow/*', 'node:*'], message: 'The renderer computes nothing heavy and has no Node access.' },
          // import/no-restricted-paths does not resolve imports of .vue files: name the folder too
          { group: ['**/main/**'], message: 'The renderer talks to main through the API contract only.' },
        ],
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
