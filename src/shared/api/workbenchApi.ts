/**
 * The workbench's API contract: every service the renderer (or the CLI, or a test) may call, with
 * its serialisable argument, result and event types. Implemented once in src/main/services and
 * carried by any transport (serviceContract.ts, apiProxy.ts).
 *
 * Errors are ServiceErrors with a code; the codes each request may produce are listed on it.
 */
import type { BackendChoice, Project, TrainingBackend } from '../project/experimentTypes'
import type { SpectralSetup } from '../spectral/spectralSetup'
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
}

export const PROJECT_SERVICE = defineServiceContract<ProjectRequests>({
  name: 'project',
  requests: { open: true, validate: true, save: true },
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
  /** relative error norm at the final time on the analysis band (spec section 6) */
  finalErrorNorm?: number
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
}

export type RunEvents = {
  progress: RunProgress
  finished: RunFinished
}

export const RUN_SERVICE = defineServiceContract<RunRequests, RunEvents>({
  name: 'run',
  requests: { start: true, cancel: true, list: true },
  events: { progress: true, finished: true },
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

export type AnalysisRequests = {
  coefficients: { args: { setup: SpectralSetup; xi: number[] }; result: CoefficientsResult }
}

export const ANALYSIS_SERVICE = defineServiceContract<AnalysisRequests>({
  name: 'analysis',
  requests: { coefficients: true },
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
export const WORKBENCH_CONTRACTS = [PROJECT_SERVICE, RUN_SERVICE, ANALYSIS_SERVICE, SHELL_SERVICE] as const

export type ProjectServiceImpl = ServiceImplementation<typeof PROJECT_SERVICE>
export type RunServiceImpl = ServiceImplementation<typeof RUN_SERVICE>
export type AnalysisServiceImpl = ServiceImplementation<typeof ANALYSIS_SERVICE>

/**
 * What src/main/services/createServices.ts builds: the implementations, where the run service's
 * events come out (a createServiceEventEmitter(RUN_SERVICE) the run service emits on), and
 * what to stop on quit.
 */
export interface WorkbenchServices {
  project: ProjectServiceImpl
  run: RunServiceImpl
  analysis: AnalysisServiceImpl
  runEvents: ServiceEventSource<typeof RUN_SERVICE>
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
  ]
  if (shellEvents) served.push(serveService(SHELL_SERVICE, {}, shellEvents, options))
  return served
}
