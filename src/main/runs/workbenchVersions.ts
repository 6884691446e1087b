import { readFile } from 'node:fs/promises'
import { findPackageRoot } from './packageRoot'
import { join } from 'node:path'

/** Versions recorded in run.json: the workbench, Node, the tfjs packages and the platform. */
export async function workbenchVersions(): Promise<Record<string, string>> {
  const root = findPackageRoot()
  const versions: Record<string, string> = { node: process.versions.node, platform: `${process.platform}-${process.arch}` }
  const readVersion = async (file: string) => JSON.parse(await readFile(join(root, file), 'utf8')).version as string
  versions.workbench = await readVersion('package.json')
  for (const name of ['@tensorflow/tfjs-core', 'ml-matrix', 'mathjs']) {
    try {
      versions[name] = await readVersion(`node_modules/${name}/package.json`)
    } catch {
      // not installed: leave it out rather than guess
    }
  }
  return versions
}
