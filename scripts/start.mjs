// `npm start`: builds the Node bundles (out/node), then opens the Electron app where its binary is
// installed and a display exists, or else says why in one paragraph and starts browser mode
// (src/main/server/startCommand.ts holds the logic; src/main/server/startMode.ts the decision).
//
//   npm start                          the desktop app, or browser mode as a fallback
//   npm start -- --browser [--port N]  browser mode, with `npm run serve`'s arguments
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildNode } from './buildNode.mjs'

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..')
await buildNode({ quiet: true })
await import(pathToFileURL(join(root, 'out/node/start.mjs')).href)
