// electron-vite: the three Electron bundles. Output goes to out/main, out/preload and
// out/renderer; out/node belongs to scripts/buildNode.mjs (the CLI and compute workers).
//
// - main: src/main/electron/main.ts -> out/main/index.js (package.json "main"), ES module.
// - preload: src/preload/index.ts -> out/preload/index.cjs. The renderer is sandboxed, and a
//   sandboxed preload must be a single CommonJS script that requires only 'electron'.
// - renderer: src/renderer (Vue 3), with the Content-Security-Policy meta tag written into
//   index.html from the same source main.ts sends as a header.
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import type { Plugin } from 'vite'
import { CONTENT_SECURITY_POLICY_META } from './src/main/electron/contentSecurityPolicy'

// import.meta.url (not import.meta.dirname): electron-vite rewrites it to this file's own URL
// when it bundles the config.
const root = fileURLToPath(new URL('.', import.meta.url))

const CSP_PLACEHOLDER = '%WORKBENCH_CONTENT_SECURITY_POLICY%'

/** Fills index.html's CSP meta tag (first in <head>, so it governs every script after it). */
function contentSecurityPolicyMetaTag(): Plugin {
  return {
    name: 'workbench:content-security-policy',
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (!html.includes(CSP_PLACEHOLDER)) {
          throw new Error(`index.html lacks the Content-Security-Policy meta tag with ${CSP_PLACEHOLDER}.`)
        }
        return html.replaceAll(CSP_PLACEHOLDER, CONTENT_SECURITY_POLICY_META)
      },
    },
  }
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      rollupOptions: {
        input: { index: resolve(root, 'src/main/electron/main.ts') },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: {
        input: { index: resolve(root, 'src/renderer/index.html') },
      },
    },
    plugins: [vue(), contentSecurityPolicyMetaTag()],
  },
})
