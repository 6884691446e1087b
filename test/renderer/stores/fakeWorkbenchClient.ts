/**
 * A fake WorkbenchClient for the renderer's store tests: every request is a vi.fn with a sensible
 * default answer (override per test), and the run and shell events can be emitted by hand.
 */
import { vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { ServiceError } from '../../../src/shared/api/serviceContract'
import type {
  ExperimentPreview, OpenedProject, RunFinished, RunProgress, RunSummary, ShellCommand, WorkspaceInfo,
} from '../../../src/shared/api/workbenchApi'
import { NO_NATIVE_DIALOG_ERROR } from '../../../src/shared/api/workbenchApi'
import type { Experiment, Project } from '../../../src/shared/project/experimentTypes'
import { defaultExperiment } from '../../../src/shared/project/projectSchema'
import type { WorkbenchClient } from '../../../src/renderer/src/apiClient'
import { useConnectionStore } from '../../../src/renderer/src/stores/connectionStore'

type Listener = (payload: unknown) => void

export function smallExperiment(id: string): Experiment {
  const experiment = defaultExperiment(id)
  experiment.network.width = 100
  experiment.domain.samples = 101
  return experiment
}

export function projectOf(name: string, ids: string[]): Project {
  return { format: 'mscale-workbench/project', version: 1, name, experiments: ids.map(smallExperiment) }
}

export function openedProject(dir: string, ids: string[] = ['alpha', 'beta']): OpenedProject {
  return { dir, project: projectOf(`project at ${dir}`, ids), warnings: [] }
}

export const WORKSPACE_INFO: WorkspaceInfo = {
  mode: 'browser',
  workspaceRoot: '/work',
  defaultProjectFolder: '/work',
  version: '0.1.0',
  cores: 2,
  backends: {
    auto: 'js-f64',
    backends: [
      { backend: 'tfjs-node-gpu', available: false, note: 'needs CUDA 11.2' },
      { backend: 'js-f64', available: true, note: 'built in' },
      { backend: 'tfjs-node', available: false, note: 'not installed' },
      { backend: 'wasm', available: true, note: 'built in' },
      { backend: 'cpu', available: true, note: 'built in' },
    ],
  },
}

export function fakePreview(): ExperimentPreview {
  return {
    points: new Float64Array([0, 1]), target: new Float64Array([0, 1]), xi: new Float64Array([0, 1]),
    targetSpectrum: { P: new Float64Array(2), Q: new Float64Array(2) },
    lambdaMax: 10, largestStableLearningRate: 0.2, autoLearningRate: 0.05, steps: 40, notes: [],
  }
}

export interface FakeClient {
  client: WorkbenchClient
  project: Record<'open' | 'validate' | 'save' | 'create' | 'copyExample', ReturnType<typeof vi.fn>>
  run: Record<'start' | 'cancel' | 'list' | 'load', ReturnType<typeof vi.fn>>
  analysis: Record<'coefficients' | 'preview', ReturnType<typeof vi.fn>>
  workspace: Record<'info' | 'startupProject' | 'recentProjects' | 'listDirectory' | 'chooseDirectory' | 'saveRecovery' | 'loadRecovery' | 'discardRecovery' | 'writeFile', ReturnType<typeof vi.fn>>
  emitRun(event: 'progress', payload: RunProgress): void
  emitRun(event: 'finished', payload: RunFinished): void
  emitShell(command: ShellCommand): void
  listenerCount(channel: string, event: string): number
}

/** A fake client with defaults: the startup project is /work/study.mscale with alpha and beta. */
export function createFakeClient(): FakeClient {
  const listeners = new Map<string, Set<Listener>>()
  const on = (channel: string) => (event: string, listener: Listener) => {
    const key = `${channel}.${event}`
    const set = listeners.get(key) ?? new Set()
    listeners.set(key, set)
    set.add(listener)
    return () => set.delete(listener)
  }
  const project = {
    open: vi.fn(async (dir: string) => openedProject(dir)),
    validate: vi.fn(async () => ({ ok: true, problems: [], warnings: [] })),
    save: vi.fn(async () => undefined),
    create: vi.fn(async ({ dir, name }: { dir: string; name: string }) => ({ dir, project: { ...projectOf(name, ['experiment-1']) }, warnings: [] })),
    copyExample: vi.fn(async ({ dir }: { dir: string }) => openedProject(dir)),
  }
  const run = {
    start: vi.fn(async ({ projectDir, experimentId }: { projectDir: string; experimentId: string }) => ({
      runId: `${experimentId}-20261204-120000-abcd`, runDir: `${projectDir}/runs/${experimentId}-20261204-120000-abcd`,
    })),
    cancel: vi.fn(async () => undefined),
    list: vi.fn(async (): Promise<RunSummary[]> => []),
    load: vi.fn(async () => { throw new ServiceError('unknown-run', 'no run') }),
  }
  const analysis = {
    coefficients: vi.fn(async () => ({ xi: [], Rre: [], Rim: [], Dre: [], Dim: [] })),
    preview: vi.fn(async () => fakePreview()),
  }
  const workspace = {
    info: vi.fn(async () => WORKSPACE_INFO),
    startupProject: vi.fn(async () => openedProject('/work/study.mscale')),
    recentProjects: vi.fn(async () => ['/work/study.mscale']),
    listDirectory: vi.fn(async ({ dir }: { dir?: string }) => ({ dir: dir ?? '/work', entries: [] })),
    chooseDirectory: vi.fn(async () => { throw new ServiceError(NO_NATIVE_DIALOG_ERROR, 'no native dialogs here') }),
    saveRecovery: vi.fn(async () => undefined),
    loadRecovery: vi.fn(async () => null),
    discardRecovery: vi.fn(async () => undefined),
    writeFile: vi.fn(async ({ path }: { path: string }) => ({ path })),
  }
  const client = {
    project, run: { ...run, on: on('run') }, analysis, workspace, shell: { on: on('shell') },
  } as unknown as WorkbenchClient
  const emit = (key: string, payload: unknown) => {
    for (const listener of [...(listeners.get(key) ?? [])]) listener(payload)
  }
  return {
    client, project, run, analysis, workspace,
    emitRun: (event: string, payload: unknown) => emit(`run.${event}`, payload),
    emitShell: (command) => emit('shell.command', { command }),
    listenerCount: (channel, event) => listeners.get(`${channel}.${event}`)?.size ?? 0,
  } as FakeClient
}

/** A fresh Pinia with the fake client connected. */
export function setUpStores(): FakeClient {
  setActivePinia(createPinia())
  const fake = createFakeClient()
  useConnectionStore().connect(fake.client)
  return fake
}

/** Lets pending promise callbacks and Vue's pre-flush watchers run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve()
  await new Promise<void>((resolve) => queueMicrotask(resolve))
}
