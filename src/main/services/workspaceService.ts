import { readdir } from 'node:fs/promises'
import { availableParallelism, homedir } from 'node:os'
import { dirname, join } from 'node:path'
import { ServiceError } from '../../shared/api/serviceContract'
import {
  NO_NATIVE_DIALOG_ERROR, type DialogPurpose, type DirectoryEntry, type OpenedProject, type WorkspaceServiceImpl,
} from '../../shared/api/workbenchApi'
import { writeFileAtomic } from '../project/atomicWrite'
import { PROJECT_FILE_NAME } from '../project/projectStore'
import { backendReport } from '../compute/backendReport'
import { findPackageRoot } from '../runs/packageRoot'
import { readFileSync } from 'node:fs'
import type { PathPolicy } from './pathPolicy'
import { pathExists as exists } from '../project/pathExists'
import type { SettingsStore } from './settingsStore'
import { mkdir } from 'node:fs/promises'

/** Name of the example copy made on the very first start. */
export const EXAMPLE_COPY_NAME = 'spectral-bias-example.mscale'

export interface WorkspaceServiceOptions {
  mode: 'electron' | 'browser' | 'cli'
  paths: PathPolicy
  settings: SettingsStore
  projects: { openProject(dir: string): Promise<OpenedProject>; copyExample(args: { dir: string }): OpenedProject | Promise<OpenedProject> }
  /** a native folder dialog (Electron); absent elsewhere */
  chooseDirectory?(purpose: DialogPurpose, defaultPath?: string): Promise<string | null>
}

/** The machine around the projects: info, start-up project, recent projects, folders, recovery, exports. */
export function createWorkspaceService(options: WorkspaceServiceOptions): WorkspaceServiceImpl {
  const { paths, settings, projects } = options
  const defaultProjectFolder = paths.workspaceRoot ?? join(homedir(), 'MscaleWorkbench')
  const version = JSON.parse(readFileSync(join(findPackageRoot(), 'package.json'), 'utf8')).version as string

  return {
    async info() {
      return {
        mode: options.mode === 'electron' ? 'electron' : 'browser',
        workspaceRoot: paths.workspaceRoot,
        defaultProjectFolder,
        version,
        cores: availableParallelism(),
        backends: backendReport(),
      }
    },

    async startupProject() {
      const { lastProject } = await settings.read()
      if (lastProject && (await exists(join(lastProject, PROJECT_FILE_NAME)))) {
        try {
          return await projects.openProject(lastProject)
        } catch {
          // the last project became invalid or left the workspace: fall back to the example copy
        }
      }
      const copy = join(defaultProjectFolder, EXAMPLE_COPY_NAME)
      if (await exists(join(copy, PROJECT_FILE_NAME))) return projects.openProject(copy)
      await mkdir(defaultProjectFolder, { recursive: true })
      return projects.copyExample({ dir: copy })
    },

    async recentProjects() {
      const { recent } = await settings.read()
      const kept: string[] = []
      for (const dir of recent) {
        try {
          paths.resolve(dir, 'a recent project')
          if (await exists(join(dir, PROJECT_FILE_NAME))) kept.push(dir)
        } catch {
          // outside this workspace (browser mode): not offered
        }
      }
      return kept
    },

    async listDirectory({ dir }) {
      const absolute = paths.resolve(dir ?? paths.workspaceRoot ?? homedir(), 'the folder')
      let names
      try {
        names = await readdir(absolute, { withFileTypes: true })
      } catch (error) {
        throw new ServiceError('unreadable-folder', `cannot list ${absolute}: ${(error as Error).message}`)
      }
      const entries: DirectoryEntry[] = []
      for (const entry of names) {
        if (entry.name.startsWith('.')) continue
        const path = join(absolute, entry.name)
        if (entry.isDirectory()) entries.push({ name: entry.name, path, kind: (await exists(join(path, PROJECT_FILE_NAME))) ? 'project' : 'directory' })
        else if (entry.isFile()) entries.push({ name: entry.name, path, kind: 'file' })
      }
      entries.sort((a, b) => Number(a.kind === 'file') - Number(b.kind === 'file') || a.name.localeCompare(b.name))
      const atRoot = absolute === paths.workspaceRoot || dirname(absolute) === absolute
      return { dir: absolute, parent: atRoot ? undefined : dirname(absolute), entries }
    },

    async chooseDirectory({ purpose, defaultPath }) {
      if (!options.chooseDirectory) {
        throw new ServiceError(NO_NATIVE_DIALOG_ERROR, 'no native dialogs here: choose the folder in the workbench (workspace.listDirectory)')
      }
      return options.chooseDirectory(purpose, defaultPath)
    },

    async saveRecovery(draft) {
      await settings.writeRecovery(draft)
    },
    async loadRecovery() {
      return settings.readRecovery()
    },
    async discardRecovery() {
      await settings.discardRecovery()
    },

    async writeFile({ path, data }) {
      const absolute = paths.resolve(path, 'the file')
      await mkdir(dirname(absolute), { recursive: true })
      await writeFileAtomic(absolute, data)
      return { path: absolute }
    },
  }
}
