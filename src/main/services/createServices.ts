import { createServiceEventEmitter } from '../../shared/api/apiProxy'
import { RUN_SERVICE, SWEEP_SERVICE, type DialogPurpose, type WorkbenchServices } from '../../shared/api/workbenchApi'
import { createAnalysisService } from './analysisService'
import { createPathPolicy } from './pathPolicy'
import { createProjectService } from './projectService'
import { RunService } from './runService'
import { SettingsStore } from './settingsStore'
import { createSweepService } from './sweepService'
import { createWorkspaceService } from './workspaceService'

export interface CreateServicesOptions {
  /** 'browser' confines every path to workspaceRoot; 'electron' offers native dialogs */
  mode?: 'electron' | 'browser' | 'cli'
  /** browser mode: the folder every request must stay inside (default: the current folder) */
  workspaceRoot?: string
  /** settings and recovery files (default: MSCALE_SETTINGS_DIR or ~/.config/mscale-workbench) */
  settingsDir?: string
  /** a native folder dialog (Electron) */
  chooseDirectory?(purpose: DialogPurpose, defaultPath?: string): Promise<string | null>
  /** told of every project opened or saved (Electron: the OS recent documents) */
  onProjectOpened?(dir: string): void
  /** parallel runs (default: one per core) */
  concurrency?: number
}

/**
 * The workbench's services, built once per process and served over any transport: Electron IPC,
 * the browser-mode WebSocket, or in-process for the CLI and tests.
 */
export function createServices(options: CreateServicesOptions = {}): WorkbenchServices & { runService: RunService } {
  const mode = options.mode ?? 'cli'
  const paths = createPathPolicy(mode === 'browser' ? options.workspaceRoot ?? process.cwd() : undefined)
  const settings = new SettingsStore(options.settingsDir)
  const runEvents = createServiceEventEmitter(RUN_SERVICE)
  const runService = new RunService({
    concurrency: options.concurrency,
    events: {
      progress: (payload) => runEvents.emit('progress', payload),
      prepared: (payload) => runEvents.emit('prepared', payload),
      snapshot: (payload) => runEvents.emit('snapshot', payload),
      finished: (payload) => runEvents.emit('finished', payload),
    },
  })
  const project = createProjectService({
    paths,
    onProjectOpened: async (dir) => {
      await settings.noteProject(dir)
      options.onProjectOpened?.(dir)
    },
  })
  const analysis = createAnalysisService({ paths })
  const sweepEvents = createServiceEventEmitter(SWEEP_SERVICE)
  const sweep = createSweepService({ paths, events: sweepEvents })
  return {
    project,
    run: {
      start: (args) => runService.start({ ...args, projectDir: paths.resolve(args.projectDir, 'the project folder') }),
      cancel: (args) => runService.cancel(args),
      list: (args) => runService.list({ projectDir: paths.resolve(args.projectDir, 'the project folder') }),
      load: (args) => runService.load({ runDir: paths.resolve(args.runDir, 'the run folder') }),
    },
    analysis,
    sweep,
    workspace: createWorkspaceService({ mode, paths, settings, projects: project, chooseDirectory: options.chooseDirectory }),
    runEvents,
    sweepEvents,
    runService,
    dispose: async () => {
      await Promise.all([runService.dispose(), analysis.dispose(), sweep.dispose()])
    },
  }
}
