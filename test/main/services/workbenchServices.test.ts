// The workbench services over the in-process transport (STYLE.md rule 3), with real run workers
// (out/node/runWorker.mjs, built by `npm test` before Vitest runs).
import { afterAll, describe, expect, it } from 'vitest'
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createServiceClient } from '../../../src/shared/api/apiProxy'
import { ANALYSIS_SERVICE, PROJECT_SERVICE, RUN_SERVICE, WORKSPACE_SERVICE, serveWorkbenchServices, type RunFinished, type RunPrepared, type RunProgress, type RunSnapshot } from '../../../src/shared/api/workbenchApi'
import { samplePoints } from '../../../src/shared/study/samplePoints'
import { spectralSetupOf } from '../../../src/shared/study/spectralSetupOf'
import { ntkKernelMatrix } from '../../../src/shared/spectral/ntkKernel'
import { createNtkPrediction } from '../../../src/shared/spectral/ntkPrediction'
import { parseProject } from '../../../src/shared/project/projectSchema'
import { createInProcessTransport } from '../../../src/main/api/inProcessTransport'
import { createServices } from '../../../src/main/services/createServices'
import { tinyExperiment, writeTinyProject } from '../../helpers/tinyProject'

const services = createServices({ concurrency: 2, settingsDir: mkdtempSync(join(tmpdir(), 'mscale-settings-')) })
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

  it('streams the models before training and each training snapshot, and run.load reads the stored run back', async () => {
    const dir = writeTinyProject([tinyExperiment('live', { analysis: { timeGrid: 8 } })])
    const prepared: RunPrepared[] = []
    const snapshots: RunSnapshot[] = []
    const offPrepared = runs.on('prepared', (p) => prepared.push(p))
    const offSnapshot = runs.on('snapshot', (s) => snapshots.push(s))
    const { runId, runDir } = await runs.start({ projectDir: dir, experimentId: 'live' })
    await finishedEvent(runId)
    offPrepared()
    offSnapshot()
    expect(prepared).toHaveLength(1)
    const [p] = prepared
    expect(p.xi).toBeInstanceOf(Float64Array)
    // The requested times 0, 0.25, 0.5 and a grid of 8 intervals: 9 to 11 distinct steps.
    const S = p.snapshotSteps.length
    expect(S).toBeGreaterThanOrEqual(9)
    expect(S).toBeLessThanOrEqual(11)
    expect(p.models.diffusion!.Q.length).toBe(S * p.xi.length)
    expect(snapshots.map((s) => s.index)).toEqual([...Array(S).keys()])
    const stored = await runs.load({ runDir })
    expect(stored.record.status).toBe('done')
    const F = p.xi.length
    // What streamed is what was stored: the same training spectra, bit for bit.
    snapshots.forEach((snapshot) => {
      expect(Array.from(snapshot.Q)).toEqual(Array.from(stored.arrays.train_Q.data.subarray(snapshot.index * F, (snapshot.index + 1) * F)))
      expect(snapshot.errorNorm).toBe(stored.record.metrics!.snapshots[snapshot.index].errorNorm)
    })
    expect(Array.from(stored.arrays.diffusion_Q.data)).toEqual(Array.from(p.models.diffusion!.Q))
    expect(stored.arrays.output.shape).toEqual([S, 101])
    expect(stored.record.steps!.requested).toHaveLength(3)
    expect((await runs.load({ runDir: join(dir, 'runs', 'nope') }).catch((e) => e)).code).toBe('unknown-run')
  })

  it('analysis.preview gives the target spectrum, coefficients and lambda_max of K Q, and refuses an invalid experiment with paths', async () => {
    const experiment = parseProject({ format: 'mscale-workbench/project', version: 1, experiments: [tinyExperiment('p', { training: { learningRate: 0.001 } })] })
    if (!experiment.ok) throw new Error('fixture')
    const e = experiment.project.experiments[0]
    const preview = await analysis.preview({ experiment: e })
    const samples = samplePoints(e.domain)
    const ntk = createNtkPrediction(ntkKernelMatrix(spectralSetupOf(e.network, 1), samples.points), samples.weights)
    // Power iteration to 1e-8 against the full eigendecomposition.
    expect(preview.lambdaMax!).toBeCloseTo(ntk.lambdaMax, 4)
    expect(preview.largestStableLearningRate!).toBeCloseTo(2 / ntk.lambdaMax, 6)
    expect(preview.autoLearningRate!).toBeCloseTo(0.5 / ntk.lambdaMax, 6)
    expect(preview.steps).toBe(Math.round(0.5 / 0.001))
    expect(preview.xi.length).toBe(121)
    expect(preview.coefficients!.Rim[0]).toBeGreaterThan(0)
    expect(preview.target.length).toBe(101)
    const error = await analysis.preview({ experiment: { ...e, network: { ...e.network, scales: [] } } }).catch((x) => x)
    expect(error.code).toBe('invalid-experiment')
    expect(error.details.problems[0].path).toMatch(/network\.scales/)
  })
})

describe('workspace and projects (browser mode, confined to a workspace)', () => {
  const root = mkdtempSync(join(tmpdir(), 'mscale-workspace-'))
  const settingsDir = mkdtempSync(join(tmpdir(), 'mscale-settings-'))
  const browser = createServices({ mode: 'browser', workspaceRoot: root, settingsDir, concurrency: 1 })
  const t = createInProcessTransport(serveWorkbenchServices(browser))
  const ws = createServiceClient(WORKSPACE_SERVICE, t)
  const projectClient = createServiceClient(PROJECT_SERVICE, t)
  afterAll(() => browser.dispose?.())

  it('first start opens a copy of the bundled example; later starts reopen the last project', async () => {
    const first = await ws.startupProject()
    expect(first.dir).toBe(join(root, 'spectral-bias-example.mscale'))
    expect(first.project.experiments.map((x) => x.id)).toContain('scales-1248')
    const created = await projectClient.create({ dir: 'second.mscale', name: 'Second study' })
    expect(created.project.experiments).toHaveLength(1)
    expect((await ws.startupProject()).dir).toBe(created.dir)
    expect(await ws.recentProjects()).toEqual([created.dir, first.dir])
    expect((await projectClient.create({ dir: 'second.mscale', name: 'again' }).catch((e) => e)).code).toBe('project-exists')
  })

  it('refuses every path outside the workspace, symbolic links included', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'mscale-outside-'))
    symlinkSync(outside, join(root, 'escape'))
    for (const attempt of [
      projectClient.open('/etc'),
      projectClient.open('../'),
      ws.listDirectory({ dir: join(root, 'escape') }),
      ws.writeFile({ path: join(root, 'escape', 'x.csv'), data: 'a' }),
      projectClient.create({ dir: join(root, 'escape', 'p.mscale'), name: 'x' }),
    ]) {
      const error = await attempt.catch((e) => e)
      expect(error.code).toBe('outside-workspace')
    }
    expect(existsSync(join(outside, 'x.csv'))).toBe(false)
    expect(existsSync(join(outside, 'p.mscale'))).toBe(false)
  })

  it('lists folders (projects marked), writes exports, keeps a recovery draft, and has no native dialog', async () => {
    const written = await ws.writeFile({ path: 'exports/fig/a.csv', data: 'x,y\n1,2\n' })
    expect(readFileSync(written.path, 'utf8')).toBe('x,y\n1,2\n')
    const png = await ws.writeFile({ path: 'exports/fig/a.png', data: new Uint8Array([137, 80, 78, 71]) })
    expect(readFileSync(png.path)).toEqual(Buffer.from([137, 80, 78, 71]))
    const listing = await ws.listDirectory({})
    expect(listing.parent).toBeUndefined()
    expect(listing.entries.find((e) => e.name === 'second.mscale')?.kind).toBe('project')
    expect(listing.entries.find((e) => e.name === 'exports')?.kind).toBe('directory')
    const sub = await ws.listDirectory({ dir: 'exports' })
    expect(sub.parent).toBe(root)
    expect(await ws.loadRecovery()).toBeNull()
    const draft = { dir: join(root, 'second.mscale'), project: (await projectClient.open('second.mscale')).project, savedAt: new Date().toISOString() }
    await ws.saveRecovery(draft)
    expect(await ws.loadRecovery()).toEqual(draft)
    await ws.discardRecovery()
    expect(await ws.loadRecovery()).toBeNull()
    expect((await ws.chooseDirectory({ purpose: 'open-project' }).catch((e) => e)).code).toBe('no-native-dialog')
    const info = await ws.info()
    expect(info).toMatchObject({ mode: 'browser', workspaceRoot: root, defaultProjectFolder: root })
    expect(info.backends.backends.map((b) => b.backend)).toEqual(['tfjs-node-gpu', 'js-f64', 'tfjs-node', 'wasm', 'cpu'])
    expect(existsSync(dirname(written.path))).toBe(true)
  })
})
