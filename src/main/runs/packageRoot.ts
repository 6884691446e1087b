import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The workbench's package folder, found by walking up from this module: the same answer from the
 * TypeScript sources (tests), the esbuild bundle in out/node and electron-vite's out/main.
 */
export function findPackageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'mscale-workbench') return dir
    if (dirname(dir) === dir) throw new Error(`cannot find the mscale-workbench package folder above ${from}`)
  }
}
