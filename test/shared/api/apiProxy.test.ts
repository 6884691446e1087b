// The generic proxy over the in-process transport, against a small fake service defined here:
// typed requests, errors as values with codes, events, unsubscription, refusals of unknown
// channels, methods and events, and structured-clone semantics matching IPC.
import { describe, expect, expectTypeOf, it, vi } from 'vitest'
import {
  createBridgeTransport,
  createServiceClient,
  createServiceEventEmitter,
  createServiceRouter,
  serveService,
  type ApiBridge,
} from '../../../src/shared/api/apiProxy'
import {
  API_ERROR_CODES,
  defineServiceContract,
  ServiceError,
  type ApiResponseMessage,
  type ServiceImplementation,
} from '../../../src/shared/api/serviceContract'
import { createInProcessTransport } from '../../../src/main/api/inProcessTransport'

type CounterRequests = {
  add: { args: { amount: number }; result: { total: number } }
  snapshot: { args: void; result: { total: number; history: number[] } }
  refuse: { args: { reason: string }; result: void }
  crash: { args: void; result: void }
  leak: { args: void; result: unknown }
}
type CounterEvents = {
  changed: { total: number; history: number[] }
  reset: { at: number }
}
const COUNTER_SERVICE = defineServiceContract<CounterRequests, CounterEvents>({
  name: 'counter',
  requests: { add: true, snapshot: true, refuse: true, crash: true, leak: true },
  events: { changed: true, reset: true },
})

type ClockRequests = { now: { args: void; result: string } }
const CLOCK_SERVICE = defineServiceContract<ClockRequests>({ name: 'clock', requests: { now: true }, events: {} })

/** A fake counter: state, events, a coded refusal, an unexpected crash, an uncloneable result. */
function createCounter() {
  const events = createServiceEventEmitter(COUNTER_SERVICE)
  const history: number[] = []
  let total = 0
  const implementation: ServiceImplementation<typeof COUNTER_SERVICE> = {
    add({ amount }) {
      total += amount
      history.push(amount)
      events.emit('changed', { total, history })
      return { total }
    },
    async snapshot() {
      return { total, history }
    },
    refuse({ reason }) {
      throw new ServiceError('out-of-range', `Refused: ${reason}`, { field: 'amount', accepted: '0 to 10' })
    },
    crash() {
      throw new TypeError('cannot read properties of undefined')
    },
    leak() {
      return { callback: () => total }
    },
  }
  return { implementation, events, history }
}

function connect(onUnexpectedError = vi.fn()) {
  const counter = createCounter()
  const served = [
    serveService(COUNTER_SERVICE, counter.implementation, counter.events, { onUnexpectedError }),
    serveService(CLOCK_SERVICE, { now: () => '2025-01-01T00:00:00Z' }),
  ]
  const transport = createInProcessTransport(served)
  return { counter, transport, client: createServiceClient(COUNTER_SERVICE, transport), onUnexpectedError }
}

/** Lets queued microtasks (in-process event delivery) run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

describe('defineServiceContract', () => {
  it('keeps the names of requests and events', () => {
    expect(Object.keys(COUNTER_SERVICE.requests)).toEqual(['add', 'snapshot', 'refuse', 'crash', 'leak'])
    expect(Object.keys(COUNTER_SERVICE.events)).toEqual(['changed', 'reset'])
    expect(Object.isFrozen(COUNTER_SERVICE.requests)).toBe(true)
  })

  it('refuses malformed or reserved names, saying what is accepted', () => {
    expect(() => defineServiceContract<ClockRequests>({ name: 'Clock Service', requests: { now: true }, events: {} }))
      .toThrow(/lower-case letters, digits and dashes/)
    type OnRequests = { on: { args: void; result: void } }
    expect(() => defineServiceContract<OnRequests>({ name: 'clock', requests: { on: true }, events: {} }))
      .toThrow(/"on" is reserved/)
    type BadRequests = { 'get-time': { args: void; result: void } }
    expect(() => defineServiceContract<BadRequests>({ name: 'clock', requests: { 'get-time': true }, events: {} }))
      .toThrow(/member name "get-time"/)
  })
})

describe('typed client over the in-process transport', () => {
  it('sends requests and returns typed results', async () => {
    const { client } = connect()
    expectTypeOf(client.add).parameter(0).toEqualTypeOf<{ amount: number }>()
    expectTypeOf(client.add).returns.resolves.toEqualTypeOf<{ total: number }>()
    expect(await client.add({ amount: 2 })).toEqual({ total: 2 })
    expect(await client.add({ amount: 3 })).toEqual({ total: 5 })
    expect(await client.snapshot()).toEqual({ total: 5, history: [2, 3] })
  })

  it('clones arguments and results, so neither side can reach into the other', async () => {
    const { client, counter } = connect()
    await client.add({ amount: 1 })
    const snapshot = await client.snapshot()
    snapshot.history.push(99)
    expect(counter.history).toEqual([1])

    const args = { amount: 4 }
    const spy = vi.spyOn(counter.implementation, 'add')
    await client.add(args)
    expect(spy).toHaveBeenCalledTimes(1)
    expect(spy.mock.calls[0][0]).toEqual(args)
    expect(spy.mock.calls[0][0]).not.toBe(args)
  })

  it('refuses what IPC could not carry: uncloneable arguments and results', async () => {
    const { client } = connect()
    const unsendable = { amount: 1, then: () => 1 } as unknown as { amount: number }
    await expect(client.add(unsendable)).rejects.toMatchObject({ code: API_ERROR_CODES.notSerialisable, message: expect.stringMatching(/arguments of counter\.add cannot be sent/) })
    await expect(client.leak()).rejects.toMatchObject({ code: API_ERROR_CODES.notSerialisable, message: expect.stringMatching(/result of counter\.leak cannot be sent back/) })
  })
})

describe('errors are values with codes', () => {
  it('carries a ServiceError code, message and details to the caller', async () => {
    const { client, onUnexpectedError } = connect()
    const error = await client.refuse({ reason: 'too large' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ServiceError)
    expect(error).toMatchObject({ code: 'out-of-range', message: 'Refused: too large', details: { field: 'amount', accepted: '0 to 10' } })
    expect(onUnexpectedError).not.toHaveBeenCalled()
  })

  it('reduces an unexpected throw to code "internal" with its message and no stack', async () => {
    const { client, onUnexpectedError } = connect()
    const error = (await client.crash().catch((caught: unknown) => caught)) as ServiceError
    expect(error.code).toBe(API_ERROR_CODES.internal)
    expect(error.message).toBe('counter.crash failed: cannot read properties of undefined')
    expect(error.message).not.toMatch(/\n\s+at /)
    expect(error.details).toBeUndefined()
    // the original error, stack included, goes to the main-side hook only
    expect(onUnexpectedError).toHaveBeenCalledTimes(1)
    expect(onUnexpectedError.mock.calls[0][0]).toBeInstanceOf(TypeError)
    expect(onUnexpectedError.mock.calls[0].slice(1)).toEqual(['counter', 'crash'])
  })

  it('recognises a ServiceError look-alike from another bundle by name and code', async () => {
    const foreign = Object.assign(new Error('no such run'), { name: 'ServiceError', code: 'unknown-run' })
    const transport = createInProcessTransport([serveService(CLOCK_SERVICE, { now: () => { throw foreign } })])
    await expect(createServiceClient(CLOCK_SERVICE, transport).now()).rejects.toMatchObject({ code: 'unknown-run', message: 'no such run' })
  })
})

describe('refusals', () => {
  it('refuses an unknown channel and names the served ones', async () => {
    const { transport } = connect()
    const error = (await transport.request('admin', 'shutdown', {}).catch((caught: unknown) => caught)) as ServiceError
    expect(error).toBeInstanceOf(ServiceError)
    expect(error.code).toBe(API_ERROR_CODES.unknownChannel)
    expect(error.message).toBe('No service is served on channel "admin"; served: counter, clock.')
    expect(() => transport.subscribe('admin', 'changed', () => undefined)).toThrow(expect.objectContaining({ code: API_ERROR_CODES.unknownChannel }))
  })

  it('refuses an unknown method, including inherited names', async () => {
    const { transport } = connect()
    for (const method of ['delete', 'constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      await expect(transport.request('counter', method, {})).rejects.toMatchObject({
        code: API_ERROR_CODES.unknownMethod,
        message: `Service "counter" has no request "${method}"; it accepts: add, snapshot, refuse, crash, leak.`,
      })
    }
  })

  it('refuses an unknown event on the client and on the transport', () => {
    const { client, transport } = connect()
    const on = client.on as (event: string, listener: () => void) => () => void
    expect(() => on('deleted', () => undefined)).toThrow(expect.objectContaining({ code: API_ERROR_CODES.unknownEvent }))
    expect(() => transport.subscribe('clock', 'tick', () => undefined)).toThrow(/Service "clock" has no event "tick"; it emits: \(none\)\./)
  })

  it('answers a malformed message with a bad-message response, never a rejection', async () => {
    const router = createServiceRouter([serveService(CLOCK_SERVICE, { now: () => 'now' })])
    expect(await router.handleRequest({ kind: 'request', id: 7, channel: 'clock' })).toMatchObject({ id: 7, ok: false, error: { code: API_ERROR_CODES.badMessage } })
    expect(await router.handleRequest('now')).toMatchObject({ id: -1, ok: false, error: { code: API_ERROR_CODES.badMessage } })
    expect(await router.handleRequest({ kind: 'request', id: 8, channel: 'clock', method: 'now', args: null })).toEqual({ kind: 'response', id: 8, ok: true, result: 'now' })
  })

  it('refuses at serve time an implementation that lacks a handler, or events without a source', () => {
    const partial = { now: undefined } as unknown as ServiceImplementation<typeof CLOCK_SERVICE>
    expect(() => serveService(CLOCK_SERVICE, partial)).toThrow('The implementation of service "clock" has no handler for: now.')
    const { implementation } = createCounter()
    expect(() => serveService(COUNTER_SERVICE, implementation)).toThrow(/declares events \(changed, reset\)/)
    expect(() => createServiceRouter([serveService(CLOCK_SERVICE, { now: () => '' }), serveService(CLOCK_SERVICE, { now: () => '' })]))
      .toThrow('Two services are served on channel "clock".')
  })
})

describe('events', () => {
  it('delivers typed payloads asynchronously, as copies', async () => {
    const { client } = connect()
    const received: { total: number; history: number[] }[] = []
    client.on('changed', (payload) => {
      expectTypeOf(payload).toEqualTypeOf<{ total: number; history: number[] }>()
      received.push(payload)
    })
    await client.add({ amount: 2 })
    await client.add({ amount: 5 })
    await settle()
    expect(received).toEqual([{ total: 2, history: [2] }, { total: 7, history: [2, 5] }])
    // each payload is its own copy, not the service's live array
    expect(received[0].history).not.toBe(received[1].history)
  })

  it('routes each event to its own listeners and stops after unsubscribing', async () => {
    const { client, counter } = connect()
    const changed = vi.fn()
    const reset = vi.fn()
    const unsubscribeChanged = client.on('changed', changed)
    client.on('reset', reset)
    counter.events.emit('reset', { at: 1 })
    await settle()
    expect(reset).toHaveBeenCalledWith({ at: 1 })
    expect(changed).not.toHaveBeenCalled()

    await client.add({ amount: 1 })
    await settle()
    expect(changed).toHaveBeenCalledTimes(1)

    unsubscribeChanged()
    unsubscribeChanged() // idempotent
    await client.add({ amount: 1 })
    await settle()
    expect(changed).toHaveBeenCalledTimes(1)
    expect(reset).toHaveBeenCalledTimes(1)
  })

  it('does not deliver an event that was pending when the listener unsubscribed', async () => {
    const { client, counter } = connect()
    const listener = vi.fn()
    const unsubscribe = client.on('reset', listener)
    counter.events.emit('reset', { at: 2 })
    unsubscribe()
    await settle()
    expect(listener).not.toHaveBeenCalled()
  })

  it('keeps delivering to the other listeners when one throws, then reports the error', () => {
    const emitter = createServiceEventEmitter(COUNTER_SERVICE)
    const after = vi.fn()
    emitter.on('reset', () => {
      throw new Error('listener bug')
    })
    emitter.on('reset', after)
    expect(() => emitter.emit('reset', { at: 3 })).toThrow('listener bug')
    expect(after).toHaveBeenCalledWith({ at: 3 })
    const emit = emitter.emit as (event: string, payload: unknown) => void
    expect(() => emit('exploded', {})).toThrow(expect.objectContaining({ code: API_ERROR_CODES.unknownEvent }))
  })
})

describe('bridge transport', () => {
  it('unwraps response messages and turns a failed call into a transport error', async () => {
    const responses: ApiResponseMessage[] = [
      { kind: 'response', id: 1, ok: true, result: '12:00' },
      { kind: 'response', id: 2, ok: false, error: { code: 'stopped', message: 'The clock stopped.' } },
    ]
    const bridge: ApiBridge = {
      call: vi.fn(async () => {
        const next = responses.shift()
        if (!next) throw new Error('channel closed')
        return next
      }),
      listen: vi.fn(() => () => undefined),
    }
    const clock = createServiceClient(CLOCK_SERVICE, createBridgeTransport(bridge))
    expect(await clock.now()).toBe('12:00')
    await expect(clock.now()).rejects.toMatchObject({ code: 'stopped', message: 'The clock stopped.' })
    await expect(clock.now()).rejects.toMatchObject({ code: API_ERROR_CODES.transport, message: 'The call clock.now did not reach the main process: channel closed' })
    expect(bridge.call).toHaveBeenCalledWith('clock', 'now', undefined)
  })
})
