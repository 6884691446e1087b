#!/usr/bin/env node
// `mscale` entry point: runs the bundled CLI in out/node, building it first if it is missing.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const cli = join(root, 'out/node/cli.mjs')
if (!existsSync(cli) || !existsSync(join(root, 'out/node/runWorker.mjs'))) {
  const { buildNode } = await import(pathToFileURL(join(root, 'scripts/buildNode.mjs')).href)
  await buildNode({ quiet: true })
}
await import(pathToFileURL(cli).href)
