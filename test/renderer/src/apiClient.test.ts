// Which transport the renderer picks: the Electron bridge when the preload installed one, the
// browser-mode WebSocket on a page served over http, and a clear message otherwise.
import { describe, expect, it } from 'vitest'
import { connectWorkbench, NO_TRANSPORT_AVAILABLE } from '../../../src/renderer/src/apiClient'
import type { WebSocketLike } from '../../../src/renderer/src/api/websocketTransport'

const page = (search = '') => ({ protocol: 'http:', host: '127.0.0.1:8765', pathname: '/', search, hash: '' })

describe('connectWorkbench', () => {
  it('uses the Electron bridge when there is one, with every service client', async () => {
    const calls: unknown[] = []
    const bridge = {
      call: async (channel: string, method: string, args: unknown) => {
        calls.push([channel, method, args])
        return { kind: 'response' as const, id: 1, ok: true as const, result: { mode: 'electron' } }
      },
      listen: () => () => undefined,
    }
    const connection = connectWorkbench({ workbench: bridge, location: page('?token=x') })
    expect(connection.mode).toBe('electron')
    if (connection.mode === 'unavailable') return
    expect(Object.keys(connection.client).sort()).toEqual(['analysis', 'project', 'run', 'shell', 'sweep', 'workspace'])
    expect(await connection.client.workspace.info()).toEqual({ mode: 'electron' })
    expect(calls).toEqual([['workspace', 'info', undefined]])
  })

  it('uses the WebSocket of the serving page otherwise, with the token from the URL', () => {
    const urls: string[] = []
    const replaced: string[] = []
    const connection = connectWorkbench({
      location: page('?token=abc'),
      history: { state: null, replaceState: (_state, _title, url) => void replaced.push(String(url)) },
      createSocket: (url) => {
        urls.push(url)
        return { readyState: 0, send() {}, close() {}, onopen: null, onmessage: null, onclose: null, onerror: null } satisfies WebSocketLike
      },
    })
    expect(connection.mode).toBe('browser')
    expect(urls).toEqual(['ws://127.0.0.1:8765/api?token=abc'])
    expect(replaced).toEqual(['/'])
    if (connection.mode !== 'browser') return
    expect(connection.connection.current().state).toBe('connecting')
    expect(typeof connection.client.workspace.listDirectory).toBe('function')
  })

  it('says what to do on a page that has neither (a file:// page)', () => {
    const connection = connectWorkbench({ location: { ...page(), protocol: 'file:' }, createSocket: () => { throw new Error('not called') } })
    expect(connection).toEqual({ mode: 'unavailable', reason: NO_TRANSPORT_AVAILABLE })
  })
})
