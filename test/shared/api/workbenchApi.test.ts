// The workbench contracts wired by serveWorkbenchServices, over the in-process transport, with
// small fake services defined here (the real ones are tested in test/main/services).
import { describe, expect, it } from 'vitest'
import { createServiceClient, createServiceEventEmitter } from '../../../src/shared/api/apiProxy'
import { ServiceError } from '../../../src/shared/api/serviceContract'
import {
  ANALYSIS_SERVICE,
  INVALID_PROJECT_ERROR,
  PROJECT_SERVICE,
  RUN_SERVICE,
  serveWorkbenchServices,
  SHELL_COMMANDS,
  SHELL_SERVICE,
  SWEEP_BUSY_ERROR,
  SWEEP_SERVICE,
  WORKBENCH_CONTRACTS,
  type RunFinished,
  type RunProgress,
  type SweepEvents,
  type WorkbenchServices,
} from '../../../src/shared/api/workbenchApi'
import { PROJECT_FORMAT, PROJECT_VERSION, type Project } from '../../../src/shared/project/experimentTypes'
import { createInProcessTransport } from '../../../src/main/api/inProcessTransport'

const EMPTY_PROJECT: Project = { format: PROJECT_FORMAT, version: PROJECT_VERSION, name: 'empty study', experiments: [] }

function createFakeServices(): WorkbenchServices {
  const runEvents = createServiceEventEmitter(RUN_SERVICE)
  const sweepEvents = createServiceEventEmitter(SWEEP_SERVICE)
  const progress = { total: 2, finished: 1, done: 1, diverged: 0, failed: 0, running: 1, pending: 0, elapsedSeconds: 3, etaSeconds: Number.NaN }
  let sweepActive = false
  return {
    project: {
      open(dir) {
        if (dir !== '/good') {
          throw new ServiceError(INVALID_PROJECT_ERROR, `${dir} is not a valid project (1 problem)`, {
            problems: [{ path: 'experiments[0].network.scales[1]', message: 'must be a positive number, got -2' }],
          })
        }
        return { dir, project: EMPTY_PROJECT, warnings: [] }
      },
      validate: () => ({ ok: true, problems: [], warnings: [] }),
      save: () => undefined,
      create: ({ dir, name }) => ({ dir, project: { ...EMPTY_PROJECT, name }, warnings: [] }),
      copyExample: ({ dir }) => ({ dir, project: EMPTY_PROJECT, warnings: [] }),
    },
    run: {
      start({ experimentId }) {
        const runId = `${experimentId}-1`
        runEvents.emit('progress', { runId, experimentId, phase: 'training', step: 10, totalSteps: 100, time: 0.1, loss: 0.5, etaSeconds: 9 })
        runEvents.emit('finished', { runId, experimentId, status: 'done', runDir: `/good/runs/${runId}` })
        return { runId, runDir: `/good/runs/${runId}` }
      },
      cancel: () => undefined,
      list: () => [{ runId: 'a-1', runDir: '/good/runs/a-1', experimentId: 'a', status: 'done', backend: 'cpu', wallSeconds: 1.5 }],
      load: ({ runDir }) => { throw new ServiceError('unknown-run', `no run at ${runDir}`) },
    },
    analysis: {
      coefficients: ({ xi }) => ({ xi, Rre: xi.map(() => 1), Rim: xi.map(() => 0), Dre: xi.map(() => 2), Dim: xi.map(() => 0) }),
      preview: () => { throw new ServiceError('invalid-experiment', 'not in this fake') },
    },
    sweep: {
      list: () => [{ sweepId: 's', base: 'a', mode: 'grid', total: 2, counts: { pending: 1, running: 0, done: 1, diverged: 0, failed: 0 }, activity: 'idle' }],
      start({ projectDir, sweepId }) {
        if (sweepActive) throw new ServiceError(SWEEP_BUSY_ERROR, `sweep "${sweepId}" is already running here`)
        sweepActive = true
        sweepEvents.emit('progress', { projectDir, sweepId, activity: 'running', progress })
        sweepEvents.emit('point', { projectDir, sweepId, row: { index: 1, pointId: 'a__seed-1', params: { 'network.seed': 1 }, status: 'running', runId: 'r', runDir: '/good/runs/r' } })
      },
      pause: () => undefined,
      cancel: () => undefined,
      table: ({ sweepId, decay }) => ({
        sweepId, axes: [{ path: 'network.seed', values: [0, 1] }], snapshotTimes: [0.5], models: ['ntk'], decay: decay ?? { frequencies: [1], threshold: 0.01 },
        rows: [{ index: 0, pointId: 'a__seed-0', params: { 'network.seed': 0 }, status: 'done', rel: { ntk: [Number.NaN] }, decayTimes: [null] }],
      }),
    },
    workspace: {
      info: () => ({ mode: 'browser', defaultProjectFolder: '/good', version: '0', cores: 2, backends: { auto: 'js-f64', backends: [] } }),
      startupProject: () => ({ dir: '/good', project: EMPTY_PROJECT, warnings: [] }),
      recentProjects: () => ['/good'],
      listDirectory: ({ dir }) => ({ dir: dir ?? '/', entries: [] }),
      chooseDirectory: () => null,
      saveRecovery: () => undefined,
      loadRecovery: () => null,
      discardRecovery: () => undefined,
      writeFile: ({ path }) => ({ path }),
    },
    runEvents,
    sweepEvents,
  }
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

describe('workbench contracts', () => {
  it('names each service once, with the requests and events of the API', () => {
    expect(WORKBENCH_CONTRACTS.map((contract) => contract.name)).toEqual(['project', 'run', 'analysis', 'sweep', 'workspace', 'shell'])
    expect(Object.keys(SWEEP_SERVICE.requests)).toEqual(['list', 'start', 'pause', 'cancel', 'table'])
    expect(Object.keys(SWEEP_SERVICE.events)).toEqual(['progress', 'point', 'pointProgress'])
    expect(Object.keys(PROJECT_SERVICE.requests)).toEqual(['open', 'validate', 'save', 'create', 'copyExample'])
    expect(Object.keys(RUN_SERVICE.requests)).toEqual(['start', 'cancel', 'list', 'load'])
    expect(Object.keys(RUN_SERVICE.events)).toEqual(['progress', 'prepared', 'snapshot', 'finished'])
    expect(Object.keys(ANALYSIS_SERVICE.requests)).toEqual(['coefficients', 'preview'])
    expect(Object.keys(SHELL_SERVICE.events)).toEqual(['command'])
  })

  it('reports an invalid project as code invalid-project with every problem and its JSON path', async () => {
    const transport = createInProcessTransport(serveWorkbenchServices(createFakeServices()))
    const project = createServiceClient(PROJECT_SERVICE, transport)
    expect(await project.open('/good')).toEqual({ dir: '/good', project: EMPTY_PROJECT, warnings: [] })
    await expect(project.open('/bad')).rejects.toMatchObject({
      code: INVALID_PROJECT_ERROR,
      details: { problems: [{ path: 'experiments[0].network.scales[1]', message: 'must be a positive number, got -2' }] },
    })
  })

  it('delivers run progress and finished events through the run events source', async () => {
    const transport = createInProcessTransport(serveWorkbenchServices(createFakeServices()))
    const run = createServiceClient(RUN_SERVICE, transport)
    const progress: RunProgress[] = []
    const finished: RunFinished[] = []
    run.on('progress', (payload) => progress.push(payload))
    run.on('finished', (payload) => finished.push(payload))
    expect(await run.start({ projectDir: '/good', experimentId: 'a' })).toEqual({ runId: 'a-1', runDir: '/good/runs/a-1' })
    await settle()
    expect(progress).toEqual([{ runId: 'a-1', experimentId: 'a', phase: 'training', step: 10, totalSteps: 100, time: 0.1, loss: 0.5, etaSeconds: 9 }])
    expect(finished).toEqual([{ runId: 'a-1', experimentId: 'a', status: 'done', runDir: '/good/runs/a-1' }])
    expect(await run.list({ projectDir: '/good' })).toHaveLength(1)
  })

  it('serves the sweep service with its progress and point events, refusals and table values (NaN, null) intact', async () => {
    const transport = createInProcessTransport(serveWorkbenchServices(createFakeServices()))
    const sweep = createServiceClient(SWEEP_SERVICE, transport)
    const progress: SweepEvents['progress'][] = []
    const points: SweepEvents['point'][] = []
    sweep.on('progress', (payload) => progress.push(payload))
    sweep.on('point', (payload) => points.push(payload))
    await sweep.start({ projectDir: '/good', sweepId: 's' })
    await settle()
    expect(progress).toEqual([{ projectDir: '/good', sweepId: 's', activity: 'running', progress: expect.objectContaining({ finished: 1, etaSeconds: Number.NaN }) }])
    expect(points.map((p) => [p.row.pointId, p.row.status])).toEqual([['a__seed-1', 'running']])
    await expect(sweep.start({ projectDir: '/good', sweepId: 's' })).rejects.toMatchObject({ code: SWEEP_BUSY_ERROR })
    const table = await sweep.table({ projectDir: '/good', sweepId: 's', decay: { frequencies: [2], threshold: 0.1 } })
    expect(table.decay).toEqual({ frequencies: [2], threshold: 0.1 })
    expect(table.rows[0]).toMatchObject({ rel: { ntk: [Number.NaN] }, decayTimes: [null] })
    expect((await sweep.list({ projectDir: '/good' }))[0]).toMatchObject({ sweepId: 's', activity: 'idle' })
  })

  it('serves the shell only when the shell gives its events, and carries its commands', async () => {
    const withoutShell = createInProcessTransport(serveWorkbenchServices(createFakeServices()))
    expect(() => createServiceClient(SHELL_SERVICE, withoutShell).on('command', () => undefined)).toThrow(/No service is served on channel "shell"/)

    const shellEvents = createServiceEventEmitter(SHELL_SERVICE)
    const transport = createInProcessTransport(serveWorkbenchServices(createFakeServices(), shellEvents))
    const commands: string[] = []
    createServiceClient(SHELL_SERVICE, transport).on('command', ({ command }) => commands.push(command))
    for (const command of SHELL_COMMANDS) shellEvents.emit('command', { command })
    await settle()
    expect(commands).toEqual([...SHELL_COMMANDS])
  })

  it('returns analysis coefficients as plain arrays', async () => {
    const transport = createInProcessTransport(serveWorkbenchServices(createFakeServices()))
    const analysis = createServiceClient(ANALYSIS_SERVICE, transport)
    const setup = { dim: 1 as const, scales: [1], groupWeights: [1], amplitude: 'none' as const, bias: true, trained: ['a' as const], sigmaA: 1, sigmaW: 1, sigmaB: 1 }
    expect(await analysis.coefficients({ setup, xi: [0, 0.5] })).toEqual({ xi: [0, 0.5], Rre: [1, 1], Rim: [0, 0], Dre: [2, 2], Dim: [0, 0] })
  })
})
