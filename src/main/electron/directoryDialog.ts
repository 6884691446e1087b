/**
 * The native folder dialog behind workspace.chooseDirectory (Security: file paths are chosen in
 * main-process dialogs, never typed into the sandboxed page). One dialog for every purpose, each
 * with its own title and button, modal to the focused window.
 *
 * Only types are imported from 'electron' (the dialog and window lookup are passed in), so this
 * module runs under Vitest with fakes.
 */
import type { BrowserWindow, Dialog, OpenDialogOptions } from 'electron'
import type { DialogPurpose } from '../../shared/api/workbenchApi'

const DIALOG_TEXT: Record<DialogPurpose, { title: string; buttonLabel: string }> = {
  'open-project': { title: 'Open Project', buttonLabel: 'Open' },
  'new-project': { title: 'New Project: choose its folder', buttonLabel: 'Create Here' },
  'save-project-as': { title: 'Save Project As: choose a folder', buttonLabel: 'Save Here' },
  'export-folder': { title: 'Export Figures To', buttonLabel: 'Export Here' },
}

export interface DirectoryDialogDependencies {
  dialog: Pick<Dialog, 'showOpenDialog'>
  /** the window the dialog belongs to (the focused one), if any */
  parentWindow(): BrowserWindow | null | undefined
}

/** Builds chooseDirectory(purpose, defaultPath): the chosen folder, or null when cancelled. */
export function createDirectoryDialog(dependencies: DirectoryDialogDependencies) {
  return async function chooseDirectory(purpose: DialogPurpose, defaultPath?: string): Promise<string | null> {
    const text = DIALOG_TEXT[purpose] ?? DIALOG_TEXT['open-project']
    const options: OpenDialogOptions = {
      title: text.title,
      buttonLabel: text.buttonLabel,
      properties: ['openDirectory', 'createDirectory'],
      ...(defaultPath ? { defaultPath } : {}),
    }
    const parent = dependencies.parentWindow()
    const result = parent ? await dependencies.dialog.showOpenDialog(parent, options) : await dependencies.dialog.showOpenDialog(options)
    return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
  }
}
