/**
 * Modal dialogs as promises: a store asks (`await dialogs.confirm(...)`), App.vue shows the
 * request at the head of the queue, and the dialog's answer resolves the promise. One dialog is
 * shown at a time; requests made meanwhile wait their turn.
 */
import { defineStore } from 'pinia'
import { computed, shallowRef } from 'vue'
import type { DialogPurpose, ProjectProblem, RecoveryDraft } from '../../../shared/api/workbenchApi'

export interface DialogChoice {
  id: string
  label: string
  /** the default button (Enter) */
  primary?: boolean
  /** drawn as a destructive action */
  danger?: boolean
}

export type RecoveryAnswer = 'restore' | 'discard'

interface DialogBase<Answer> {
  /** unique per request, for keys */
  id: number
  title: string
  resolve(answer: Answer): void
}

export type ChoiceDialog = DialogBase<string> & {
  kind: 'choice'
  message: string
  /** answer when dismissed with Esc or the close button */
  cancelId: string
  choices: DialogChoice[]
}

export type PromptDialog = DialogBase<string | null> & {
  kind: 'prompt'
  message?: string
  label: string
  value: string
  confirmLabel: string
  /** a message for an unacceptable value, or undefined */
  validate?: (value: string) => string | undefined
  /** a line under the field that depends on the value (e.g. the resulting folder) */
  describe?: (value: string) => string
}

export type ProblemsDialog = DialogBase<void> & {
  kind: 'problems'
  message: string
  problems: ProjectProblem[]
  warnings: ProjectProblem[]
}

export type FolderDialog = DialogBase<string | null> & {
  kind: 'folder'
  purpose: DialogPurpose
  startDir?: string
  confirmLabel: string
}

export type RecoveryDialog = DialogBase<RecoveryAnswer> & {
  kind: 'recovery'
  draft: RecoveryDraft
}

export type DialogRequest = ChoiceDialog | PromptDialog | ProblemsDialog | FolderDialog | RecoveryDialog

type WithoutBase<T> = Omit<T, 'id' | 'resolve' | 'kind'>

export const useDialogStore = defineStore('dialogs', () => {
  const queue = shallowRef<DialogRequest[]>([])
  let nextId = 1

  /** the dialog shown now */
  const active = computed<DialogRequest | null>(() => queue.value[0] ?? null)

  function enqueue<Answer>(build: (id: number, resolve: (answer: Answer) => void) => DialogRequest): Promise<Answer> {
    return new Promise<Answer>((resolve) => {
      const id = nextId++
      const request = build(id, (answer) => {
        queue.value = queue.value.filter((item) => item.id !== id)
        resolve(answer)
      })
      queue.value = [...queue.value, request]
    })
  }

  /** Asks to pick one of several buttons; resolves with its id (cancelId when dismissed). */
  function choose(options: WithoutBase<ChoiceDialog>): Promise<string> {
    return enqueue<string>((id, resolve) => ({ kind: 'choice', id, resolve, ...options }))
  }

  /** A yes/no question; resolves true for the confirming button. */
  async function confirm(options: { title: string; message: string; confirmLabel: string; cancelLabel?: string; danger?: boolean }): Promise<boolean> {
    const answer = await choose({
      title: options.title,
      message: options.message,
      cancelId: 'cancel',
      choices: [
        { id: 'cancel', label: options.cancelLabel ?? 'Cancel' },
        { id: 'confirm', label: options.confirmLabel, primary: true, danger: options.danger },
      ],
    })
    return answer === 'confirm'
  }

  /** Asks for a line of text; resolves null when cancelled. */
  function prompt(options: WithoutBase<PromptDialog>): Promise<string | null> {
    return enqueue<string | null>((id, resolve) => ({ kind: 'prompt', id, resolve, ...options }))
  }

  /** Lists problems with their JSON paths; resolves when closed. */
  function showProblems(options: { title: string; message: string; problems: ProjectProblem[]; warnings?: ProjectProblem[] }): Promise<void> {
    return enqueue<void>((id, resolve) => ({ kind: 'problems', id, resolve, warnings: [], ...options }))
  }

  /** The in-page folder picker (browser mode); resolves null when cancelled. */
  function pickFolder(options: WithoutBase<FolderDialog>): Promise<string | null> {
    return enqueue<string | null>((id, resolve) => ({ kind: 'folder', id, resolve, ...options }))
  }

  /** Offers an autosaved draft back. */
  function offerRecovery(draft: RecoveryDraft): Promise<RecoveryAnswer> {
    return enqueue<RecoveryAnswer>((id, resolve) => ({ kind: 'recovery', id, resolve, title: 'Recover unsaved edits?', draft }))
  }

  return { queue, active, choose, confirm, prompt, showProblems, pickFolder, offerRecovery }
})
