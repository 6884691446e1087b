/**
 * The built renderer that browser mode serves (out/renderer, written by `electron-vite build`),
 * rebuilt when it is missing or older than its sources, so that a checkout being edited is never
 * served stale.
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The sources the renderer bundle is made of (a packaged app has none of them: never stale). */
const RENDERER_SOURCES = ['src/renderer', 'src/shared', 'electron.vite.config.ts']

export function rendererIndex(packageRoot: string): string {
  return join(packageRoot, 'out/renderer/index.html')
}

/** Why the renderer must be built first, or undefined when the build is there and current. */
export function rendererBuildNeeded(packageRoot: string): string | undefined {
  const index = rendererIndex(packageRoot)
  if (!existsSync(index)) return 'the renderer has not been built yet'
  const built = statSync(index).mtimeMs
  const newest = Math.max(...RENDERER_SOURCES.map((source) => newestModification(join(packageRoot, source))))
  return newest > built ? 'its sources changed since the last build' : undefined
}

function newestModification(path: string): number {
  if (!existsSync(path)) return 0
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    newest = Math.max(newest, newestModification(join(path, entry.name)))
  }
  return newest
}

/** Runs `electron-vite build` in the package folder (its output goes to the terminal). */
export function buildRenderer(packageRoot: string): Promise<void> {
  const cli = join(packageRoot, 'node_modules/electron-vite/bin/electron-vite.js')
  if (!existsSync(cli)) {
    return Promise.reject(new Error('electron-vite is not installed, so the renderer cannot be built; run npm install (it is a devDependency).'))
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'build'], { cwd: packageRoot, stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code === 0) resolve()
      else reject(new Error(`electron-vite build failed (${signal ?? `exit code ${code}`}); its output is above.`))
    })
  })
}
