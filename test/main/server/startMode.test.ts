// What `npm start` opens: the decision of startMode.ts on fake electron packages (binary present,
// missing, overridden) and platforms, and the arguments `npm run serve` accepts.
import { describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { decideStartMode, findElectronBinary, INSTALL_ELECTRON_COMMAND, splitStartArguments } from '../../../src/main/server/startMode'
import { exposedHostWarning, isLoopbackHost, parseServeArguments } from '../../../src/main/server/serveArguments'

/** A package folder with an electron package as npm leaves it: with or without path.txt and dist/. */
function fakePackage({ pathTxt, binary }: { pathTxt?: string; binary?: boolean }): string {
  const root = mkdtempSync(join(tmpdir(), 'mscale-start-'))
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'mscale-workbench' }))
  const electron = join(root, 'node_modules/electron')
  mkdirSync(join(electron, 'dist'), { recursive: true })
  writeFileSync(join(electron, 'package.json'), JSON.stringify({ name: 'electron', version: '39.0.0', main: 'index.js' }))
  if (pathTxt !== undefined) writeFileSync(join(electron, 'path.txt'), pathTxt)
  if (binary) writeFileSync(join(electron, 'dist', pathTxt ?? 'electron'), '')
  return root
}

describe('findElectronBinary', () => {
  it('finds the binary that path.txt names in dist/', () => {
    const root = fakePackage({ pathTxt: 'electron', binary: true })
    expect(findElectronBinary(root, {})).toEqual({ found: true, path: join(root, 'node_modules/electron/dist/electron') })
  })

  it('says why when the download was skipped (no path.txt) or the binary is gone', () => {
    const skipped = findElectronBinary(fakePackage({}), {})
    expect(skipped).toMatchObject({ found: false, why: expect.stringMatching(/download was skipped or failed.*path\.txt/) })
    const gone = findElectronBinary(fakePackage({ pathTxt: 'electron' }), {})
    expect(gone).toMatchObject({ found: false, why: expect.stringMatching(/dist[/\\]electron is missing/) })
  })

  it('follows ELECTRON_OVERRIDE_DIST_PATH as the electron package does', () => {
    const root = fakePackage({})
    const dist = mkdtempSync(join(tmpdir(), 'mscale-electron-dist-'))
    writeFileSync(join(dist, 'electron'), '')
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ found: true, path: join(dist, 'electron') })
    expect(findElectronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: join(dist, 'nowhere') })).toMatchObject({ found: false })
  })

  it('says so when the electron package itself is absent', () => {
    const root = mkdtempSync(join(tmpdir(), 'mscale-start-'))
    writeFileSync(join(root, 'package.json'), '{}')
    expect(findElectronBinary(root, {})).toMatchObject({ found: false, why: expect.stringMatching(/not installed/) })
  })
})

describe('decideStartMode', () => {
  const present = { found: true as const, path: '/x/electron' }
  const missing = { found: false as const, why: 'its download was skipped' }

  it('opens Electron where the binary exists and there is a display (or no need for one)', () => {
    expect(decideStartMode({ electron: present, platform: 'linux', display: ':0', browserRequested: false })).toEqual({ mode: 'electron', binary: '/x/electron' })
    expect(decideStartMode({ electron: present, platform: 'darwin', browserRequested: false })).toEqual({ mode: 'electron', binary: '/x/electron' })
    expect(decideStartMode({ electron: present, platform: 'win32', browserRequested: false }).mode).toBe('electron')
  })

  it('falls back to browser mode with one paragraph on the missing binary and how to get it', () => {
    const decision = decideStartMode({ electron: missing, platform: 'linux', display: ':0', browserRequested: false })
    expect(decision.mode).toBe('browser')
    const message = decision.mode === 'browser' ? decision.message ?? '' : ''
    expect(message).not.toContain('\n')
    expect(message).toContain('Electron\'s binary is not installed (its download was skipped')
    expect(message).toContain(INSTALL_ELECTRON_COMMAND)
    expect(INSTALL_ELECTRON_COMMAND).toBe('node node_modules/electron/install.js')
    expect(message).toMatch(/Linux it also needs a display/)
    expect(message).toMatch(/Starting browser mode instead/)
  })

  it('falls back on Linux without a display, saying so', () => {
    const decision = decideStartMode({ electron: present, platform: 'linux', browserRequested: false })
    expect(decision.mode).toBe('browser')
    expect(decision.mode === 'browser' && decision.message).toMatch(/no display.*xvfb-run npm start.*Starting browser mode/)
  })

  it('starts browser mode without a word when asked for it', () => {
    expect(decideStartMode({ electron: present, platform: 'linux', display: ':0', browserRequested: true })).toEqual({ mode: 'browser' })
    expect(splitStartArguments(['--browser', '--port', '0'])).toEqual({ browserRequested: true, serveArguments: ['--port', '0'] })
    expect(splitStartArguments([])).toEqual({ browserRequested: false, serveArguments: [] })
  })
})

describe('npm run serve arguments', () => {
  it('defaults to 127.0.0.1:8765, the current folder, opening a browser', () => {
    expect(parseServeArguments([])).toEqual({ port: 8765, host: '127.0.0.1', hostGiven: false, open: true, help: false })
  })

  it('reads --port, --host, --workspace, --no-open in either form', () => {
    expect(parseServeArguments(['--port', '0', '--host=0.0.0.0', '--workspace', '/data', '--no-open'])).toEqual({
      port: 0, host: '0.0.0.0', hostGiven: true, workspace: '/data', open: false, help: false,
    })
    expect(parseServeArguments(['--port=9000', '--host', '[::1]']).host).toBe('::1')
    expect(parseServeArguments(['--help']).help).toBe(true)
  })

  it('refuses what it cannot use, saying what would be accepted', () => {
    expect(() => parseServeArguments(['--port', '70000'])).toThrow(/--port must be a whole number from 0 to 65535/)
    expect(() => parseServeArguments(['--port', '-1'])).toThrow(/--port must be/)
    expect(() => parseServeArguments(['--port'])).toThrow(/--port needs a value/)
    expect(() => parseServeArguments(['--port', '--no-open'])).toThrow(/--port needs a value/)
    expect(() => parseServeArguments(['--host', 'a b'])).toThrow(/--host must be an address/)
    expect(() => parseServeArguments(['--token', 'x'])).toThrow(/unknown argument "--token"; accepted: --port N, --host H, --workspace DIR, --no-open/)
  })

  it('warns when listening beyond this machine', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true)
    expect(isLoopbackHost('localhost')).toBe(true)
    expect(isLoopbackHost('::1')).toBe(true)
    expect(isLoopbackHost('0.0.0.0')).toBe(false)
    expect(isLoopbackHost('192.168.1.5')).toBe(false)
    expect(exposedHostWarning('0.0.0.0', 8765)).toMatch(/^WARNING: listening on 0\.0\.0\.0 \(every network interface\).*ssh -L 8765:127\.0\.0\.1:8765/)
  })
})
