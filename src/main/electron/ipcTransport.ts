/**
 * The Electron IPC transport, main side (STYLE.md rule 3). One ipcMain.handle per served
 * channel answers ApiRequestMessages with ApiResponseMessages (errors are values: a thrown error
 * would reach the renderer as a bare string with Electron's prefix); every event of every served
 * service goes to the windows' web contents as an ApiEventMessage on the channel's event channel.
 * Channel names come from ipcChannelNames() alone; the preload (src/preload/index.ts) is the
 * other end.
 *
 * Only types are imported from 'electron', so this module runs under Vitest with fakes.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron'
import { errorResponse, ipcChannelNames, type ServiceRouter } from '../../shared/api/apiProxy'
import { API_ERROR_CODES, eventNames, type ApiEventMessage, type ApiResponseMessage } from '../../shared/api/serviceContract'

export interface IpcTransportOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>
  /**
   * Whether a request may use the API: the app's own top frame only (Electron security
   * checklist, "Validate the sender of all IPC messages").
   */
  isTrustedSender(event: IpcMainInvokeEvent): boolean
  /** The web contents that receive events (the app's windows). */
  eventTargets(): Iterable<Pick<WebContents, 'send' | 'isDestroyed'>>
}

/** Serves every channel of `router` over IPC; returns the function that stops serving. */
export function serveOverIpc(router: ServiceRouter, options: IpcTransportOptions): () => void {
  const stops: (() => void)[] = []

  for (const channel of router.channels) {
    const names = ipcChannelNames(channel)

    options.ipcMain.handle(names.request, async (event, message: unknown): Promise<ApiResponseMessage> => {
      if (!options.isTrustedSender(event)) {
        const id = typeof (message as { id?: unknown } | null)?.id === 'number' ? (message as { id: number }).id : -1
        return errorResponse(id, { code: API_ERROR_CODES.forbidden, message: 'This frame may not use the workbench API.' })
      }
      // The message names its channel too; the IPC channel it came on is the one that counts.
      if (typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel !== channel) {
        const id = typeof (message as { id?: unknown }).id === 'number' ? (message as { id: number }).id : -1
        return errorResponse(id, { code: API_ERROR_CODES.badMessage, message: `A request sent on the "${channel}" channel must name that channel.` })
      }
      return router.handleRequest(message)
    })
    stops.push(() => options.ipcMain.removeHandler(names.request))

    const served = router.service(channel)
    for (const event of served ? eventNames(served.contract) : []) {
      stops.push(router.subscribe(channel, event, (payload) => {
        const message: ApiEventMessage = { kind: 'event', channel, event, payload }
        for (const target of options.eventTargets()) {
          if (!target.isDestroyed()) target.send(names.event, message)
        }
      }))
    }
  }

  return () => {
    for (const stop of stops.splice(0)) stop()
  }
}
