/**
 * The workbench's API contract: every service the renderer (or the CLI, or a test) may call, with
 * its serialisable argument, result and event types. Implemented once in src/main/services and
 * carried by any transport (serviceContract.ts, apiProxy.ts).
 *
 * Errors are ServiceErrors with a code; the codes each request may produce are listed on it.
 */
import type { BackendChoice, Experiment, Project, SpectralModelName, TrainingBackend } from '../project/experimentTypes'
import type { RunRecord } from '../study/runRecord'
import type { SpectralSetup } from '../spectral/spectralSetup'
import type { SweepMode } from '../sweep/sweepTypes'
import { serveService, type ServeOptions, type ServedService } from './apiProxy'
import {
  defineServiceContract,
  type ServiceEventSource,
  type ServiceImplementation,
} from './serviceContract'

/**
 * One problem found in a project file: where (a JSON path such as
 * "experiments[0].network.scales[2]") and what is wrong, in words, with what would be accepted.
 * Structurally identical to the ProjectProblem of src/shared/project/projectSchema.ts.
 */
export interface ProjectProblem {
  path: string
  message: string
}

// ---------------------------------------------------------------------------------------------
// project
// ---------------------------------------------------------------------------------------------

export interface OpenedProject {
  /** the project folder, absolute */
  dir: string
  project: Project
  /** accepted but worth knowing (migrated version, unknown fields kept verbatim, ...) */
  warnings: ProjectProblem[]
}

export interface ProjectValidation {
  ok: boolean
  problems: ProjectProblem[]
  warnings: ProjectProblem[]
}

/** details of a ServiceError with code INVALID_PROJECT_ERROR */
export interface InvalidProjectDetails {
  problems: ProjectProblem[]
}

export const INVALID_PROJECT_ERROR = 'invalid-project'

export type ProjectRequests = {
  /**
   * Loads and validates <dir>/project.json (args: the folder). Refuses with code
   * 'invalid-project' and details InvalidProjectDetails when the file has problems.
   */
  open: { args: string; result: OpenedProject }
  /** Validates without opening (args: the folder); never refuses for an invalid project. */
  validate: { args: string; result: ProjectValidation }
  /** Writes <dir>/project.json atomically; refuses with 'invalid-project' like open. */
  save: { args: { dir: string; project: Project }; result: void }
  /** Creates a new project folder with one default experiment; refuses 'project-exists' where one is. */
  create: { args: { dir: string; name: string }; result: OpenedProject }
  /** Copies the bundled example project to dir (the bundled files are never modified) and opens it. */
  copyExample: { args: { dir: string }; result: OpenedProject }
}

export const PROJECT_SERVICE = defineServiceContract<ProjectRequests>({
  name: 'project',
  requests: { open: true, validate: true, save: true, create: true, copyExample: true },
  events: {},
})

// ---------------------------------------------------------------------------------------------
// run
// ---------------------------------------------------------------------------------------------

export type RunStatus = 'queued' | 'running' | 'done' | 'cancelled' | 'diverged' | 'failed'

export interface RunSummary {
  runId: string
  experimentId: string
  status: RunStatus
  backend?: TrainingBackend
  /** ISO 8601 */
  startedAt?: string
  wallSeconds?: number
  /** ||Q|| on the analysis band at the final time relative to t = 0 (spec section 6) */
  finalErrorNorm?: number
  /** rel(t) of each model at the final time */
  finalRel?: Partial<Record<SpectralModelName, number>>
  learningRate?: number
  steps?: number
  runDir: string
  message?: string
}

export interface RunProgress {
  runId: string
  experimentId: string
  phase: 'preparing' | 'training' | 'analysing'
  step: number
  totalSteps: number
  /** model time t = steps x learning rate */
  time: number
  loss: number
  etaSeconds: number
}

/** Spectra of the training error or of a model: rows = snapshots, columns = xi (row-major). */
export interface SpectraArrays {
  P: Float64Array
  Q: Float64Array
}

/**
 * Sent once a run knows everything that needs no training: the grids, the target, the
 * coefficients and the models' predictions at every snapshot time (they only need u(0)).
 */
export interface RunPrepared {
  runId: string
  experimentId: string
  /** cycles per unit length, F values */
  xi: Float64Array
  /** model times of the snapshots, S values (t = step x learning rate) */
  snapshotTimes: Float64Array
  snapshotSteps: number[]
  /** samples x_i (N x d) and target g(x_i) */
  points: Float64Array
  target: Float64Array
  band: number
  learningRate: number
  totalSteps: number
  backend: TrainingBackend
  coefficients?: { Rre: Float64Array; Rim: Float64Array; Dre: Float64Array; Dim: Float64Array }
  models: Partial<Record<SpectralModelName, SpectraArrays>>
  /** worth knowing, in words (run.json notes), e.g. why a model is missing */
  notes: string[]
}

/** One snapshot of training as it happens: the error spectra, the output and the metrics. */
export interface RunSnapshot {
  runId: string
  experimentId: string
  /** index into RunPrepared.snapshotTimes */
  index: number
  step: number
  t: number
  loss: number
  /** spectra of the training error at this snapshot, F values each */
  P: Float64Array
  Q: Float64Array
  /** f(x_i) at this snapshot, N values */
  output: Float64Array
  errorNorm: number
  rel: Partial<Record<SpectralModelName, number>>
}

/** A stored run: its run.json and every array of its folder (from the .npy files). */
export interface RunData {
  runDir: string
  record: RunRecord
  arrays: Record<string, { shape: number[]; data: Float64Array | Float32Array | Int32Array }>
}

export interface RunFinished {
  runId: string
  experimentId: string
  status: RunStatus
  message?: string
  runDir: string
}

export type RunRequests = {
  /** Queues a run of one experiment; resolves once its folder exists. */
  start: { args: { projectDir: string; experimentId: string; backend?: BackendChoice }; result: { runId: string; runDir: string } }
  cancel: { args: { runId: string }; result: void }
  list: { args: { projectDir: string }; result: RunSummary[] }
  /** Reads a stored run folder: run.json and its arrays. Refuses 'unknown-run' where there is none. */
  load: { args: { runDir: string }; result: RunData }
}

export type RunEvents = {
  progress: RunProgress
  prepared: RunPrepared
  snapshot: RunSnapshot
  finished: RunFinished
}

export const RUN_SERVICE = defineServiceContract<RunRequests, RunEvents>({
  name: 'run',
  requests: { start: true, cancel: true, list: true, load: true },
  events: { progress: true, prepared: true, snapshot: true, finished: true },
})

// ---------------------------------------------------------------------------------------------
// analysis
// ---------------------------------------------------------------------------------------------

/**
 * Diffusion coefficients R(xi) and D(xi) on a frequency grid (spec section 4), real and imaginary
 * parts as plain arrays (typed arrays would clone too, but JSON transports would not keep them).
 */
export interface CoefficientsResult {
  /** cycles per unit length */
  xi: number[]
  Rre: number[]
  Rim: number[]
  Dre: number[]
  Dim: number[]
}

/**
 * What the experiment editor shows before any training (computed in a worker): the target over
 * the domain and its spectrum, the coefficients, lambda_max and the learning rates it implies.
 */
export interface ExperimentPreview {
  /** samples x_i (N x d) and g(x_i) */
  points: Float64Array
  target: Float64Array
  /** cycles per unit length (F values) and the transform of g restricted to Omega */
  xi: Float64Array
  targetSpectrum: SpectraArrays
  /** on xi (d = 2: along the ray (r, 0)); absent for activations without a model */
  coefficients?: { Rre: Float64Array; Rim: Float64Array; Dre: Float64Array; Dim: Float64Array }
  /** largest eigenvalue of the NTK operator K Q, and 2 / lambdaMax, 0.5 / lambdaMax */
  lambdaMax?: number
  largestStableLearningRate?: number
  autoLearningRate?: number
  /** gradient-descent steps the experiment would take with its learning rate */
  steps?: number
  /** why something is missing or worth knowing, in words */
  notes: string[]
}

export type AnalysisRequests = {
  coefficients: { args: { setup: SpectralSetup; xi: number[] }; result: CoefficientsResult }
  /**
   * The preview of one experiment (validated first: refuses 'invalid-experiment' with details
   * { problems } with JSON paths relative to the experiment). projectDir resolves CSV targets.
   */
  preview: { args: { experiment: Experiment; projectDir?: string }; result: ExperimentPreview }
}

export const ANALYSIS_SERVICE = defineServiceContract<AnalysisRequests>({
  name: 'analysis',
  requests: { coefficients: true, preview: true },
  events: {},
})

// ---------------------------------------------------------------------------------------------
// sweep: parameter sweeps of a project (issue 4). Definitions live in project.json (Project.sweeps,
// edited and saved through the project service); this service runs them and reads their results.
// ---------------------------------------------------------------------------------------------

/**
 * pending: no run yet, or its last run was interrupted or cancelled (it runs again on resume);
 * running: a run is under way; done / diverged / failed: finished, never recomputed on resume.
 */
export type SweepPointStatus = 'pending' | 'running' | 'done' | 'diverged' | 'failed'

export interface SweepProgress {
  total: number
  /** points finished (done, diverged or failed), this session or before */
  finished: number
  done: number
  diverged: number
  failed: number
  running: number
  pending: number
  elapsedSeconds: number
  /** remaining points x elapsed time / points finished in this session; NaN before the first */
  etaSeconds: number
}

/**
 * What this process is doing with a sweep. idle: nothing (never run, paused, cancelled or
 * finished: the counts tell which); running: points are being started; pausing: no new point
 * starts and the running ones finish; cancelling: the running points are being stopped.
 */
export type SweepActivity = 'idle' | 'running' | 'pausing' | 'cancelling'

export interface SweepSummary {
  sweepId: string
  base: string
  mode: SweepMode
  /** number of points (0 when the definition is invalid) */
  total: number
  counts: Record<SweepPointStatus, number>
  activity: SweepActivity
  /** while active in this process */
  progress?: SweepProgress
  /** the definition as saved is invalid: nothing can run; each problem with its JSON path */
  problems?: ProjectProblem[]
}

/**
 * Which decay times a table reports: for each frequency xi (cycles per unit length; each run
 * answers at the nearest xi of its own grid), the first model time at which the training error
 * there, |u^(xi, t)| / |u^(xi, 0)| (both transform parts), falls to `threshold` or below.
 * threshold is one of DECAY_THRESHOLDS (run.json stores the decay times for these only).
 */
export interface SweepDecayQuery {
  frequencies: number[]
  threshold: number
}

/** The thresholds whose decay times every run stores in run.json (metrics.decay). */
export const DECAY_THRESHOLDS = [0.5, 0.1, 0.01, 0.001] as const

/** One point of a sweep in the results table: read from its run.json alone, never its arrays. */
export interface SweepTableRow {
  index: number
  pointId: string
  /** axis path -> value */
  params: Record<string, unknown>
  status: SweepPointStatus
  runId?: string
  runDir?: string
  message?: string
  wallSeconds?: number
  /** ||u^(T)|| / ||u^(0)|| on the analysis band (both parts) */
  finalErrorNorm?: number
  finalRel?: Partial<Record<SpectralModelName, number>>
  /** rel of each model at each of SweepTable.snapshotTimes (NaN where the run has no such snapshot) */
  rel?: Partial<Record<SpectralModelName, number[]>>
  /**
   * per SweepTable.decay.frequencies: the decay time, null when the error never fell that far
   * during the run, NaN when the run stored no decay times (older runs)
   */
  decayTimes?: (number | null)[]
}

export interface SweepTable {
  sweepId: string
  axes: { path: string; values: unknown[] }[]
  /** model times of the base experiment's requested snapshots (training.snapshots) after t = 0 */
  snapshotTimes: number[]
  models: SpectralModelName[]
  /** the query answered (the default: three frequencies across the base's band, threshold 0.01) */
  decay: SweepDecayQuery
  rows: SweepTableRow[]
}

/** details of a ServiceError with code INVALID_SWEEP_ERROR */
export interface InvalidSweepDetails {
  problems: ProjectProblem[]
}

export const INVALID_SWEEP_ERROR = 'invalid-sweep'
/** start refused: the sweep is already active here, or another process holds its lock */
export const SWEEP_BUSY_ERROR = 'sweep-busy'
export const UNKNOWN_SWEEP_ERROR = 'unknown-sweep'
/** table refused: a decay query without frequencies, with a negative one, or a threshold not in DECAY_THRESHOLDS */
export const INVALID_DECAY_QUERY_ERROR = 'invalid-decay-query'

export type SweepRequests = {
  /** The sweeps of <projectDir>/project.json as saved, with their status from the run.json files. */
  list: { args: { projectDir: string }; result: SweepSummary[] }
  /**
   * Starts or resumes a saved sweep (finished points are never recomputed); resolves once it is
   * running. workers defaults to cores - 1 for CPU engines and 1 for a GPU backend. Refuses
   * 'unknown-sweep', 'invalid-sweep' (details InvalidSweepDetails) or 'sweep-busy'.
   */
  start: { args: { projectDir: string; sweepId: string; workers?: number; backend?: BackendChoice }; result: void }
  /**
   * No new point starts; the running points finish; then the sweep is idle (start resumes it).
   * Resolves at once (activity 'pausing'); the progress event with activity 'idle' says it stopped.
   * Nothing to do (not active here) is not an error.
   */
  pause: { args: { projectDir: string; sweepId: string }; result: void }
  /** Stops the running points too (they stay pending and run again on resume); resolves once stopped. */
  cancel: { args: { projectDir: string; sweepId: string }; result: void }
  /**
   * The results table (one row per point); decay defaults as SweepTable.decay says. Refuses
   * 'unknown-sweep', 'invalid-sweep' or 'invalid-decay-query'.
   */
  table: { args: { projectDir: string; sweepId: string; decay?: SweepDecayQuery }; result: SweepTable }
}

export type SweepEvents = {
  /** at every change of a sweep's activity or counts */
  progress: { projectDir: string; sweepId: string; activity: SweepActivity; progress: SweepProgress }
  /** a point started or finished: its row, with the decay query of the last table request for the sweep */
  point: { projectDir: string; sweepId: string; row: SweepTableRow }
  /** a running point's training progress (as often as the run reports it, a few times a second) */
  pointProgress: { projectDir: string; sweepId: string; index: number; step: number; totalSteps: number; etaSeconds: number }
}

export const SWEEP_SERVICE = defineServiceContract<SweepRequests, SweepEvents>({
  name: 'sweep',
  requests: { list: true, start: true, pause: true, cancel: true, table: true },
  events: { progress: true, point: true, pointProgress: true },
})

// ---------------------------------------------------------------------------------------------
// workspace: the machine around the projects (settings, recent, recovery, files)
// ---------------------------------------------------------------------------------------------

/** The training backends of this machine: what "auto" picks and why the others are not used. */
export interface BackendReport {
  auto: TrainingBackend
  /** each backend with whether it can be used here, and if not why and how to get it */
  backends: { backend: TrainingBackend; available: boolean; note: string }[]
}

export interface WorkspaceInfo {
  mode: 'electron' | 'browser'
  /** browser mode: every path a request names must lie under this folder */
  workspaceRoot?: string
  /** where new projects and the example copy go by default */
  defaultProjectFolder: string
  version: string
  cores: number
  backends: BackendReport
}

export interface DirectoryEntry {
  name: string
  path: string
  /** a folder holding project.json is a 'project' */
  kind: 'directory' | 'project' | 'file'
}

export interface DirectoryListing {
  dir: string
  /** absent at the workspace root (browser mode) or the file-system root */
  parent?: string
  entries: DirectoryEntry[]
}

/** Unsaved edits kept by autosave, offered back after a crash. */
export interface RecoveryDraft {
  /** the project's folder, absent for a project never saved */
  dir?: string
  project: Project
  /** ISO 8601 */
  savedAt: string
}

export type DialogPurpose = 'open-project' | 'new-project' | 'save-project-as' | 'export-folder'

/** A chooseDirectory refusal: no native dialog here (browser mode); use listDirectory instead. */
export const NO_NATIVE_DIALOG_ERROR = 'no-native-dialog'
/** A path outside the workspace root in browser mode. */
export const OUTSIDE_WORKSPACE_ERROR = 'outside-workspace'

export type WorkspaceRequests = {
  info: { args: void; result: WorkspaceInfo }
  /**
   * The project to show at start: on the very first start a copy of the bundled example (in
   * defaultProjectFolder), later the last project opened (or the copy again if that is gone).
   */
  startupProject: { args: void; result: OpenedProject }
  recentProjects: { args: void; result: string[] }
  /** Folders and files of dir (default: the workspace root, or the home folder). */
  listDirectory: { args: { dir?: string }; result: DirectoryListing }
  /** A native folder dialog (Electron); null when cancelled; refuses NO_NATIVE_DIALOG_ERROR in browser mode. */
  chooseDirectory: { args: { purpose: DialogPurpose; defaultPath?: string }; result: string | null }
  saveRecovery: { args: RecoveryDraft; result: void }
  loadRecovery: { args: void; result: RecoveryDraft | null }
  discardRecovery: { args: void; result: void }
  /** Writes an exported figure or table (creating folders); atomic. */
  writeFile: { args: { path: string; data: string | Uint8Array }; result: { path: string } }
}

export const WORKSPACE_SERVICE = defineServiceContract<WorkspaceRequests>({
  name: 'workspace',
  requests: {
    info: true, startupProject: true, recentProjects: true, listDirectory: true, chooseDirectory: true,
    saveRecovery: true, loadRecovery: true, discardRecovery: true, writeFile: true,
  },
  events: {},
})

// ---------------------------------------------------------------------------------------------
// shell: what the application shell (menus, keyboard) tells the renderer
// ---------------------------------------------------------------------------------------------

/** Commands of the menus and shortcuts (UI.md, Keyboard). */
export const SHELL_COMMANDS = ['new-project', 'open-project', 'save', 'save-as', 'close-tab', 'run', 'cancel'] as const
export type ShellCommand = (typeof SHELL_COMMANDS)[number]

export type ShellEvents = {
  command: { command: ShellCommand }
}

export const SHELL_SERVICE = defineServiceContract<Record<never, never>, ShellEvents>({
  name: 'shell',
  requests: {},
  events: { command: true },
})

// ---------------------------------------------------------------------------------------------
// All services
// ---------------------------------------------------------------------------------------------

/** Every contract a renderer may use; the preload allows exactly these channels. */
export const WORKBENCH_CONTRACTS = [PROJECT_SERVICE, RUN_SERVICE, ANALYSIS_SERVICE, SWEEP_SERVICE, WORKSPACE_SERVICE, SHELL_SERVICE] as const

export type ProjectServiceImpl = ServiceImplementation<typeof PROJECT_SERVICE>
export type RunServiceImpl = ServiceImplementation<typeof RUN_SERVICE>
export type AnalysisServiceImpl = ServiceImplementation<typeof ANALYSIS_SERVICE>
export type SweepServiceImpl = ServiceImplementation<typeof SWEEP_SERVICE>
export type WorkspaceServiceImpl = ServiceImplementation<typeof WORKSPACE_SERVICE>

/**
 * What src/main/services/createServices.ts builds: the implementations, where the run and sweep
 * services' events come out (createServiceEventEmitter(RUN_SERVICE) and (SWEEP_SERVICE)), and
 * what to stop on quit.
 */
export interface WorkbenchServices {
  project: ProjectServiceImpl
  run: RunServiceImpl
  analysis: AnalysisServiceImpl
  sweep: SweepServiceImpl
  workspace: WorkspaceServiceImpl
  runEvents: ServiceEventSource<typeof RUN_SERVICE>
  sweepEvents: ServiceEventSource<typeof SWEEP_SERVICE>
  dispose?(): Promise<void>
}

/**
 * Binds the workbench services to their contracts. The shell service has no implementation:
 * its events come from the application shell (Electron menus), passed as `shellEvents`.
 */
export function serveWorkbenchServices(
  services: WorkbenchServices,
  shellEvents?: ServiceEventSource<typeof SHELL_SERVICE>,
  options: ServeOptions = {},
): ServedService[] {
  const served = [
    serveService(PROJECT_SERVICE, services.project, undefined, options),
    serveService(RUN_SERVICE, services.run, services.runEvents, options),
    serveService(ANALYSIS_SERVICE, services.analysis, undefined, options),
    serveService(SWEEP_SERVICE, services.sweep, services.sweepEvents, options),
    serveService(WORKSPACE_SERVICE, services.workspace, undefined, options),
  ]
  if (shellEvents) served.push(serveService(SHELL_SERVICE, {}, shellEvents, options))
  return served
}
