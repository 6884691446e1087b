/**
 * `npm start [-- --browser] [browser-mode arguments]` (scripts/start.mjs runs this bundle,
 * out/node/start.mjs): the Electron app (`electron-vite preview`, which builds it first) where
 * its binary is installed and a display exists; otherwise one paragraph on why and how to get
 * the desktop window (startMode.ts), then browser mode (out/node/server.mjs) with the same
 * arguments `npm run serve` takes.
 */
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { findPackageRoot } from '../runs/packageRoot'
import { decideStartMode, findElectronBinary, splitStartArguments } from './startMode'

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit' })
    // Pass a stop request on (a kill aimed at this process alone), then wait for the child's own
    // shutdown. Ctrl+C in a terminal reaches both processes; browser mode takes a repeat within a
    // second as the same request.
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null) child.kill(signal)
    }
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    child.on('error', (error) => {
      process.stderr.write(`mscale start: could not run ${command}: ${error.message}\n`)
      resolve(1)
    })
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)))
  })
}

async function main(argv: readonly string[]): Promise<number> {
  const packageRoot = findPackageRoot()
  const { browserRequested, serveArguments } = splitStartArguments(argv)
  const decision = decideStartMode({
    electron: findElectronBinary(packageRoot),
    platform: process.platform,
    display: process.env.DISPLAY || process.env.WAYLAND_DISPLAY || undefined,
    browserRequested,
  })
  if (decision.mode === 'electron') {
    return run(process.execPath, [join(packageRoot, 'node_modules/electron-vite/bin/electron-vite.js'), 'preview'], packageRoot)
  }
  if (decision.message) process.stdout.write(`\n${decision.message}\n`)
  return run(process.execPath, [join(packageRoot, 'out/node/server.mjs'), ...serveArguments], packageRoot)
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`mscale start: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  },
)
