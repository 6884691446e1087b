/**
 * The preload: the only bridge between the sandboxed renderer and the main process. It exposes
 * window.workbench = { call, listen } (the generic proxy's ApiBridge) and nothing else: no
 * ipcRenderer, no Node, no IPC event objects (their `sender` would hand the page ipcRenderer).
 * Only the channels, requests and events of WORKBENCH_CONTRACTS pass; anything else is refused
 * here, before it reaches IPC, and again in the main process.
 *
 * Runs sandboxed (webPreferences.sandbox: true), so it is bundled to one CommonJS file that
 * requires nothing but 'electron'.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { errorResponse, ipcChannelNames, type ApiBridge } from '../shared/api/apiProxy'
import {
  API_ERROR_CODES,
  hasEvent,
  hasRequest,
  isApiEventMessage,
  isApiResponseMessage,
  type AnyServiceContract,
  type ApiRequestMessage,
} from '../shared/api/serviceContract'
import { WORKBENCH_CONTRACTS } from '../shared/api/workbenchApi'

/** The name of the bridge on window. */
export const BRIDGE_GLOBAL_NAME = 'workbench'

type Listener = (payload: unknown) => void

/** The part of ipcRenderer the bridge uses (a fake one in tests). */
export interface PreloadIpc {
  invoke(channel: string, message: unknown): Promise<unknown>
  on(channel: string, listener: (event: IpcRendererEvent, message: unknown) => void): unknown
  removeListener(channel: string, listener: (event: IpcRendererEvent, message: unknown) => void): unknown
}

/** Builds the bridge over an ipcRenderer. */
export function createPreloadBridge(
  ipc: PreloadIpc,
  contracts: readonly AnyServiceContract[] = WORKBENCH_CONTRACTS,
): ApiBridge {
  const byChannel = new Map(contracts.map((contract) => [contract.name, contract]))
  const allowed = [...byChannel.keys()].join(', ')
  /** channel -> event -> listeners; one ipcRenderer listener per channel while any are present */
  const listeners = new Map<string, Map<string, Set<Listener>>>()
  const ipcHandlers = new Map<string, (event: IpcRendererEvent, message: unknown) => void>()
  let nextId = 1

  const call: ApiBridge['call'] = async (channel, method, args) => {
    const id = nextId++
    const contract = typeof channel === 'string' ? byChannel.get(channel) : undefined
    if (!contract) {
      return errorResponse(id, { code: API_ERROR_CODES.unknownChannel, message: `The workbench API has no channel "${String(channel)}"; channels: ${allowed}.` })
    }
    if (typeof method !== 'string' || !hasRequest(contract, method)) {
      return errorResponse(id, { code: API_ERROR_CODES.unknownMethod, message: `Service "${channel}" has no request "${String(method)}"; it accepts: ${Object.keys(contract.requests).join(', ') || '(none)'}.` })
    }
    const message: ApiRequestMessage = { kind: 'request', id, channel, method, args }
    try {
      const response: unknown = await ipc.invoke(ipcChannelNames(channel).request, message)
      if (isApiResponseMessage(response)) return response
      return errorResponse(id, { code: API_ERROR_CODES.transport, message: `The main process sent a malformed answer to ${channel}.${method}.` })
    } catch (error) {
      // Arguments that cannot be cloned, or no handler in main: Electron rejects the invoke.
      const reason = error instanceof Error ? error.message : String(error)
      const code = /clone/i.test(reason) ? API_ERROR_CODES.notSerialisable : API_ERROR_CODES.transport
      return errorResponse(id, { code, message: `The call ${channel}.${method} did not reach the main process: ${reason}` })
    }
  }

  const listen: ApiBridge['listen'] = (channel, event, listener) => {
    const contract = typeof channel === 'string' ? byChannel.get(channel) : undefined
    if (!contract) throw new Error(`The workbench API has no channel "${String(channel)}"; channels: ${allowed}.`)
    if (typeof event !== 'string' || !hasEvent(contract, event)) {
      throw new Error(`Service "${channel}" has no event "${String(event)}"; it emits: ${Object.keys(contract.events).join(', ') || '(none)'}.`)
    }
    if (typeof listener !== 'function') throw new Error('listen needs a function to call with each event payload.')

    let byEvent = listeners.get(channel)
    if (!byEvent) {
      byEvent = new Map()
      listeners.set(channel, byEvent)
      const events = byEvent
      const handler = (_event: IpcRendererEvent, message: unknown) => {
        if (!isApiEventMessage(message) || message.channel !== channel) return
        for (const registered of [...(events.get(message.event) ?? [])]) registered(message.payload)
      }
      ipcHandlers.set(channel, handler)
      ipc.on(ipcChannelNames(channel).event, handler)
    }
    const set = byEvent.get(event) ?? new Set<Listener>()
    byEvent.set(event, set)
    const entry: Listener = (payload) => listener(payload)
    set.add(entry)

    let subscribed = true
    return () => {
      if (!subscribed) return
      subscribed = false
      set.delete(entry)
      if (set.size === 0) byEvent.delete(event)
      if (byEvent.size === 0) {
        listeners.delete(channel)
        const handler = ipcHandlers.get(channel)
        ipcHandlers.delete(channel)
        if (handler) ipc.removeListener(ipcChannelNames(channel).event, handler)
      }
    }
  }

  return Object.freeze({ call, listen })
}

// Expose only in a real Electron renderer (tests import createPreloadBridge with a fake).
if (typeof contextBridge?.exposeInMainWorld === 'function' && process.contextIsolated) {
  contextBridge.exposeInMainWorld(BRIDGE_GLOBAL_NAME, createPreloadBridge(ipcRenderer))
}
