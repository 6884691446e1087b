// The commands themselves, as users run them: `npm run serve` (out/node/server.mjs) prints a
// tokened URL that works and stops cleanly on a signal; `npm start` (out/node/start.mjs) without
// an Electron binary says why in one paragraph and starts browser mode. The bundles come from
// scripts/buildNode.mjs, which `npm test` runs first. A prebuilt stand-in renderer
// (MSCALE_RENDERER_DIR) keeps the test from building the real one.
import { describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { findPackageRoot } from '../../../src/main/runs/packageRoot'

const root = findPackageRoot()
const base = mkdtempSync(join(tmpdir(), 'mscale-serve-command-'))
const workspace = join(base, 'workspace')
const rendererDir = join(base, 'renderer')
mkdirSync(workspace)
mkdirSync(rendererDir)
writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>stand-in</title>')

function launch(bundle: string, args: string[], env: Record<string, string> = {}): { child: ChildProcess; output: () => string; url: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [join(root, 'out/node', bundle), ...args], {
    cwd: workspace,
    env: { ...process.env, MSCALE_RENDERER_DIR: rendererDir, MSCALE_SETTINGS_DIR: join(base, 'settings'), DISPLAY: '', WAYLAND_DISPLAY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      text += chunk.toString()
      const match = /open\s+(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})/.exec(text)
      if (match) resolve(match[1])
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.on('exit', () => reject(new Error(`exited before printing a URL:\n${text}`)))
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, output: () => text, url, exit }
}

const built = existsSync(join(root, 'out/node/server.mjs')) && existsSync(join(root, 'out/node/start.mjs'))

describe.skipIf(!built)('the commands (skipped until scripts/buildNode.mjs has built out/node)', () => {
  it('npm run serve prints a working tokened URL, refuses without the token, and stops on SIGINT', async () => {
    const serve = launch('server.mjs', ['--port', '0', '--no-open'])
    try {
      const url = await serve.url
      expect(serve.output()).toContain(`workspace  ${workspace}`)
      expect(serve.output()).toMatch(/Only this machine can connect \(127\.0\.0\.1\)/)
      const page = await fetch(url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('stand-in')
      expect((await fetch(new URL('/', url))).status).toBe(401)
      serve.child.kill('SIGINT')
      expect(await serve.exit).toBe(0)
      expect(serve.output()).toMatch(/stopping \(SIGINT\)/)
    } finally {
      serve.child.kill('SIGKILL')
    }
  })

  it('npm run serve refuses a bad argument in one line with exit code 2, and takes any 127.x host as this machine only', async () => {
    const bad = launch('server.mjs', ['--port', 'eighty'])
    expect(await bad.exit).toBe(2)
    expect(bad.output().trim()).toBe('mscale serve: --port must be a whole number from 0 to 65535 (0 = any free port); got "eighty"')
    await bad.url.catch(() => undefined)

    const exposed = launch('server.mjs', ['--port', '0', '--no-open', '--host', '127.0.0.2'])
    // 127.0.0.2 is loopback: no warning; the warning's text is checked in startMode.test.ts
    const text = await new Promise<string>((resolve) => {
      const timer = setInterval(() => {
        if (/Press Ctrl\+C/.test(exposed.output())) {
          clearInterval(timer)
          resolve(exposed.output())
        }
      }, 50)
    })
    expect(text).not.toMatch(/WARNING/)
    exposed.child.kill('SIGTERM')
    expect(await exposed.exit).toBe(0)
    await exposed.url.catch(() => undefined)
  })

  it('npm start without an Electron binary explains in one paragraph and starts browser mode', async () => {
    const start = launch('start.mjs', ['--port', '0', '--no-open'], { ELECTRON_OVERRIDE_DIST_PATH: join(base, 'no-electron-here') })
    try {
      const url = await start.url
      const paragraph = start.output().split('\n').find((line) => line.startsWith('The desktop window cannot open')) ?? ''
      expect(paragraph).toContain('node node_modules/electron/install.js')
      expect(paragraph).toContain('Starting browser mode instead')
      expect((await fetch(url)).status).toBe(200)
      start.child.kill('SIGTERM')
      expect(await start.exit).toBe(0)
    } finally {
      start.child.kill('SIGKILL')
    }
  })
})
