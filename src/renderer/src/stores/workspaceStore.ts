/**
 * The machine around the projects: what workspace.info reports (mode, default folder, cores,
 * the training backends and why the faster ones are not in use), the recent projects, and folder
 * choice that works in both modes (a native dialog in Electron, the in-page picker in browser
 * mode, where chooseDirectory refuses with NO_NATIVE_DIALOG_ERROR).
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { ServiceError } from '../../../shared/api/serviceContract'
import { NO_NATIVE_DIALOG_ERROR, type DialogPurpose, type WorkspaceInfo } from '../../../shared/api/workbenchApi'
import type { TrainingBackend } from '../../../shared/project/experimentTypes'
import { useConnectionStore } from './connectionStore'
import { useDialogStore } from './dialogStore'

/** Short names for the backend chip (UI.md: "wasm, CPU", "tfjs-node", "CUDA"). */
export const BACKEND_LABELS: Record<TrainingBackend, string> = {
  'tfjs-node-gpu': 'CUDA',
  'tfjs-node': 'tfjs-node, CPU',
  'js-f64': 'js-f64, CPU',
  wasm: 'wasm, CPU',
  cpu: 'cpu (plain JS)',
}

const FOLDER_DIALOG_LABELS: Record<DialogPurpose, string> = {
  'open-project': 'Open',
  'new-project': 'Create here',
  'save-project-as': 'Save here',
  'export-folder': 'Export here',
}

export const useWorkspaceStore = defineStore('workspace', () => {
  const connection = useConnectionStore()
  const dialogs = useDialogStore()

  const info = shallowRef<WorkspaceInfo | null>(null)
  const recent = ref<string[]>([])
  const error = ref('')

  const mode = computed(() => info.value?.mode ?? null)
  const autoBackend = computed<TrainingBackend | null>(() => info.value?.backends.auto ?? null)
  const backendLabel = computed(() => (autoBackend.value ? BACKEND_LABELS[autoBackend.value] : 'no backend'))
  /** every backend with its availability and note, fastest first as the service lists them */
  const backends = computed(() => info.value?.backends.backends ?? [])
  /** the backends faster than the one in use, with why they are not used and how to get them */
  const fasterUnavailable = computed(() => {
    const list = backends.value
    const index = list.findIndex((entry) => entry.backend === autoBackend.value)
    return (index < 0 ? list : list.slice(0, index)).filter((entry) => !entry.available)
  })

  async function load(): Promise<void> {
    const client = connection.requireClient()
    try {
      info.value = await client.workspace.info()
      error.value = ''
    } catch (caught) {
      error.value = `The workspace could not be read: ${messageOf(caught)}`
    }
    await refreshRecent()
  }

  async function refreshRecent(): Promise<void> {
    try {
      recent.value = await connection.requireClient().workspace.recentProjects()
    } catch {
      // The list is a convenience; an unreadable one leaves the previous list.
    }
  }

  /**
   * A folder chosen by the user: the native dialog where there is one, else the in-page picker.
   * Resolves null when the user cancels.
   */
  async function chooseDirectory(purpose: DialogPurpose, title: string, defaultPath?: string): Promise<string | null> {
    const client = connection.requireClient()
    const startDir = defaultPath ?? info.value?.defaultProjectFolder
    try {
      return await client.workspace.chooseDirectory({ purpose, defaultPath: startDir })
    } catch (caught) {
      if (!(ServiceError.isServiceError(caught) && caught.code === NO_NATIVE_DIALOG_ERROR)) throw caught
    }
    return dialogs.pickFolder({ title, purpose, startDir, confirmLabel: FOLDER_DIALOG_LABELS[purpose] })
  }

  return { info, recent, error, mode, autoBackend, backendLabel, backends, fasterUnavailable, load, refreshRecent, chooseDirectory }
})

/** The readable message of anything thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}
