/**
 * A finished sweep of many points without running them all: one real run of point 0, then, for
 * every other point, a copy of its run.json with that point's ids, parameters and config (no
 * arrays: the sweep table and list read run.json alone). For the 1,000-point memory benchmark and
 * the e2e check that the table stays smooth with 1,000 rows.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { loadSweep } from '../../src/main/sweeps/sweepDefinition'
import { runSweepPoint } from '../../src/main/sweeps/sweepRunner'
import { compactJson } from '../../src/shared/study/compactJson'
import type { RunRecord } from '../../src/shared/study/runRecord'

export interface FinishedSweep {
  points: number
  /** seconds of the one real run */
  realRunSeconds: number
  /** size of its run.json, bytes */
  runJsonBytes: number
}

/** Runs point 0 of the saved sweep for real and writes run.json copies for the others. */
export async function writeFinishedSweep(projectDir: string, sweepId: string, workerScript?: string): Promise<FinishedSweep> {
  const { points } = await loadSweep(projectDir, sweepId)
  const started = performance.now()
  const real = await runSweepPoint({ projectDir, sweepId, index: 0, workerScript })
  if (real.status !== 'done' || !real.runDir) throw new Error(`the real run of point 0 ended ${real.status}: ${real.message}`)
  const realRunSeconds = (performance.now() - started) / 1000
  const text = readFileSync(join(real.runDir, 'run.json'), 'utf8')
  const template = JSON.parse(text) as RunRecord
  for (const point of points.slice(1)) {
    const runId = `${point.id}-20260101-000000-${point.index.toString(16).padStart(4, '0')}`
    const record: RunRecord = {
      ...template, runId, experimentId: point.id, config: point.experiment,
      sweep: { id: sweepId, pointId: point.id, index: point.index, params: point.params },
    }
    mkdirSync(join(projectDir, 'runs', runId), { recursive: true })
    writeFileSync(join(projectDir, 'runs', runId, 'run.json'), `${compactJson(record)}\n`)
  }
  return { points: points.length, realRunSeconds, runJsonBytes: text.length }
}
