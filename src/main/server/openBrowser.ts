/**
 * Opens the tokened URL in the user's browser, the way Jupyter does it: through a small redirect
 * file readable by this user only, so that the token never appears on a command line (which
 * other users of the machine could read in the process list). Best effort: without a desktop
 * (no DISPLAY on Linux, an SSH session) nothing is opened and the printed URL is the way in.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The command that opens a file in the default browser here, or undefined where there is none. */
export function browserOpener(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): { command: string; args: string[] } | undefined {
  if (platform === 'darwin') return { command: 'open', args: [] }
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] }
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined
  return { command: 'xdg-open', args: [] }
}

/** An HTML file (mode 0600) that sends the browser on to `url`. */
export function writeRedirectFile(url: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mscale-workbench-open-'))
  const file = join(dir, 'open.html')
  const escaped = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
  writeFileSync(file, `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${escaped}">`
    + `<title>MscaleDNN Spectral Workbench</title><p><a href="${escaped}">Open the workbench</a></p>\n`, { mode: 0o600 })
  return file
}

/** Tries to open url; says whether a browser was asked to. */
export function openInBrowser(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): boolean {
  const opener = browserOpener(platform, env)
  if (!opener) return false
  try {
    const target = pathToFileURL(writeRedirectFile(url)).href
    const child = spawn(opener.command, [...opener.args, target], { stdio: 'ignore', detached: true })
    child.on('error', () => undefined)
    child.unref()
    return true
  } catch {
    return false
  }
}
