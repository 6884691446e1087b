// End to end in the real Electron app: build it with electron-vite, launch it with Playwright's
// _electron (Spectron's successor), and check the window, the preload's surface and the security
// settings. Needs the Electron binary (node_modules/electron/dist) and, on Linux, a display
// (DISPLAY, or Xvfb to start one). Where either is missing the tests are skipped and the reason
// is printed: they never pass without running.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ElectronApplication, Page } from 'playwright-core'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const APP_TITLE = 'MscaleDNN Spectral Workbench'
const EXAMPLE_PROJECT = join(ROOT, 'resources/examples/spectral-bias.mscale')

/** The Electron executable, or why there is none. */
function findElectron(): { path: string } | { reason: string } {
  const howToGet = 'Electron\'s binary download is blocked here (package.json allowScripts denies its postinstall). '
    + 'Where the network allows, fetch it with `node node_modules/electron/install.js`, then run this test again.'
  try {
    const path = createRequire(import.meta.url)('electron') as unknown
    if (typeof path === 'string' && existsSync(path)) return { path }
    return { reason: `the Electron binary ${String(path)} does not exist. ${howToGet}` }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    return { reason: `the Electron binary is not installed (node_modules/electron has no dist/: "${detail}"). ${howToGet}` }
  }
}

/** How to give Electron a display on Linux: the one we have, Xvfb, or why neither. */
function findDisplay(): { display?: string; xvfb?: string } | { reason: string } {
  if (process.platform !== 'linux' || process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return {}
  const xvfb = spawnSync('sh', ['-c', 'command -v Xvfb'], { encoding: 'utf8' }).stdout.trim()
  if (xvfb) return { xvfb }
  return { reason: 'there is no display (DISPLAY is unset) and Xvfb is not installed; install it (Debian: apt-get install xvfb) or run under a desktop session.' }
}

const electron = findElectron()
const display = findDisplay()
const skipReason = 'reason' in electron ? electron.reason : 'reason' in display ? display.reason : null
if (skipReason) console.warn(`[e2e/electron] SKIPPED: ${skipReason}`)

describe.skipIf(skipReason !== null)(`Electron app${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let xvfb: ChildProcess | undefined
  let app: ElectronApplication
  let page: Page

  beforeAll(async () => {
    const env: Record<string, string> = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined))
    delete env.ELECTRON_RENDERER_URL // the built files, not a dev server
    delete env.ELECTRON_RUN_AS_NODE
    // A fresh home: the first start copies the example into it, settings go to its userData.
    const home = mkdtempSync(join(tmpdir(), 'mscale-electron-home-'))
    env.HOME = home
    env.XDG_CONFIG_HOME = join(home, '.config')
    if ('xvfb' in display && display.xvfb) {
      const number = 90 + (process.pid % 9)
      xvfb = spawn(display.xvfb, [`:${number}`, '-screen', '0', '1600x1000x24', '-nolisten', 'tcp'], { stdio: 'ignore' })
      env.DISPLAY = `:${number}`
      await new Promise((done) => setTimeout(done, 500))
    }

    // Build the three Electron bundles from the current sources (out/main, out/preload,
    // out/renderer; out/node, the CLI and workers, is built by `npm test` before Vitest starts).
    const { build } = await import('electron-vite')
    await build({ configFile: join(ROOT, 'electron.vite.config.ts'), logLevel: 'warn' })

    const { _electron } = await import('playwright-core')
    // Playwright passes --no-sandbox unless chromiumSandbox is set: Chromium refuses to start
    // sandboxed as root, which is how CI runs. The renderer is still sandboxed by Electron's
    // `sandbox: true` (preload without Node, context isolation).
    app = await _electron.launch({
      executablePath: (electron as { path: string }).path,
      args: [ROOT],
      cwd: ROOT,
      env,
      timeout: 60_000,
    })
    page = await app.firstWindow()
    await page.waitForLoadState('domcontentloaded')
    await page.waitForSelector('[data-testid="workbench"]')
  }, 180_000)

  afterAll(async () => {
    await app?.close()
    xvfb?.kill()
  })

  it('opens one window titled with the application name', async () => {
    // The title names the open project, then the application.
    await expect.poll(() => page.title(), { timeout: 30_000 }).toMatch(new RegExp(`${APP_TITLE}$`))
    expect(app.windows()).toHaveLength(1)
  })

  it('gives the page no Node: no require, process or module in the main world', async () => {
    const globals = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      module: typeof (globalThis as { module?: unknown }).module,
    }))
    expect(globals).toEqual({ require: 'undefined', process: 'undefined', module: 'undefined' })
  })

  it('exposes only call and listen from the preload, restricted to the contract', async () => {
    const surface = await page.evaluate(() => {
      const bridge = (window as unknown as { workbench: Record<string, unknown> }).workbench
      return { keys: Object.keys(bridge).sort(), types: Object.values(bridge).map((value) => typeof value) }
    })
    expect(surface).toEqual({ keys: ['call', 'listen'], types: ['function', 'function'] })
    const refused = await page.evaluate(async () => {
      const bridge = (window as unknown as { workbench: { call(c: string, m: string, a: unknown): Promise<unknown>; listen(c: string, e: string, f: () => void): unknown } }).workbench
      const call = await bridge.call('filesystem', 'readFile', '/etc/passwd')
      let listen = ''
      try {
        bridge.listen('filesystem', 'changed', () => undefined)
      } catch (error) {
        listen = (error as Error).message
      }
      return { call, listen }
    })
    expect(refused.call).toMatchObject({ kind: 'response', ok: false, error: { code: 'unknown-channel' } })
    expect(refused.listen).toMatch(/no channel "filesystem"/)
  })

  it('answers a contract request through IPC', async () => {
    const response = await page.evaluate(() => {
      const bridge = (window as unknown as { workbench: { call(c: string, m: string, a: unknown): Promise<unknown> } }).workbench
      return bridge.call('project', 'validate', '/nonexistent/folder/for/the/e2e/test')
    })
    // Whatever the project service says about a missing folder, it says it as a response value.
    expect(response).toMatchObject({ kind: 'response' })
  })

  it('carries the Content-Security-Policy and blocks window.open', async () => {
    const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content')
    expect(policy).toContain("script-src 'self'")
    expect(policy).toContain("default-src 'none'")
    expect(await page.evaluate(() => window.open('https://example.org') === null)).toBe(true)
    expect(app.windows()).toHaveLength(1)
  })

  it('opens a copy of the example project on the first start and lists its experiments', async () => {
    const project = JSON.parse(readFileSync(join(EXAMPLE_PROJECT, 'project.json'), 'utf8')) as { name: string; experiments: { id: string }[] }
    await page.waitForSelector('[data-testid^="explorer-experiment-"]', { timeout: 30_000 })
    for (const { id } of project.experiments) expect(await page.locator(`[data-testid="explorer-experiment-${id}"]`).count()).toBe(1)
    expect(await page.locator('[data-testid="project-name"]').innerText()).toContain(project.name)
  })
})
