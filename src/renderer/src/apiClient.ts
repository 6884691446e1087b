/**
 * The renderer's connection to the workbench services: typed clients from the one generic proxy
 * over whichever transport this window has. In Electron the preload's bridge (window.workbench)
 * carries the calls; in a browser (browser mode, `npm run serve`) a WebSocket to the server that
 * served the page does (api/websocketTransport.ts).
 */
import { createBridgeTransport, createServiceClient, type ApiBridge, type ServiceClient } from '../../shared/api/apiProxy'
import type { ApiTransport } from '../../shared/api/serviceContract'
import { ANALYSIS_SERVICE, PROJECT_SERVICE, RUN_SERVICE, SHELL_SERVICE, SWEEP_SERVICE, WORKSPACE_SERVICE } from '../../shared/api/workbenchApi'
import {
  apiSocketUrl,
  createWebSocketTransport,
  takeAccessToken,
  type ConnectionStatus,
  type PageScope,
  type WebSocketLike,
} from './api/websocketTransport'

export interface WorkbenchClient {
  project: ServiceClient<typeof PROJECT_SERVICE>
  run: ServiceClient<typeof RUN_SERVICE>
  analysis: ServiceClient<typeof ANALYSIS_SERVICE>
  sweep: ServiceClient<typeof SWEEP_SERVICE>
  workspace: ServiceClient<typeof WORKSPACE_SERVICE>
  shell: ServiceClient<typeof SHELL_SERVICE>
}

/** The state of the browser-mode socket, for a status display ("reconnecting in 2 s"). */
export interface ConnectionMonitor {
  current(): ConnectionStatus
  onChange(listener: (status: ConnectionStatus) => void): () => void
}

export type WorkbenchConnection =
  | { mode: 'electron'; client: WorkbenchClient }
  | { mode: 'browser'; client: WorkbenchClient; connection: ConnectionMonitor }
  | { mode: 'unavailable'; reason: string }

export const NO_TRANSPORT_AVAILABLE =
  'This page cannot reach the workbench services: it has neither the desktop application\'s bridge '
  + 'nor a browser-mode server behind it. Start the desktop app with `npm start`, or browser mode '
  + 'with `npm run serve` and open the URL it prints.'

/** Typed clients of every workbench service over one transport. */
export function createWorkbenchClient(transport: ApiTransport): WorkbenchClient {
  return {
    project: createServiceClient(PROJECT_SERVICE, transport),
    run: createServiceClient(RUN_SERVICE, transport),
    analysis: createServiceClient(ANALYSIS_SERVICE, transport),
    sweep: createServiceClient(SWEEP_SERVICE, transport),
    workspace: createServiceClient(WORKSPACE_SERVICE, transport),
    shell: createServiceClient(SHELL_SERVICE, transport),
  }
}

/** What connectWorkbench looks at: `window` in the app; fakes in tests. */
export interface ConnectionScope extends Partial<PageScope> {
  workbench?: ApiBridge
  /** default: the global WebSocket */
  createSocket?: (url: string) => WebSocketLike
}

/**
 * Picks the transport: the Electron bridge when the preload installed one; otherwise, on a page
 * served over http(s), the browser-mode WebSocket (taking the access token out of the URL).
 */
export function connectWorkbench(scope: ConnectionScope): WorkbenchConnection {
  const bridge = scope.workbench
  if (bridge && typeof bridge.call === 'function' && typeof bridge.listen === 'function') {
    return { mode: 'electron', client: createWorkbenchClient(createBridgeTransport(bridge)) }
  }
  const location = scope.location
  const hasSocket = scope.createSocket !== undefined || typeof WebSocket === 'function'
  if (!location || (location.protocol !== 'http:' && location.protocol !== 'https:') || !hasSocket) {
    return { mode: 'unavailable', reason: NO_TRANSPORT_AVAILABLE }
  }
  const token = takeAccessToken({ location, history: scope.history, sessionStorage: sessionStorageOf(scope) })
  const transport = createWebSocketTransport({ url: apiSocketUrl(location, token), createSocket: scope.createSocket })
  return {
    mode: 'browser',
    client: createWorkbenchClient(transport),
    connection: { current: () => transport.status(), onChange: (listener) => transport.onStatusChange(listener) },
  }
}

/** window.sessionStorage, or undefined where reading it throws (storage disabled, opaque origin). */
function sessionStorageOf(scope: ConnectionScope): PageScope['sessionStorage'] {
  try {
    return scope.sessionStorage
  } catch {
    return undefined
  }
}
