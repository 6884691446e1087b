import { mkdir, readFile, rm } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import type { RecoveryDraft } from '../../shared/api/workbenchApi'
import { writeFileAtomic } from '../project/atomicWrite'

/** How many recent projects are remembered. */
export const RECENT_PROJECTS_LIMIT = 10

export interface WorkbenchSettings {
  lastProject?: string
  recent: string[]
}

/**
 * The user's settings (last and recent projects) and the recovery draft, as JSON files in one
 * folder: Electron's userData, or MSCALE_SETTINGS_DIR, or $XDG_CONFIG_HOME/mscale-workbench.
 * Written atomically; an unreadable file counts as empty rather than stopping the app.
 */
export class SettingsStore {
  constructor(readonly dir: string = defaultSettingsDir()) {}

  async read(): Promise<WorkbenchSettings> {
    const value = await this.readJson('settings.json')
    const recent = Array.isArray(value?.recent) ? value.recent.filter((p: unknown): p is string => typeof p === 'string') : []
    return { lastProject: typeof value?.lastProject === 'string' ? value.lastProject : undefined, recent }
  }

  /** Makes dir the last project and the first of the recent ones. */
  async noteProject(dir: string): Promise<void> {
    const settings = await this.read()
    settings.lastProject = dir
    settings.recent = [dir, ...settings.recent.filter((p) => p !== dir)].slice(0, RECENT_PROJECTS_LIMIT)
    await this.writeJson('settings.json', settings)
  }

  async readRecovery(): Promise<RecoveryDraft | null> {
    const value = await this.readJson('recovery.json')
    return value && typeof value === 'object' && value.project ? (value as RecoveryDraft) : null
  }

  async writeRecovery(draft: RecoveryDraft): Promise<void> {
    await this.writeJson('recovery.json', draft)
  }

  async discardRecovery(): Promise<void> {
    await rm(join(this.dir, 'recovery.json'), { force: true })
  }

  private async readJson(name: string) {
    try {
      return JSON.parse(await readFile(join(this.dir, name), 'utf8'))
    } catch {
      return undefined
    }
  }

  private async writeJson(name: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await writeFileAtomic(join(this.dir, name), JSON.stringify(value, null, 2) + '\n')
  }
}

export function defaultSettingsDir(): string {
  if (process.env.MSCALE_SETTINGS_DIR) return process.env.MSCALE_SETTINGS_DIR
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'mscale-workbench')
}
