import { createServiceEventEmitter } from '../../shared/api/apiProxy'
import { ServiceError } from '../../shared/api/serviceContract'
import {
  INVALID_PROJECT_ERROR, RUN_SERVICE, type AnalysisServiceImpl, type ProjectServiceImpl, type WorkbenchServices,
} from '../../shared/api/workbenchApi'
import { diffusionCoefficients } from '../../shared/spectral/diffusionCoefficients'
import { parseProject } from '../../shared/project/projectSchema'
import { loadProject, saveProject } from '../project/projectStore'
import { RunService, type RunServiceOptions } from './runService'
import { resolve } from 'node:path'

/**
 * The workbench's services, built once per process and served over any transport: Electron IPC,
 * the browser-mode WebSocket, or in-process for the CLI and tests.
 */
export function createServices(options: Omit<RunServiceOptions, 'events'> = {}): WorkbenchServices & { runService: RunService } {
  const runEvents = createServiceEventEmitter(RUN_SERVICE)
  const runService = new RunService({
    ...options,
    events: {
      progress: (payload) => runEvents.emit('progress', payload),
      finished: (payload) => runEvents.emit('finished', payload),
    },
  })
  return {
    project: createProjectService(),
    run: {
      start: (args) => runService.start(args),
      cancel: (args) => runService.cancel(args),
      list: (args) => runService.list(args),
    },
    analysis: createAnalysisService(),
    runEvents,
    runService,
    dispose: () => runService.dispose(),
  }
}

function createProjectService(): ProjectServiceImpl {
  return {
    async open(dir) {
      const loaded = await loadProject(dir)
      if (!loaded.ok) throw new ServiceError(INVALID_PROJECT_ERROR, `${dir} is not a valid project (${loaded.problems.length} problems)`, { problems: loaded.problems })
      return { dir: resolve(dir), project: loaded.project, warnings: loaded.warnings }
    },
    async validate(dir) {
      const loaded = await loadProject(dir)
      return loaded.ok ? { ok: true, problems: [], warnings: loaded.warnings } : { ok: false, problems: loaded.problems, warnings: [] }
    },
    async save({ dir, project }) {
      const parsed = parseProject(project)
      if (!parsed.ok) throw new ServiceError(INVALID_PROJECT_ERROR, `the project has ${parsed.problems.length} problems; nothing was written`, { problems: parsed.problems })
      await saveProject(dir, project)
    },
  }
}

function createAnalysisService(): AnalysisServiceImpl {
  return {
    async coefficients({ setup, xi }) {
      const points = new Float64Array(xi.length * setup.dim)
      xi.forEach((r, k) => (points[k * setup.dim] = r))
      const c = diffusionCoefficients(setup, points)
      return { xi: [...xi], Rre: Array.from(c.Rre), Rim: Array.from(c.Rim), Dre: Array.from(c.Dre), Dim: Array.from(c.Dim) }
    },
  }
}
