// The Electron IPC path without an Electron binary: renderer client -> preload bridge ->
// (fake) IPC -> ipcTransport -> router -> fake service, and events back. The fake IPC clones
// every message as Electron does and hands renderer listeners an event object with a `sender`,
// as ipcRenderer does, so the test can check that the page never sees it.
import { describe, expect, it, vi } from 'vitest'
import type { IpcMainInvokeEvent, IpcRendererEvent } from 'electron'

const exposed = vi.hoisted(() => {
  // The preload exposes its bridge only in a context-isolated renderer.
  Object.defineProperty(process, 'contextIsolated', { value: true, configurable: true })
  return new Map<string, unknown>()
})

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.set(name, api) },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
}))

import { createBridgeTransport, createServiceClient, createServiceEventEmitter, createServiceRouter, ipcChannelNames, serveService } from '../../../src/shared/api/apiProxy'
import { API_ERROR_CODES, defineServiceContract, ServiceError, type ApiResponseMessage } from '../../../src/shared/api/serviceContract'
import { WORKBENCH_CONTRACTS } from '../../../src/shared/api/workbenchApi'
import { serveOverIpc } from '../../../src/main/electron/ipcTransport'
import { BRIDGE_GLOBAL_NAME, createPreloadBridge } from '../../../src/preload/index'

type GreeterRequests = {
  greet: { args: { name: string }; result: string }
  refuse: { args: void; result: void }
}
type GreeterEvents = { greeted: { name: string; count: number } }
const GREETER_SERVICE = defineServiceContract<GreeterRequests, GreeterEvents>({
  name: 'greeter',
  requests: { greet: true, refuse: true },
  events: { greeted: true },
})

type Handler = (event: IpcMainInvokeEvent, message: unknown) => Promise<unknown>
type RendererListener = (event: IpcRendererEvent, message: unknown) => void

/** An in-memory stand-in for ipcMain, ipcRenderer and one window's webContents. */
function createFakeIpc(senderFrameUrl = 'file:///app/out/renderer/index.html') {
  const handlers = new Map<string, Handler>()
  const rendererListeners = new Map<string, Set<RendererListener>>()
  const senderEvent = { senderFrame: { url: senderFrameUrl, parent: null } } as unknown as IpcMainInvokeEvent
  const rendererEvent = { sender: { secret: 'ipcRenderer itself' } } as unknown as IpcRendererEvent
  const ipcMain = {
    handle: vi.fn((channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
      handlers.set(channel, handler)
    }),
    removeHandler: vi.fn((channel: string) => {
      handlers.delete(channel)
    }),
  }
  const ipcRenderer = {
    invoke: vi.fn(async (channel: string, message: unknown) => {
      const handler = handlers.get(channel)
      if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`)
      return structuredClone(await handler(senderEvent, structuredClone(message)))
    }),
    on: vi.fn((channel: string, listener: RendererListener) => {
      const set = rendererListeners.get(channel) ?? new Set()
      rendererListeners.set(channel, set.add(listener))
      return ipcRenderer
    }),
    removeListener: vi.fn((channel: string, listener: RendererListener) => {
      rendererListeners.get(channel)?.delete(listener)
      return ipcRenderer
    }),
  }
  const webContents = {
    isDestroyed: () => false,
    send: vi.fn((channel: string, message: unknown) => {
      const copy = structuredClone(message)
      setTimeout(() => {
        for (const listener of rendererListeners.get(channel) ?? []) listener(rendererEvent, copy)
      }, 0)
    }),
  }
  const listenerCount = (channel: string) => rendererListeners.get(channel)?.size ?? 0
  return { ipcMain, ipcRenderer, webContents, handlers, listenerCount }
}

function setUp(options: { trusted?: (event: IpcMainInvokeEvent) => boolean } = {}) {
  const ipc = createFakeIpc()
  const events = createServiceEventEmitter(GREETER_SERVICE)
  let count = 0
  const router = createServiceRouter([serveService(GREETER_SERVICE, {
    greet({ name }) {
      count += 1
      events.emit('greeted', { name, count })
      return `Hello, ${name}`
    },
    refuse() {
      throw new ServiceError('not-today', 'No greetings today.', { retryAfterSeconds: 60 })
    },
  }, events)])
  const stop = serveOverIpc(router, {
    ipcMain: ipc.ipcMain,
    isTrustedSender: options.trusted ?? ((event) => event.senderFrame?.url.startsWith('file:///app/') ?? false),
    eventTargets: () => [ipc.webContents],
  })
  const bridge = createPreloadBridge(ipc.ipcRenderer, [GREETER_SERVICE])
  const client = createServiceClient(GREETER_SERVICE, createBridgeTransport(bridge))
  return { ipc, events, bridge, client, stop }
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 5))

describe('preload exposure', () => {
  it('exposes exactly { call, listen } on window.workbench', () => {
    const api = exposed.get(BRIDGE_GLOBAL_NAME) as Record<string, unknown>
    expect([...exposed.keys()]).toEqual(['workbench'])
    expect(Object.keys(api).sort()).toEqual(['call', 'listen'])
    expect(typeof api.call).toBe('function')
    expect(typeof api.listen).toBe('function')
  })
})

describe('requests over IPC', () => {
  it('carries a request through preload and main and back', async () => {
    const { client, ipc } = setUp()
    expect(await client.greet({ name: 'Ada' })).toBe('Hello, Ada')
    const [channel, message] = ipc.ipcRenderer.invoke.mock.calls[0]
    expect(channel).toBe(ipcChannelNames('greeter').request)
    expect(message).toEqual({ kind: 'request', id: 1, channel: 'greeter', method: 'greet', args: { name: 'Ada' } })
  })

  it('carries a coded error as a value and rejects the client with it', async () => {
    const { client, bridge } = setUp()
    await expect(client.refuse()).rejects.toMatchObject({ code: 'not-today', message: 'No greetings today.', details: { retryAfterSeconds: 60 } })
    const response = await bridge.call('greeter', 'refuse', undefined)
    expect(response).toMatchObject({ kind: 'response', ok: false, error: { code: 'not-today' } })
  })

  it('refuses channels and methods outside the contract in the preload, before IPC', async () => {
    const { bridge, ipc } = setUp()
    const unknownChannel = await bridge.call('filesystem', 'readFile', '/etc/passwd')
    expect(unknownChannel).toMatchObject({ ok: false, error: { code: API_ERROR_CODES.unknownChannel, message: 'The workbench API has no channel "filesystem"; channels: greeter.' } })
    const unknownMethod = await bridge.call('greeter', 'constructor', {})
    expect(unknownMethod).toMatchObject({ ok: false, error: { code: API_ERROR_CODES.unknownMethod } })
    expect(ipc.ipcRenderer.invoke).not.toHaveBeenCalled()
  })

  it('refuses in main a request from an untrusted frame', async () => {
    const { bridge } = setUp({ trusted: () => false })
    expect(await bridge.call('greeter', 'greet', { name: 'Eve' })).toMatchObject({ ok: false, error: { code: API_ERROR_CODES.forbidden } })
  })

  it('refuses in main a message that names another channel than the one it came on', async () => {
    const { ipc } = setUp()
    const response = (await ipc.ipcRenderer.invoke(ipcChannelNames('greeter').request, { kind: 'request', id: 3, channel: 'project', method: 'open', args: '/' })) as ApiResponseMessage
    expect(response).toMatchObject({ id: 3, ok: false, error: { code: API_ERROR_CODES.badMessage } })
    const malformed = (await ipc.ipcRenderer.invoke(ipcChannelNames('greeter').request, { kind: 'request', channel: 'greeter' })) as ApiResponseMessage
    expect(malformed).toMatchObject({ id: -1, ok: false, error: { code: API_ERROR_CODES.badMessage } })
  })

  it('reports a failed invoke (no handler in main) as a transport error value', async () => {
    const { bridge, stop, ipc } = setUp()
    stop()
    expect(ipc.handlers.size).toBe(0)
    const response = await bridge.call('greeter', 'greet', { name: 'Ada' })
    expect(response).toMatchObject({ ok: false, error: { code: API_ERROR_CODES.transport, message: expect.stringMatching(/did not reach the main process/) } })
  })
})

describe('events over IPC', () => {
  it('delivers only the payload to the page, never the IPC event object', async () => {
    const { client } = setUp()
    const listener = vi.fn()
    client.on('greeted', listener)
    await client.greet({ name: 'Ada' })
    await settle()
    expect(listener).toHaveBeenCalledTimes(1)
    expect(listener.mock.calls[0]).toEqual([{ name: 'Ada', count: 1 }])
  })

  it('shares one ipcRenderer listener per channel and removes it with the last subscriber', async () => {
    const { client, ipc, events } = setUp()
    const eventChannel = ipcChannelNames('greeter').event
    const first = vi.fn()
    const second = vi.fn()
    const unsubscribeFirst = client.on('greeted', first)
    const unsubscribeSecond = client.on('greeted', second)
    expect(ipc.listenerCount(eventChannel)).toBe(1)

    events.emit('greeted', { name: 'Grace', count: 9 })
    await settle()
    expect(first).toHaveBeenCalledWith({ name: 'Grace', count: 9 })
    expect(second).toHaveBeenCalledWith({ name: 'Grace', count: 9 })

    unsubscribeFirst()
    expect(ipc.listenerCount(eventChannel)).toBe(1)
    unsubscribeSecond()
    expect(ipc.listenerCount(eventChannel)).toBe(0)
    events.emit('greeted', { name: 'Grace', count: 10 })
    await settle()
    expect(first).toHaveBeenCalledTimes(1)
    expect(second).toHaveBeenCalledTimes(1)
  })

  it('refuses to listen outside the contract', () => {
    const { bridge } = setUp()
    expect(() => bridge.listen('greeter', 'deleted', () => undefined)).toThrow('Service "greeter" has no event "deleted"; it emits: greeted.')
    expect(() => bridge.listen('shell-exec', 'output', () => undefined)).toThrow(/no channel "shell-exec"/)
  })

  it('stops forwarding events once the transport is stopped', async () => {
    const { client, events, stop, ipc } = setUp()
    const listener = vi.fn()
    client.on('greeted', listener)
    stop()
    events.emit('greeted', { name: 'Ada', count: 1 })
    await settle()
    expect(ipc.webContents.send).not.toHaveBeenCalled()
    expect(listener).not.toHaveBeenCalled()
  })
})

describe('the workbench contracts through the preload', () => {
  it('allows exactly the workbench channels by default', async () => {
    const ipc = createFakeIpc()
    const bridge = createPreloadBridge(ipc.ipcRenderer)
    const names = WORKBENCH_CONTRACTS.map((contract) => contract.name)
    expect(names).toEqual(['project', 'run', 'analysis', 'sweep', 'workspace', 'shell'])
    expect(new Set(names).size).toBe(names.length)
    // An allowed channel passes the preload and reaches IPC (where no handler is registered here).
    expect(await bridge.call('project', 'validate', '/tmp')).toMatchObject({ ok: false, error: { code: API_ERROR_CODES.transport } })
    expect(ipc.ipcRenderer.invoke).toHaveBeenCalledWith(ipcChannelNames('project').request, expect.objectContaining({ method: 'validate' }))
    expect(await bridge.call('greeter', 'greet', {})).toMatchObject({ ok: false, error: { code: API_ERROR_CODES.unknownChannel } })
  })
})
