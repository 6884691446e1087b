/**
 * The arguments of `npm run serve` (serveCommand.ts):
 *
 *     npm run serve [-- --port N] [--host H] [--workspace DIR] [--no-open]
 *
 * Each refusal says what was wrong and what would be accepted (STYLE.md rule 10).
 */
import { DEFAULT_HOST, DEFAULT_PORT } from './browserModeServer'

export { isLoopbackHost } from './browserModeServer'

export const SERVE_USAGE = `Usage: npm run serve [-- --port N] [--host H] [--workspace DIR] [--no-open]

Serves the workbench to a browser: the built renderer and its API over a WebSocket, guarded by
the random access token in the printed URL.

  --port N         port to listen on (default ${DEFAULT_PORT}; 0 picks any free port)
  --host H         address to listen on (default ${DEFAULT_HOST}, this machine only); any other
                   address lets other machines reach the server (the token still guards it)
  --workspace DIR  the folder projects are opened from and saved to; nothing outside it can be
                   read or written (default: the current folder)
  --no-open        do not open a browser
  --help           this text`

export interface ServeArguments {
  port: number
  host: string
  /** whether --host was given (then a non-loopback host gets a warning) */
  hostGiven: boolean
  workspace?: string
  open: boolean
  help: boolean
}

export class ServeUsageError extends Error {
  override readonly name = 'ServeUsageError'
}

export function parseServeArguments(argv: readonly string[]): ServeArguments {
  const result: ServeArguments = { port: DEFAULT_PORT, host: DEFAULT_HOST, hostGiven: false, open: true, help: false }
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]
    const [flag, inlineValue] = argument.startsWith('--') && argument.includes('=')
      ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)]
      : [argument, undefined]
    const value = (): string => {
      const next = inlineValue ?? argv[++index]
      if (next === undefined || (inlineValue === undefined && next.startsWith('--'))) {
        throw new ServeUsageError(`${flag} needs a value (see --help)`)
      }
      return next
    }
    switch (flag) {
      case '--port': {
        const text = value()
        const port = Number(text)
        if (!/^\d+$/.test(text) || port > 65535) throw new ServeUsageError(`--port must be a whole number from 0 to 65535 (0 = any free port); got "${text}"`)
        result.port = port
        break
      }
      case '--host': {
        const host = value().trim()
        if (host === '' || /[\s/?#@]/.test(host)) throw new ServeUsageError(`--host must be an address or host name such as 127.0.0.1 or 0.0.0.0; got "${host}"`)
        result.host = host.replace(/^\[(.*)\]$/, '$1')
        result.hostGiven = true
        break
      }
      case '--workspace':
        result.workspace = value()
        break
      case '--no-open':
        result.open = false
        break
      case '--help':
      case '-h':
        result.help = true
        break
      default:
        throw new ServeUsageError(`unknown argument "${argument}"; accepted: --port N, --host H, --workspace DIR, --no-open, --help`)
    }
  }
  return result
}

/** The warning printed when the server listens beyond this machine. */
export function exposedHostWarning(host: string, port: number): string {
  const everywhere = host === '0.0.0.0' || host === '::'
  return `WARNING: listening on ${host}${everywhere ? ' (every network interface)' : ''}, not 127.0.0.1: other machines `
    + `that can reach this one on port ${port} can load the workbench, and the token in the URL is all that keeps `
    + 'them from reading and writing files in the workspace and running computations. The connection is plain HTTP, '
    + 'so anyone on the network path can read the token. Prefer the default (127.0.0.1) and an SSH tunnel: '
    + `ssh -L ${port}:127.0.0.1:${port} <this machine>.`
}
