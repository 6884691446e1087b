#!/usr/bin/env node
// `mscale` entry point: runs the bundled CLI in out/node, (re)building it first when it is missing
// or older than the sources (so that a checkout being edited never runs stale code).
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bundles = ['cli.mjs', 'runWorker.mjs'].map((name) => join(root, 'out/node', name))

function newestSource(dir) {
  let newest = 0
  if (!existsSync(dir)) return newest
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs)
  }
  return newest
}

const built = Math.min(...bundles.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)))
if (built < Math.max(newestSource(join(root, 'src/main')), newestSource(join(root, 'src/shared')))) {
  const { buildNode } = await import(pathToFileURL(join(root, 'scripts/buildNode.mjs')).href)
  await buildNode({ quiet: true })
}
await import(pathToFileURL(bundles[0]).href)
