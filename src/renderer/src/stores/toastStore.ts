/**
 * Quiet notifications in the corner (UI.md: "finished runs raise a quiet toast"): they go away
 * by themselves, errors stay a little longer, and none of them takes the focus.
 */
import { defineStore } from 'pinia'
import { ref } from 'vue'

export type ToastKind = 'info' | 'success' | 'warning' | 'error'

export interface Toast {
  id: number
  kind: ToastKind
  message: string
  /** optional action shown as a link button */
  action?: { label: string; run(): void }
}

/** How long a toast stays, by kind (ms). */
export const TOAST_DURATION_MS: Record<ToastKind, number> = { info: 4000, success: 5000, warning: 8000, error: 10000 }
/** At most this many at once; the oldest goes first. */
export const MAX_TOASTS = 4

export const useToastStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([])
  let nextId = 1
  const timers = new Map<number, ReturnType<typeof setTimeout>>()

  function show(kind: ToastKind, message: string, action?: Toast['action']): number {
    const id = nextId++
    toasts.value = [...toasts.value, { id, kind, message, action }].slice(-MAX_TOASTS)
    timers.set(id, setTimeout(() => dismiss(id), TOAST_DURATION_MS[kind]))
    return id
  }

  function dismiss(id: number): void {
    const timer = timers.get(id)
    if (timer !== undefined) clearTimeout(timer)
    timers.delete(id)
    toasts.value = toasts.value.filter((toast) => toast.id !== id)
  }

  return { toasts, show, dismiss }
})
