/**
 * The renderer's connection to the workbench services: typed clients from the one generic proxy
 * over whichever transport this window has. In Electron the preload's bridge (window.workbench)
 * carries the calls; browser mode (a WebSocket to a local server) is a later version, and until
 * then a window without the bridge says so instead of failing call by call.
 */
import { createBridgeTransport, createServiceClient, type ApiBridge, type ServiceClient } from '../../shared/api/apiProxy'
import type { ApiTransport } from '../../shared/api/serviceContract'
import { ANALYSIS_SERVICE, PROJECT_SERVICE, RUN_SERVICE, SHELL_SERVICE } from '../../shared/api/workbenchApi'

export interface WorkbenchClient {
  project: ServiceClient<typeof PROJECT_SERVICE>
  run: ServiceClient<typeof RUN_SERVICE>
  analysis: ServiceClient<typeof ANALYSIS_SERVICE>
  shell: ServiceClient<typeof SHELL_SERVICE>
}

export type WorkbenchConnection =
  | { mode: 'electron'; client: WorkbenchClient }
  | { mode: 'unavailable'; reason: string }

export const BROWSER_MODE_UNAVAILABLE =
  'This page needs the desktop application: it talks to the workbench services through Electron, '
  + 'and no Electron bridge is present here. Browser mode (the same interface served to a browser '
  + 'by a local server, for remote GPU machines) arrives in a later version. Start the desktop app '
  + 'with `npm start`.'

/** Typed clients of every workbench service over one transport. */
export function createWorkbenchClient(transport: ApiTransport): WorkbenchClient {
  return {
    project: createServiceClient(PROJECT_SERVICE, transport),
    run: createServiceClient(RUN_SERVICE, transport),
    analysis: createServiceClient(ANALYSIS_SERVICE, transport),
    shell: createServiceClient(SHELL_SERVICE, transport),
  }
}

/** Picks the transport: the Electron bridge when the preload installed one. */
export function connectWorkbench(scope: { workbench?: ApiBridge }): WorkbenchConnection {
  const bridge = scope.workbench
  if (bridge && typeof bridge.call === 'function' && typeof bridge.listen === 'function') {
    return { mode: 'electron', client: createWorkbenchClient(createBridgeTransport(bridge)) }
  }
  return { mode: 'unavailable', reason: BROWSER_MODE_UNAVAILABLE }
}
