/**
 * `npm run serve [-- --port N] [--host H] [--workspace DIR] [--no-open]`: browser mode from the
 * command line (bundled to out/node/server.mjs by scripts/buildNode.mjs). Builds the renderer
 * when it is missing or stale, starts the server (browserModeServer.ts), prints the tokened URL
 * and, where there is a desktop, opens it; Ctrl+C stops it (cancelling any runs).
 * MSCALE_RENDERER_DIR=<folder> serves a renderer built elsewhere instead (no build check).
 */
import { findPackageRoot } from '../runs/packageRoot'
import { startBrowserModeServer, type BrowserModeServer } from './browserModeServer'
import { openInBrowser } from './openBrowser'
import { buildRenderer, rendererBuildNeeded } from './rendererBuild'
import { exposedHostWarning, isLoopbackHost, parseServeArguments, SERVE_USAGE, ServeUsageError } from './serveArguments'

const PREFIX = 'mscale serve'

async function main(argv: readonly string[]): Promise<number> {
  const options = parseServeArguments(argv)
  if (options.help) {
    process.stdout.write(`${SERVE_USAGE}\n`)
    return 0
  }
  const packageRoot = findPackageRoot()
  // MSCALE_RENDERER_DIR serves a renderer built elsewhere, as it is (tests, packaged copies).
  const rendererDir = process.env.MSCALE_RENDERER_DIR || undefined
  const buildReason = rendererDir ? undefined : rendererBuildNeeded(packageRoot)
  if (buildReason) {
    process.stdout.write(`${PREFIX}: building the renderer first (${buildReason})...\n`)
    await buildRenderer(packageRoot)
  }

  const server = await startBrowserModeServer({
    port: options.port,
    host: options.host,
    workspaceRoot: options.workspace,
    rendererDir,
  })
  const exposed = !isLoopbackHost(server.host)
  const lines = [
    '',
    'MscaleDNN Spectral Workbench: browser mode',
    `  workspace  ${server.workspaceRoot}  (projects are read and written only inside it)`,
    `  open       ${server.url}`,
    '',
  ]
  if (exposed) {
    lines.push(exposedHostWarning(server.host, server.port), '')
  } else {
    lines.push(
      `Only this machine can connect (${server.host}). From another machine, forward the port first:`,
      `  ssh -L ${server.port}:127.0.0.1:${server.port} <user>@<this machine>   and open the URL there.`,
      '',
    )
  }
  lines.push('The token in the URL is the key: share it with no one. Press Ctrl+C to stop.', '')
  process.stdout.write(lines.join('\n'))
  if (options.open && openInBrowser(server.url)) process.stdout.write('(opening it in your browser)\n')

  return waitForStop(server)
}

/** Resolves with the exit code once Ctrl+C (or SIGTERM) has stopped the server. */
function waitForStop(server: BrowserModeServer): Promise<number> {
  return new Promise((resolve) => {
    let stoppingSince: number | undefined
    const stop = (signal: NodeJS.Signals) => {
      if (stoppingSince !== undefined) {
        // `npm start` forwards the Ctrl+C its terminal already sent here: a repeat within a second is the same request
        if (Date.now() - stoppingSince < 1000) return
        process.stderr.write(`${PREFIX}: stopping at once.\n`)
        process.exit(130)
      }
      stoppingSince = Date.now()
      process.stdout.write(`\n${PREFIX}: stopping (${signal}); runs still going are cancelled...\n`)
      server.close().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`${PREFIX}: stopping failed: ${error instanceof Error ? error.message : String(error)}\n`)
          resolve(1)
        },
      )
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ServeUsageError) {
      process.stderr.write(`${PREFIX}: ${error.message}\n`)
      process.exit(2)
    }
    process.stderr.write(`${PREFIX}: ${error instanceof Error ? error.message : String(error)}\n`)
    if (process.env.MSCALE_DEBUG) process.stderr.write(`${(error as Error)?.stack}\n`)
    process.exit(1)
  },
)
