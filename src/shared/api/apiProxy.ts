/**
 * The generic proxy (STYLE.md rule 2, after VS Code's base/parts/ipc/common/ipc.ts): a contract
 * plus a transport gives a typed client; a contract plus an implementation gives a served
 * service; a router puts served services behind their channels for any transport to dispatch to.
 *
 *   renderer / CLI / tests                        main
 *   createServiceClient(contract, transport)  ->  transport  ->  router.handleRequest(message)
 *   client.on(event, listener)                <-  transport  <-  router.subscribe(channel, event)
 *
 * Channel names exist in one place only: serviceChannel() (the logical channel, the contract's
 * name) and ipcChannelNames() (the Electron IPC channel pair derived from it).
 */
import {
  API_ERROR_CODES,
  hasEvent,
  hasRequest,
  isApiRequestMessage,
  requestNames,
  ServiceError,
  unwrapResponse,
  type AnyServiceContract,
  type ApiError,
  type ApiResponseMessage,
  type ApiTransport,
  type EventName,
  type EventPayload,
  type RequestArgs,
  type RequestName,
  type RequestResult,
  type ServiceEventSink,
  type ServiceEventSource,
  type ServiceImplementation,
} from './serviceContract'

// ---------------------------------------------------------------------------------------------
// Channel names
// ---------------------------------------------------------------------------------------------

/** The logical channel of a service: its contract's name. */
export function serviceChannel(contract: AnyServiceContract): string {
  return contract.name
}

const IPC_CHANNEL_PREFIX = 'workbench-api'

/** The Electron IPC channels of a logical channel: one for invoke/handle, one for events. */
export function ipcChannelNames(channel: string): { request: string; event: string } {
  return { request: `${IPC_CHANNEL_PREFIX}:${channel}:request`, event: `${IPC_CHANNEL_PREFIX}:${channel}:event` }
}

// ---------------------------------------------------------------------------------------------
// Client
// ---------------------------------------------------------------------------------------------

/** A typed client: one async method per request, and `on` for events. */
export type ServiceClient<C> = {
  readonly [K in RequestName<C>]: (args: RequestArgs<C, K>) => Promise<RequestResult<C, K>>
} & {
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<K extends EventName<C>>(event: K, listener: (payload: EventPayload<C, K>) => void): () => void
}

/**
 * Builds the typed client of `contract` over `transport`. Requests reject with a ServiceError;
 * subscribing to an event the contract does not declare throws one ('unknown-event').
 */
export function createServiceClient<C extends AnyServiceContract>(contract: C, transport: ApiTransport): ServiceClient<C> {
  const channel = serviceChannel(contract)
  const client: Record<string, unknown> = {}
  for (const method of requestNames(contract)) {
    client[method] = (args: unknown) => transport.request(channel, method, args)
  }
  client.on = (event: string, listener: (payload: unknown) => void) => {
    if (!hasEvent(contract, event)) {
      throw new ServiceError(API_ERROR_CODES.unknownEvent, `Service "${channel}" has no event "${event}"; it emits: ${listOrNone(Object.keys(contract.events))}.`)
    }
    return transport.subscribe(channel, event, listener)
  }
  return Object.freeze(client) as ServiceClient<C>
}

// ---------------------------------------------------------------------------------------------
// Events on the main side
// ---------------------------------------------------------------------------------------------

/**
 * The event hub an implementation owns: it calls emit(), serveService() listens with on().
 * A listener that throws does not stop the others; the first such error is rethrown after all
 * listeners ran, so it is not swallowed.
 */
export function createServiceEventEmitter<C extends AnyServiceContract>(contract: C): ServiceEventSink<C> & ServiceEventSource<C> {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const checkEvent = (event: string) => {
    if (!hasEvent(contract, event)) {
      throw new ServiceError(API_ERROR_CODES.unknownEvent, `Service "${contract.name}" has no event "${event}"; it emits: ${listOrNone(Object.keys(contract.events))}.`)
    }
  }
  return {
    emit(event, payload) {
      checkEvent(event)
      let firstError: unknown
      let failed = false
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          listener(payload)
        } catch (error) {
          if (!failed) firstError = error
          failed = true
        }
      }
      if (failed) throw firstError
    },
    on(event, listener) {
      checkEvent(event)
      const set = listeners.get(event) ?? new Set()
      listeners.set(event, set)
      // Wrap so that subscribing the same function twice gives two independent subscriptions.
      const entry = (payload: unknown) => listener(payload as EventPayload<C, typeof event>)
      set.add(entry)
      return () => {
        set.delete(entry)
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Serving
// ---------------------------------------------------------------------------------------------

/** An implementation bound to its contract, ready for a router. */
export interface ServedService {
  readonly contract: AnyServiceContract
  /** Runs a request; rejects with a ServiceError (unexpected throws become code 'internal'). */
  handle(method: string, args: unknown): Promise<unknown>
  /** Subscribes to one event; throws a ServiceError for an event the contract lacks. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void
}

export interface ServeOptions {
  /**
   * Called with anything an implementation throws that is not a ServiceError, before it is
   * reduced to { code: 'internal', message } for the caller: the place to log the stack.
   */
  onUnexpectedError?: (error: unknown, channel: string, method: string) => void
}

/**
 * Binds an implementation to its contract. `events` is the source the implementation emits on
 * (see createServiceEventEmitter); it is required when the contract declares events.
 * Throws at once if the implementation lacks a handler for one of the contract's requests.
 */
export function serveService<C extends AnyServiceContract>(
  contract: C,
  implementation: ServiceImplementation<C>,
  events?: ServiceEventSource<C>,
  options: ServeOptions = {},
): ServedService {
  const channel = serviceChannel(contract)
  const handlers = implementation as unknown as Record<string, unknown>
  const missing = requestNames(contract).filter((method) => typeof handlers[method] !== 'function')
  if (missing.length > 0) {
    throw new Error(`The implementation of service "${channel}" has no handler for: ${missing.join(', ')}.`)
  }
  if (!events && Object.keys(contract.events).length > 0) {
    throw new Error(`Service "${channel}" declares events (${Object.keys(contract.events).join(', ')}); serveService needs their source.`)
  }
  return {
    contract,
    async handle(method, args) {
      if (!hasRequest(contract, method)) {
        throw new ServiceError(API_ERROR_CODES.unknownMethod, `Service "${channel}" has no request "${method}"; it accepts: ${listOrNone(requestNames(contract))}.`)
      }
      try {
        const handler = handlers[method] as (args: unknown) => unknown
        return await handler.call(implementation, args)
      } catch (error) {
        if (ServiceError.isServiceError(error)) throw error
        options.onUnexpectedError?.(error, channel, method)
        throw new ServiceError(API_ERROR_CODES.internal, `${channel}.${method} failed: ${describeError(error)}`)
      }
    },
    subscribe(event, listener) {
      if (!hasEvent(contract, event) || !events) {
        throw new ServiceError(API_ERROR_CODES.unknownEvent, `Service "${channel}" has no event "${event}"; it emits: ${listOrNone(Object.keys(contract.events))}.`)
      }
      return events.on(event as EventName<C>, listener)
    },
  }
}

/** Served services behind their channels: what every transport's server side dispatches to. */
export interface ServiceRouter {
  readonly channels: readonly string[]
  /** Never rejects: every failure becomes an error response. */
  handleRequest(message: unknown): Promise<ApiResponseMessage>
  /** Throws a ServiceError for an unknown channel or event. */
  subscribe(channel: string, event: string, listener: (payload: unknown) => void): () => void
  /** The served service on a channel, if any. */
  service(channel: string): ServedService | undefined
}

export function createServiceRouter(services: readonly ServedService[]): ServiceRouter {
  const byChannel = new Map<string, ServedService>()
  for (const served of services) {
    const channel = serviceChannel(served.contract)
    if (byChannel.has(channel)) throw new Error(`Two services are served on channel "${channel}".`)
    byChannel.set(channel, served)
  }
  const channels = Object.freeze([...byChannel.keys()])
  const find = (channel: string): ServedService => {
    const served = byChannel.get(channel)
    if (!served) {
      throw new ServiceError(API_ERROR_CODES.unknownChannel, `No service is served on channel "${channel}"; served: ${listOrNone(channels)}.`)
    }
    return served
  }
  return {
    channels,
    async handleRequest(message) {
      if (!isApiRequestMessage(message)) {
        return errorResponse(requestIdOf(message), {
          code: API_ERROR_CODES.badMessage,
          message: 'Not an API request: expected { kind: "request", id, channel, method, args }.',
        })
      }
      try {
        const result = await find(message.channel).handle(message.method, message.args)
        return { kind: 'response', id: message.id, ok: true, result }
      } catch (error) {
        return errorResponse(message.id, toApiError(error))
      }
    },
    subscribe(channel, event, listener) {
      return find(channel).subscribe(event, listener)
    },
    service(channel) {
      return byChannel.get(channel)
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The bridge: what a preload (or any message port) exposes, and the transport over it
// ---------------------------------------------------------------------------------------------

/**
 * The only API a renderer sees (window.workbench in Electron). `call` resolves with the response
 * message (errors are values, never rejections); `listen` returns its unsubscribe function.
 */
export interface ApiBridge {
  call(channel: string, method: string, args: unknown): Promise<ApiResponseMessage>
  listen(channel: string, event: string, listener: (payload: unknown) => void): () => void
}

/** An ApiTransport over a bridge: unwraps responses into results or ServiceErrors. */
export function createBridgeTransport(bridge: ApiBridge): ApiTransport {
  return {
    async request(channel, method, args) {
      let response: ApiResponseMessage
      try {
        response = await bridge.call(channel, method, args)
      } catch (error) {
        throw new ServiceError(API_ERROR_CODES.transport, `The call ${channel}.${method} did not reach the main process: ${describeError(error)}`)
      }
      return unwrapResponse(response)
    },
    subscribe(channel, event, listener) {
      return bridge.listen(channel, event, listener)
    },
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** Reduces anything thrown to a serialisable ApiError (no stack). */
export function toApiError(error: unknown): ApiError {
  if (ServiceError.isServiceError(error)) {
    const { code, message, details } = error
    return details === undefined ? { code, message } : { code, message, details }
  }
  return { code: API_ERROR_CODES.internal, message: describeError(error) }
}

export function errorResponse(id: number, error: ApiError): ApiResponseMessage {
  return { kind: 'response', id, ok: false, error }
}

function requestIdOf(message: unknown): number {
  const id = typeof message === 'object' && message !== null ? (message as { id?: unknown }).id : undefined
  return typeof id === 'number' && Number.isSafeInteger(id) ? id : -1
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}

function listOrNone(names: readonly string[]): string {
  return names.length > 0 ? names.join(', ') : '(none)'
}

