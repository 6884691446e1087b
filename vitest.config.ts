import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // Renderer tests import single-file components and stores.
  plugins: [vue()],
  test: {
    include: ['test/**/*.test.ts'],
    // Numerical tests build eigendecompositions and train small networks: allow them time.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
})
