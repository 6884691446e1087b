import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import type { BackendChoice } from '../../shared/project/experimentTypes'
import type { RunData, RunFinished, RunPrepared, RunProgress, RunSnapshot, RunSummary } from '../../shared/api/workbenchApi'
import { loadProject } from '../project/projectStore'
import { validateExperiment } from '../../shared/project/projectSchema'
import { createRunFolder, listRuns, readRunRecord, writeRunRecord } from '../project/runStore'
import { readNpy } from '../project/npyFile'
import type { RunWorkerCommand, RunWorkerMessage } from '../compute/runWorkerProtocol'
import { findPackageRoot } from '../runs/packageRoot'
import { isPackageInstalled } from '../compute/backendReport'
import { RUN_FORMAT, RUN_VERSION, type RunRecord } from '../../shared/study/runRecord'
import { ServiceError } from '../../shared/api/serviceContract'

export interface RunServiceEvents {
  progress(payload: RunProgress): void
  /** optional: only clients that draw live charts need the data events */
  prepared?(payload: RunPrepared): void
  snapshot?(payload: RunSnapshot): void
  finished(payload: RunFinished): void
}

export interface RunServiceOptions {
  /** parallel runs; default: one per core */
  concurrency?: number
  /**
   * Threads of each run's js-f64 engine (a run's `threads` argument overrides it). Default: the
   * cores that the engines of the runs already running leave free, at least 1. A run waits in the
   * queue until its threads are free, so the engine threads of concurrent runs never exceed the
   * cores (availableParallelism()); a request above the core count is lowered to it.
   */
  threads?: number
  /** the bundled worker script; default out/node/runWorker.mjs in the package folder */
  workerScript?: string
  /** a cancelled run whose worker has not stopped after this long is stopped by force */
  cancelGraceMs?: number
  events: RunServiceEvents
}

interface Job {
  record: RunRecord
  projectDir: string
  runDir: string
  backend: BackendChoice
  /** requested engine threads (undefined: RunServiceOptions.threads, else what is free) */
  threads?: number
  /** engine threads counted for the run while it runs */
  assignedThreads: number
  cancelFlag: SharedArrayBuffer
  done: Promise<RunRecord>
  resolve(record: RunRecord): void
}

interface Slot {
  /** started on the slot's first run, so that an idle service holds no threads */
  worker?: Worker
  job?: Job
  /** slot 0 alone may load a native tfjs backend: tfjs-node fails in a second worker thread */
  native: boolean
}

/**
 * Runs experiments in a pool of worker threads, with a queue, progress and finished events,
 * cancellation, and a run folder per run. One implementation serves the CLI, the Electron app and
 * browser mode (ARCHITECTURE.md, One API, two transports).
 */
export class RunService {
  private readonly slots: Slot[] = []
  private readonly queue: Job[] = []
  private readonly jobs = new Map<string, Job>()
  private readonly workerScript: string
  private readonly cancelGraceMs: number
  private readonly nativeTfjsInstalled: boolean

  constructor(private readonly options: RunServiceOptions) {
    this.workerScript = options.workerScript ?? join(findPackageRoot(), 'out/node/runWorker.mjs')
    this.cancelGraceMs = options.cancelGraceMs ?? 5000
    this.nativeTfjsInstalled = isPackageInstalled('@tensorflow/tfjs-node-gpu') || isPackageInstalled('@tensorflow/tfjs-node')
    const concurrency = Math.max(1, options.concurrency ?? availableParallelism())
    for (let i = 0; i < concurrency; i++) this.slots.push({ native: i === 0 })
  }

  /** Queues a run of one experiment of the project at projectDir; returns its id and folder at once. */
  async start(args: { projectDir: string; experimentId: string; backend?: BackendChoice; threads?: number }): Promise<{ runId: string; runDir: string }> {
    const loaded = await loadProject(args.projectDir)
    if (!loaded.ok) throw new ServiceError('invalid-project', `the project at ${args.projectDir} is not valid`, { problems: loaded.problems })
    const experiment = loaded.project.experiments.find((e) => e.id === args.experimentId)
    if (!experiment) {
      const known = loaded.project.experiments.map((e) => e.id).join(', ') || 'none'
      throw new ServiceError('unknown-experiment', `no experiment "${args.experimentId}" in the project (experiments: ${known})`)
    }
    return this.startExperiment({ projectDir: args.projectDir, experiment, backend: args.backend, threads: args.threads })
  }

  /**
   * Queues a run of an experiment given as an object (a sweep point's experiment, which is not in
   * project.json): it is validated first (defaults filled), then gets a run folder under
   * <projectDir>/runs/ like any run. `extra` fields (e.g. { sweep: { id, pointId, index, params } })
   * are recorded in run.json; they cannot replace the fields the service owns. `threads`: the
   * js-f64 engine's threads for this run (see RunServiceOptions.threads).
   */
  async startExperiment(args: {
    projectDir: string
    experiment: unknown
    backend?: BackendChoice
    threads?: number
    extra?: Record<string, unknown>
  }): Promise<{ runId: string; runDir: string }> {
    const validated = validateExperiment(args.experiment, '$')
    if (!validated.experiment) {
      throw new ServiceError('invalid-experiment', `the experiment is not valid: ${validated.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, { problems: validated.problems })
    }
    const experiment = validated.experiment
    const backend = args.backend ?? experiment.training.backend
    const { runId, runDir } = await createRunFolder(args.projectDir, experiment.id)
    const record: RunRecord = {
      ...args.extra,
      format: RUN_FORMAT, version: RUN_VERSION, runId, experimentId: experiment.id, status: 'queued',
      createdAt: new Date().toISOString(), config: experiment, requestedBackend: backend, versions: {},
      seeds: { network: experiment.network.seed, samples: experiment.domain.seed }, arrays: {},
    }
    await writeRunRecord(runDir, record)
    let resolve!: (record: RunRecord) => void
    const done = new Promise<RunRecord>((r) => (resolve = r))
    const threads = args.threads ?? this.options.threads
    const job: Job = { record, projectDir: args.projectDir, runDir, backend, threads, assignedThreads: 0, cancelFlag: new SharedArrayBuffer(4), done, resolve }
    this.jobs.set(runId, job)
    this.queue.push(job)
    this.dispatch()
    return { runId, runDir }
  }

  /** Asks a run to stop: a queued run is dropped, a running one stops at its next chunk of steps. */
  async cancel(args: { runId: string }): Promise<void> {
    const job = this.jobs.get(args.runId)
    if (!job) throw new ServiceError('unknown-run', `no active run "${args.runId}"`)
    const queued = this.queue.indexOf(job)
    if (queued >= 0) {
      this.queue.splice(queued, 1)
      await this.finish(job, { ...job.record, status: 'cancelled', message: 'cancelled before it started', finishedAt: new Date().toISOString() })
      return
    }
    Atomics.store(new Int32Array(job.cancelFlag), 0, 1)
    setTimeout(() => {
      const slot = this.slots.find((s) => s.job === job)
      if (slot) this.replaceWorker(slot, { status: 'cancelled', message: `stopped by force: the run did not stop within ${this.cancelGraceMs / 1000} s` })
    }, this.cancelGraceMs).unref()
  }

  /** Runs of a project from their run.json files (arrays are not read), oldest first. */
  async list(args: { projectDir: string }): Promise<RunSummary[]> {
    const runs = await listRuns(args.projectDir, (unreadable) => console.warn(`skipped run ${unreadable.runDir}: ${unreadable.message}`))
    return runs.map(({ runId, runDir, record }) => summarise(runId, runDir, record as RunRecord))
  }

  /** A stored run: run.json and every array it lists. */
  async load(args: { runDir: string }): Promise<RunData> {
    let record: RunRecord
    try {
      record = (await readRunRecord(args.runDir)) as RunRecord
    } catch (error) {
      throw new ServiceError('unknown-run', `cannot read the run at ${args.runDir}: ${(error as Error).message}`)
    }
    const arrays: RunData['arrays'] = {}
    for (const [name, entry] of Object.entries(record.arrays ?? {})) {
      const array = await readNpy(join(args.runDir, entry.file))
      arrays[name] = { shape: array.shape, data: array.data }
    }
    return { runDir: args.runDir, record, arrays }
  }

  /** Resolves with the final record of a run started by this service. */
  waitFor(runId: string): Promise<RunRecord> {
    const job = this.jobs.get(runId)
    if (!job) return Promise.reject(new ServiceError('unknown-run', `no active run "${runId}"`))
    return job.done
  }

  async dispose(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.worker?.terminate()))
  }

  private dispatch(): void {
    for (let index = 0; index < this.queue.length; index++) {
      const job = this.queue[index]
      const mayUseNative = job.backend === 'tfjs-node' || job.backend === 'tfjs-node-gpu' || (job.backend === 'auto' && this.nativeTfjsInstalled)
      const slot = this.slots.find((s) => !s.job && (s.native || !mayUseNative))
      if (!slot) continue
      const threads = this.engineThreads(job, Math.min(this.queue.length - index, this.slots.filter((s) => !s.job).length))
      // Not enough free cores for this run: it waits, and so do the runs queued after it.
      if (threads === 0) break
      this.queue.splice(index--, 1)
      slot.job = job
      job.assignedThreads = threads
      const command: RunWorkerCommand = {
        type: 'run',
        request: { projectDir: job.projectDir, runDir: job.runDir, record: job.record, backend: job.backend, threads },
        cancelFlag: job.cancelFlag,
      }
      slot.worker ??= this.spawnWorker(slot)
      slot.worker.postMessage(command)
    }
  }

  /**
   * Engine threads for a queued run given the cores that the running runs' engines take, or 0
   * when it must wait. Only js-f64 (and "auto", which may become js-f64) runs take more than one.
   * Without a requested count, the free cores are shared among the `starting` runs that can start
   * now (queued runs up to the free slots), so `--jobs 2` on 2 cores still runs two at once.
   */
  private engineThreads(job: Job, starting: number): number {
    const cores = availableParallelism()
    const used = this.slots.reduce((sum, slot) => sum + (slot.job?.assignedThreads ?? 0), 0)
    const free = cores - used
    const multiThreaded = job.backend === 'js-f64' || job.backend === 'auto'
    const wanted = !multiThreaded
      ? 1
      : job.threads !== undefined
        ? Math.min(cores, Math.max(1, Math.floor(job.threads)))
        : Math.max(1, Math.floor(free / Math.max(1, starting)))
    // A run always starts when nothing else runs (so that one alone never waits).
    return used === 0 || wanted <= free ? wanted : 0
  }

  private spawnWorker(slot: Slot): Worker {
    const worker = new Worker(this.workerScript)
    worker.on('message', (message: RunWorkerMessage) => this.onMessage(slot, message))
    worker.on('error', (error) => this.replaceWorker(slot, { status: 'failed', message: `the compute worker crashed: ${error.message}` }))
    return worker
  }

  private onMessage(slot: Slot, message: RunWorkerMessage): void {
    const job = slot.job
    if (!job || job.record.runId !== message.runId) return
    const ids = { runId: job.record.runId, experimentId: job.record.experimentId }
    switch (message.type) {
      case 'progress':
        return this.options.events.progress({ ...ids, ...message.progress })
      case 'prepared':
        return this.options.events.prepared?.({ ...ids, ...message.prepared })
      case 'snapshot':
        return this.options.events.snapshot?.({ ...ids, ...message.snapshot })
    }
    slot.job = undefined
    void this.finish(job, message.record).then(() => this.dispatch())
  }

  /** Ends a slot's current run with `outcome` and terminates its worker; the next run starts a fresh one. */
  private replaceWorker(slot: Slot, outcome: Pick<RunRecord, 'status' | 'message'>): void {
    const job = slot.job
    slot.job = undefined
    void slot.worker?.terminate()
    slot.worker = undefined
    if (job) void this.finish(job, { ...job.record, ...outcome, finishedAt: new Date().toISOString() }, true).then(() => this.dispatch())
    else this.dispatch()
  }

  private async finish(job: Job, record: RunRecord, writeRecord = false): Promise<void> {
    if (!this.jobs.has(job.record.runId)) return
    this.jobs.delete(job.record.runId)
    if (writeRecord || record.status === 'cancelled') await writeRunRecord(job.runDir, record).catch(() => undefined)
    this.options.events.finished({ runId: record.runId, experimentId: record.experimentId, status: record.status, message: record.message, runDir: job.runDir })
    job.resolve(record)
  }
}


function summarise(runId: string, runDir: string, record: RunRecord): RunSummary {
  const snapshots = record.metrics?.snapshots ?? []
  const first = snapshots[0]
  const last = snapshots[snapshots.length - 1]
  return {
    runId,
    runDir,
    experimentId: record.experimentId,
    status: record.status,
    backend: record.backend?.name,
    startedAt: record.startedAt,
    wallSeconds: record.timings?.totalSeconds,
    finalErrorNorm: first && last ? last.errorNorm / first.errorNorm : undefined,
    finalRel: last?.rel,
    learningRate: record.learningRate?.value,
    steps: record.steps?.completed,
    message: record.message,
  }
}
