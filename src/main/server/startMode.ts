/**
 * What `npm start` opens (scripts/start.mjs, startCommand.ts): the Electron app where it can run,
 * else browser mode, after one paragraph that says why and how to get the desktop window.
 *
 * Electron's binary is often missing here: npm's "allowScripts" in package.json skips Electron's
 * postinstall download (which fails where GitHub cannot be reached and would fail the whole
 * `npm install`). The electron package is still installed, with its install.js to fetch the
 * binary later. A Linux machine without a display cannot show the window either.
 *
 * No 'electron' import (this runs without Electron): the binary's path is found the way the
 * electron package's index.js finds it, from its path.txt.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

export type ElectronBinary =
  | { found: true; path: string }
  | { found: false; why: string }

/**
 * Where the electron package says its binary is, and whether it is there. `packageRoot` is the
 * workbench's folder (the electron package is resolved from it).
 */
export function findElectronBinary(packageRoot: string, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  let electronDir: string
  try {
    electronDir = dirname(createRequire(join(packageRoot, 'package.json')).resolve('electron/package.json'))
  } catch {
    return { found: false, why: 'the electron package is not installed (run npm install)' }
  }
  const pathFile = join(electronDir, 'path.txt')
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron')
    return existsSync(path) ? { found: true, path } : { found: false, why: `ELECTRON_OVERRIDE_DIST_PATH names ${path}, which does not exist` }
  }
  if (!executable) {
    return { found: false, why: 'its download was skipped or failed during npm install (node_modules/electron/path.txt is missing)' }
  }
  const path = join(electronDir, 'dist', executable)
  return existsSync(path) ? { found: true, path } : { found: false, why: `${path} is missing` }
}

export interface StartEnvironment {
  electron: ElectronBinary
  platform: NodeJS.Platform
  /** DISPLAY / WAYLAND_DISPLAY (Linux) */
  display?: string
  /** the user asked for browser mode (npm start -- --browser) */
  browserRequested: boolean
}

export type StartDecision =
  | { mode: 'electron'; binary: string }
  | { mode: 'browser'; message?: string }

export const INSTALL_ELECTRON_COMMAND = 'node node_modules/electron/install.js'

/** The decision, and the paragraph to print when the desktop window cannot open. */
export function decideStartMode(environment: StartEnvironment): StartDecision {
  if (environment.browserRequested) return { mode: 'browser' }
  const { electron } = environment
  if (!electron.found) {
    return {
      mode: 'browser',
      message: 'The desktop window cannot open: Electron\'s binary is not installed ('
        + `${electron.why}; npm install skips Electron's download on purpose, see "allowScripts" in package.json, `
        + 'because it fails where GitHub cannot be reached). To get the desktop app, run '
        + `\`${INSTALL_ELECTRON_COMMAND}\` on a machine whose network reaches Electron's download server `
        + '(or set ELECTRON_MIRROR to a mirror), then `npm start` again; on Linux it also needs a display '
        + '(a desktop session, or `xvfb-run npm start`). Starting browser mode instead: open the URL below '
        + 'in a browser on this machine.',
    }
  }
  if (environment.platform === 'linux' && !environment.display) {
    return {
      mode: 'browser',
      message: 'The desktop window cannot open: Electron is installed but this Linux session has no display '
        + '(neither DISPLAY nor WAYLAND_DISPLAY is set, as on a server reached over SSH). Start it from a desktop '
        + 'session, or with a virtual display (`xvfb-run npm start`), to get the window. Starting browser mode '
        + 'instead: open the URL below in a browser (from another machine, forward the port over SSH first).',
    }
  }
  return { mode: 'electron', binary: electron.path }
}

/** Splits `npm start` arguments: --browser for the decision, the rest for browser mode. */
export function splitStartArguments(argv: readonly string[]): { browserRequested: boolean; serveArguments: string[] } {
  return {
    browserRequested: argv.includes('--browser'),
    serveArguments: argv.filter((argument) => argument !== '--browser'),
  }
}
