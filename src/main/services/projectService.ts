import { mkdir } from 'node:fs/promises'
import { pathExists as exists } from '../project/pathExists'
import { join } from 'node:path'
import { ServiceError } from '../../shared/api/serviceContract'
import { INVALID_PROJECT_ERROR, type OpenedProject, type ProjectServiceImpl } from '../../shared/api/workbenchApi'
import { defaultExperiment, parseProject } from '../../shared/project/projectSchema'
import { createProject, loadProject, PROJECT_FILE_NAME, saveProject } from '../project/projectStore'
import { copyExampleProject } from '../project/exampleProject'
import type { PathPolicy } from './pathPolicy'


export interface ProjectServiceOptions {
  paths: PathPolicy
  /** called with every project folder opened, created or saved (recent projects) */
  onProjectOpened?(dir: string): void | Promise<void>
}

/** Opening, validating, saving and creating projects (ARCHITECTURE.md, Projects on disk). */
export function createProjectService({ paths, onProjectOpened }: ProjectServiceOptions): ProjectServiceImpl & { openProject(dir: string): Promise<OpenedProject> } {
  const opened = async (dir: string) => {
    await onProjectOpened?.(dir)
  }
  async function openProject(path: string): Promise<OpenedProject> {
    const dir = paths.resolve(path, 'the project folder')
    const loaded = await loadProject(dir)
    if (!loaded.ok) {
      throw new ServiceError(INVALID_PROJECT_ERROR, `${dir} is not a valid project (${loaded.problems.length} problem${loaded.problems.length === 1 ? '' : 's'}); nothing was opened`, { problems: loaded.problems })
    }
    await opened(dir)
    return { dir, project: loaded.project, warnings: loaded.warnings }
  }
  return {
    openProject,
    open: openProject,
    async validate(path) {
      const loaded = await loadProject(paths.resolve(path, 'the project folder'))
      return loaded.ok ? { ok: true, problems: [], warnings: loaded.warnings } : { ok: false, problems: loaded.problems, warnings: loaded.warnings ?? [] }
    },
    async save({ dir: path, project }) {
      const dir = paths.resolve(path, 'the project folder')
      const parsed = parseProject(project)
      if (!parsed.ok) throw new ServiceError(INVALID_PROJECT_ERROR, `the project has ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}; nothing was written`, { problems: parsed.problems })
      await mkdir(dir, { recursive: true })
      await saveProject(dir, project)
      await opened(dir)
    },
    async create({ dir: path, name }) {
      const dir = paths.resolve(path, 'the new project folder')
      if (await exists(join(dir, PROJECT_FILE_NAME))) throw new ServiceError('project-exists', `${dir} already holds a project; open it or choose another folder`)
      const project = await createProject(dir, name, [defaultExperiment('experiment-1')])
      await opened(dir)
      return { dir, project, warnings: [] }
    },
    async copyExample({ dir: path }) {
      const dir = paths.resolve(path, 'the folder for the example')
      if (await exists(join(dir, PROJECT_FILE_NAME))) throw new ServiceError('project-exists', `${dir} already holds a project; open it or choose another folder`)
      await copyExampleProject(dir)
      return openProject(dir)
    },
  }
}
