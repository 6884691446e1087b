// Benchmark (not a test): the main process's memory with a finished 1,000-point sweep open (issue 4,
// Acceptance). Builds a project whose sweep has 1,000 points, makes ONE real finished run (default
// analysis: 801 frequencies, a 100-step time grid, so its run.json has the size of a real one),
// writes the 999 others as copies of that run.json with their own ids and parameters (no arrays:
// the sweep table never reads them), then creates the services as browser mode does and calls
// sweep.list and sweep.table. Run with `npm run bench:sweep` (or, after `node scripts/buildNode.mjs`,
// `node --expose-gc out/node/benchSweepMemory.mjs`); --expose-gc makes the figures after GC.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServices } from '../src/main/services/createServices'
import { loadSweep } from '../src/main/sweeps/sweepDefinition'
import { writeFinishedSweep } from '../test/helpers/finishedSweep'

const SEEDS = 250
const SCALES = [[1], [1, 2], [1, 2, 4], [1, 2, 4, 8]]

const gc = (globalThis as { gc?: () => void }).gc
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
const signedMib = (bytes: number) => `${bytes >= 0 ? '+' : ''}${mib(bytes)}`
function memory(): { rss: number; heapUsed: number } {
  gc?.()
  gc?.()
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}
const show = (label: string, m: { rss: number; heapUsed: number }) => console.log(`  ${label.padEnd(56)} RSS ${mib(m.rss).padStart(10)}   heap used ${mib(m.heapUsed).padStart(9)}`)

const root = mkdtempSync(join(tmpdir(), 'mscale-sweep-memory-'))
const dir = join(root, 'memory.mscale')
mkdirSync(dir)
try {
  writeFileSync(join(dir, 'project.json'), JSON.stringify({
    format: 'mscale-workbench/project', version: 1, name: 'sweep memory benchmark',
    experiments: [{
      id: 'base', target: { expr: '(1-(x/4)^2)^4*(sin(x)+0.8*sin(4*x)+0.6*sin(9*x))' },
      domain: { dim: 1, halfWidth: 4, samples: 201, sampling: 'grid' },
      network: { scales: [1, 2, 4, 8], width: 1000, seed: 0 },
      training: { learningRate: 'auto', time: 1, snapshots: [0, 0.25, 0.5, 1], backend: 'js-f64' },
      analysis: { xiMax: 4, xiPoints: 801, band: 2.5 },
    }],
    sweeps: [{
      id: 'scales-seed', base: 'base', mode: 'grid',
      axes: [{ path: 'network.scales', values: SCALES }, { path: 'network.seed', values: { from: 0, to: SEEDS - 1 } }],
    }],
  }, null, 2))
  const { points } = await loadSweep(dir, 'scales-seed')
  console.log(`Main-process memory with a finished ${points.length}-point sweep open, Node ${process.versions.node}${gc ? ', after GC' : ' (run with --expose-gc for figures after GC)'}`)
  const finished = await writeFinishedSweep(dir, 'scales-seed')
  console.log(`  1 real run (${finished.realRunSeconds.toFixed(1)} s), run.json ${(finished.runJsonBytes / 1024).toFixed(0)} KiB; ${points.length - 1} copies of its run.json with their own ids and parameters, no arrays (the table never reads them)`)

  const before = memory()
  show('before the services', before)
  const services = createServices({ mode: 'browser', workspaceRoot: root, settingsDir: join(root, 'settings') })
  let t = performance.now()
  const [summary] = await services.sweep.list({ projectDir: dir })
  const listSeconds = (performance.now() - t) / 1000
  if (summary.counts.done !== points.length) throw new Error(`expected ${points.length} done points, got ${JSON.stringify(summary.counts)}`)
  const afterList = memory()
  show(`after sweep.list (${(listSeconds * 1000).toFixed(0)} ms, cold)`, afterList)
  t = performance.now()
  let table = await services.sweep.table({ projectDir: dir, sweepId: 'scales-seed' })
  const warmSeconds = (performance.now() - t) / 1000
  const tableBytes = JSON.stringify(table).length
  show(`after sweep.table (${(warmSeconds * 1000).toFixed(0)} ms, cached digests)`, memory())
  t = performance.now()
  table = await services.sweep.table({ projectDir: dir, sweepId: 'scales-seed', decay: { frequencies: [0.5, 1, 1.5, 2], threshold: 0.1 } })
  const newQuerySeconds = (performance.now() - t) / 1000
  const withTable = memory()
  show(`after sweep.table, new query (${(newQuerySeconds * 1000).toFixed(0)} ms, reads all)`, withTable)
  const rows = table.rows.length
  table = undefined as unknown as typeof table
  const after = memory()
  show('table released (what the process keeps)', after)
  console.log(`  ${rows} rows; the table as JSON (what goes to the renderer): ${(tableBytes / 1024).toFixed(0)} KiB`)
  console.log(`  kept by the main process: RSS ${signedMib(after.rss - before.rss)}, heap used ${signedMib(after.heapUsed - before.heapUsed)} over the ${(finished.runJsonBytes * points.length / 2 ** 20).toFixed(0)} MiB of run.json files`)
  await services.dispose?.()
} finally {
  rmSync(root, { recursive: true, force: true })
}
