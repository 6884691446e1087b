/**
 * The in-process transport (STYLE.md rule 3): the CLI and the tests call served services
 * directly, through the same messages as Electron IPC. Arguments, results, errors and event
 * payloads are structured-cloned on the way, so a service that returns something IPC could not
 * carry (a function, a class with methods that matter, a shared reference) fails here too, and a
 * caller can never mutate the service's state through a returned object. Events are delivered
 * asynchronously (in a microtask), as they would arrive over IPC, and not after unsubscribing.
 *
 *     const transport = createInProcessTransport(serveWorkbenchServices(services))
 *     const project = createServiceClient(PROJECT_SERVICE, transport)
 *     const { project: opened } = await project.open('/path/to/study.mscale')
 */
import { createServiceRouter, errorResponse, type ServedService, type ServiceRouter } from '../../shared/api/apiProxy'
import {
  API_ERROR_CODES,
  ServiceError,
  unwrapResponse,
  type ApiResponseMessage,
  type ApiTransport,
} from '../../shared/api/serviceContract'

export function createInProcessTransport(services: readonly ServedService[] | ServiceRouter): ApiTransport {
  const router = isRouter(services) ? services : createServiceRouter(services)
  let nextId = 1

  return {
    async request(channel, method, args) {
      const id = nextId++
      let clonedArgs: unknown
      try {
        clonedArgs = structuredClone(args)
      } catch (error) {
        throw new ServiceError(API_ERROR_CODES.notSerialisable, `The arguments of ${channel}.${method} cannot be sent: ${messageOf(error)}`)
      }
      const response = await router.handleRequest({ kind: 'request', id, channel, method, args: clonedArgs })
      let delivered: ApiResponseMessage
      try {
        delivered = structuredClone(response)
      } catch (error) {
        const what = response.ok ? 'result' : 'error details'
        delivered = errorResponse(id, {
          code: API_ERROR_CODES.notSerialisable,
          message: `The ${what} of ${channel}.${method} cannot be sent back: ${messageOf(error)}`,
        })
      }
      return unwrapResponse(delivered)
    },

    subscribe(channel, event, listener) {
      let active = true
      const unsubscribe = router.subscribe(channel, event, (payload) => {
        let cloned: unknown
        try {
          cloned = structuredClone(payload)
        } catch (error) {
          throw new ServiceError(API_ERROR_CODES.notSerialisable, `The payload of event ${channel}.${event} cannot be sent: ${messageOf(error)}`)
        }
        queueMicrotask(() => {
          if (active) listener(cloned)
        })
      })
      return () => {
        active = false
        unsubscribe()
      }
    },
  }
}

function isRouter(value: readonly ServedService[] | ServiceRouter): value is ServiceRouter {
  return !Array.isArray(value)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
