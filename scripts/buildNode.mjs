// Bundles the Node-side entry points (CLI, compute workers, browser mode's server, `npm start`)
// into out/node with esbuild, so that `mscale`, `npm run serve`, `npm start` and the worker threads
// run as plain JavaScript without a TypeScript loader.
// Runs on `npm install` (prepare), before tests, and on demand from bin/mscale.mjs.
import { build } from 'esbuild'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Entry points: output name -> source file. Workers must be separate files for worker_threads. */
export const NODE_ENTRIES = {
  cli: 'src/main/cli/mscale.ts',
  runWorker: 'src/main/compute/runWorker.ts',
  previewWorker: 'src/main/compute/previewWorker.ts',
  f64ThreadWorker: 'src/main/compute/engines/f64ThreadWorker.ts',
  bench: 'bench/trainingBenchmark.ts',
  benchSweep: 'bench/sweepThroughput.ts',
  benchSweepMemory: 'bench/sweepMemory.ts',
  benchNtk: 'bench/ntkBenchmark.ts',
  server: 'src/main/server/serveCommand.ts',
  start: 'src/main/server/startCommand.ts',
}

export async function buildNode({ quiet = false } = {}) {
  const entryPoints = Object.fromEntries(
    Object.entries(NODE_ENTRIES)
      .map(([name, file]) => [name, join(root, file)])
      .filter(([, file]) => existsSync(file)),
  )
  await build({
    entryPoints,
    outdir: join(root, 'out/node'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: true,
    // Native and optional packages stay external: they are resolved from node_modules at run time.
    packages: 'external',
    logLevel: quiet ? 'error' : 'warning',
  })
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildNode()
}
