/**
 * The connection to the workbench services: the typed clients every other store calls. Set once
 * at start (main.ts) from the transport this window has (Electron's preload bridge, or the
 * browser-mode WebSocket); stores and tests reach the client only through this store. In browser
 * mode it also follows the socket's state, so the shell can say when it is reconnecting.
 */
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { ConnectionStatus } from '../api/websocketTransport'
import type { ConnectionMonitor, WorkbenchClient } from '../apiClient'

/** Every client the shell uses (the API client's services). */
export type ShellClient = WorkbenchClient

export const useConnectionStore = defineStore('connection', () => {
  /** the typed clients; a shallowRef: clients are frozen objects, not state to observe */
  const client = shallowRef<ShellClient | null>(null)
  /** why there is no client, in words (no bridge, no server) */
  const unavailableReason = ref('')
  /** the browser-mode socket's state; null in Electron, where IPC has no such state */
  const socketStatus = shallowRef<ConnectionStatus | null>(null)
  let stopMonitor: (() => void) | undefined

  const connected = computed(() => client.value !== null)

  function connect(next: ShellClient, monitor?: ConnectionMonitor): void {
    client.value = next
    unavailableReason.value = ''
    stopMonitor?.()
    stopMonitor = undefined
    socketStatus.value = null
    if (monitor) {
      socketStatus.value = monitor.current()
      stopMonitor = monitor.onChange((status) => (socketStatus.value = status))
    }
  }

  function markUnavailable(reason: string): void {
    client.value = null
    unavailableReason.value = reason
  }

  /** The client, or an Error that says why there is none. */
  function requireClient(): ShellClient {
    if (!client.value) throw new Error(unavailableReason.value || 'The workbench services are not connected.')
    return client.value
  }

  return { client, unavailableReason, socketStatus, connected, connect, markUnavailable, requireClient }
})
