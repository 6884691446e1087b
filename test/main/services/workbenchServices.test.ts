// The workbench services over the in-process transport (STYLE.md rule 3), with real run workers
// (out/node/runWorker.mjs, built by `npm test` before Vitest runs).
import { afterAll, describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createServiceClient } from '../../../src/shared/api/apiProxy'
import { ANALYSIS_SERVICE, PROJECT_SERVICE, RUN_SERVICE, serveWorkbenchServices, type RunFinished, type RunProgress } from '../../../src/shared/api/workbenchApi'
import { createInProcessTransport } from '../../../src/main/api/inProcessTransport'
import { createServices } from '../../../src/main/services/createServices'
import { tinyExperiment, writeTinyProject } from '../../helpers/tinyProject'

const services = createServices({ concurrency: 2 })
const transport = createInProcessTransport(serveWorkbenchServices(services))
const projects = createServiceClient(PROJECT_SERVICE, transport)
const runs = createServiceClient(RUN_SERVICE, transport)
const analysis = createServiceClient(ANALYSIS_SERVICE, transport)
afterAll(() => services.dispose?.())

const finishedEvent = (runId: string) => new Promise<RunFinished>((resolve) => {
  const off = runs.on('finished', (f) => {
    if (f.runId === runId) {
      off()
      resolve(f)
    }
  })
})

describe('workbench services', () => {
  it('project.open refuses an invalid project with every problem and its JSON path as details', async () => {
    const dir = writeTinyProject([tinyExperiment('a', { network: { scales: [] } }), tinyExperiment('a')])
    const error = await projects.open(dir).catch((e) => e)
    expect(error.code).toBe('invalid-project')
    const paths = (error.details.problems as { path: string }[]).map((p) => p.path).join(' ')
    expect(paths).toMatch(/experiments\[0\]\.network\.scales/)
    expect(paths).toMatch(/experiments\[1\]\.id/)
  })

  it('project.open and save round-trip a project, keeping fields this version does not know', async () => {
    const dir = writeTinyProject([{ ...tinyExperiment('a'), notes: { by: 'hand' } }], { studyTag: 42 })
    const opened = await projects.open(dir)
    expect(opened.project.experiments[0].id).toBe('a')
    await projects.save({ dir, project: opened.project })
    const saved = JSON.parse(readFileSync(join(dir, 'project.json'), 'utf8'))
    expect(saved.studyTag).toBe(42)
    expect(saved.experiments[0].notes).toEqual({ by: 'hand' })
  })

  it('run.start streams progress, finishes two runs in parallel, and run.list reads them back', async () => {
    const dir = writeTinyProject([tinyExperiment('one'), tinyExperiment('two', { network: { scales: [1, 2, 4] } })])
    const progress: RunProgress[] = []
    const off = runs.on('progress', (p) => progress.push(p))
    const started = await Promise.all(['one', 'two'].map((experimentId) => runs.start({ projectDir: dir, experimentId })))
    const finished = await Promise.all(started.map(({ runId }) => finishedEvent(runId)))
    off()
    expect(finished.map((f) => f.status)).toEqual(['done', 'done'])
    expect(new Set(progress.map((p) => p.runId))).toEqual(new Set(started.map((s) => s.runId)))
    expect(progress.some((p) => p.phase === 'training' && p.step > 0)).toBe(true)
    const listed = await runs.list({ projectDir: dir })
    expect(listed.map((r) => r.status)).toEqual(['done', 'done'])
    expect(listed.every((r) => r.backend === 'js-f64' && (r.finalErrorNorm ?? -1) > 0)).toBe(true)
  })

  it('run.cancel stops a long run within a second and leaves it marked cancelled', async () => {
    const dir = writeTinyProject([tinyExperiment('long', { network: { width: 2000 }, domain: { samples: 401 }, training: { time: 1000 } })])
    const { runId, runDir } = await runs.start({ projectDir: dir, experimentId: 'long' })
    await new Promise<void>((resolve) => {
      const off = runs.on('progress', (p) => {
        if (p.runId === runId && p.phase === 'training' && p.step > 0) {
          off()
          resolve()
        }
      })
    })
    const finished = finishedEvent(runId)
    const asked = performance.now()
    await runs.cancel({ runId })
    const outcome = await finished
    const latency = performance.now() - asked
    console.log(`cancellation latency: ${latency.toFixed(0)} ms`)
    expect(outcome.status).toBe('cancelled')
    expect(latency).toBeLessThan(1000) // the requirement: a cancelled run stops within a second
    expect(JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')).status).toBe('cancelled')
  })

  it('run.start refuses an unknown experiment, naming the ones there are', async () => {
    const dir = writeTinyProject([tinyExperiment('only')])
    const error = await runs.start({ projectDir: dir, experimentId: 'nope' }).catch((e) => e)
    expect(error.code).toBe('unknown-experiment')
    expect(error.message).toContain('experiments: only')
  })

  it('analysis.coefficients answers over the API like the shared function', async () => {
    const result = await analysis.coefficients({
      setup: { dim: 1, scales: [1], groupWeights: [1], amplitude: 'none', bias: false, trained: ['a'], sigmaA: 1, sigmaW: 1, sigmaB: 1 },
      xi: [0, 1],
    })
    // a trained alone, no bias: R_im = G_hat(xi) = sqrt(2 pi) exp(-2 pi^2 xi^2), D = 0 (spec section 4).
    expect(result.Rim[0]).toBeCloseTo(Math.sqrt(2 * Math.PI), 12)
    expect(result.Rim[1]).toBeCloseTo(Math.sqrt(2 * Math.PI) * Math.exp(-2 * Math.PI ** 2), 14)
    expect(result.Dim).toEqual([0, 0])
  })
})
