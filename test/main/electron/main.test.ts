// The Electron shell's wiring and security settings, checked without an Electron binary: the
// 'electron' module is replaced by a recording fake, the services by small fakes, and
// src/main/electron/main.ts runs its start-up against them. (test/e2e/electron.test.ts checks
// the same things in the real app where the binary exists.)
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'

const fake = vi.hoisted(() => {
  delete process.env.ELECTRON_RENDERER_URL
  type Listener = (...args: unknown[]) => unknown
  const appListeners = new Map<string, Listener[]>()
  const contentsListeners = new Map<string, Listener>()
  const record = {
    sandboxEnabled: false,
    quitCalls: 0,
    windows: [] as { options: Record<string, unknown>; loadedFile?: string; loadedUrl?: string; sent: [string, unknown][] }[],
    menuTemplate: [] as Record<string, unknown>[],
    handlers: new Map<string, Listener>(),
    permissionRequest: undefined as Listener | undefined,
    permissionCheck: undefined as Listener | undefined,
    beforeRequest: undefined as { filter: { urls: string[] }; listener: Listener } | undefined,
    headersReceived: undefined as Listener | undefined,
    windowOpenHandler: undefined as Listener | undefined,
    appListeners,
    contentsListeners,
    disposed: 0,
    servicesOptions: undefined as Record<string, unknown> | undefined,
    recentDocuments: [] as string[],
    openDialogCalls: [] as unknown[][],
    openDialogAnswer: { canceled: false, filePaths: ['/chosen/study.mscale'] } as { canceled: boolean; filePaths: string[] },
    focusedWindow: undefined as unknown,
  }
  class BrowserWindow {
    static all: BrowserWindow[] = []
    static getAllWindows() {
      return BrowserWindow.all
    }
    static getFocusedWindow() {
      return record.focusedWindow ?? null
    }
    readonly entry: (typeof record.windows)[number]
    readonly webContents: { send(channel: string, message: unknown): void; isDestroyed(): boolean }
    constructor(options: Record<string, unknown>) {
      this.entry = { options, sent: [] }
      record.windows.push(this.entry)
      const entry = this.entry
      this.webContents = { send: (channel, message) => entry.sent.push([channel, message]), isDestroyed: () => false }
      BrowserWindow.all.push(this)
      // the app's web contents come into being with the window
      const contents = {
        on: (event: string, listener: Listener) => contentsListeners.set(event, listener),
        setWindowOpenHandler: (handler: Listener) => {
          record.windowOpenHandler = handler
        },
      }
      for (const listener of appListeners.get('web-contents-created') ?? []) listener({}, contents)
    }
    once() {}
    on() {}
    async loadFile(file: string) {
      this.entry.loadedFile = file
    }
    async loadURL(url: string) {
      this.entry.loadedUrl = url
    }
  }
  const electron = {
    app: {
      isPackaged: false,
      requestSingleInstanceLock: () => true,
      enableSandbox: () => {
        record.sandboxEnabled = true
      },
      on: (event: string, listener: Listener) => appListeners.set(event, [...(appListeners.get(event) ?? []), listener]),
      whenReady: () => Promise.resolve(),
      quit: () => {
        record.quitCalls += 1
      },
      exit: () => undefined,
      getPath: (name: string) => `/fake/${name}`,
      addRecentDocument: (path: string) => {
        record.recentDocuments.push(path)
      },
    },
    BrowserWindow,
    Menu: {
      buildFromTemplate: (template: Record<string, unknown>[]) => {
        record.menuTemplate = template
        return { template }
      },
      setApplicationMenu: () => undefined,
    },
    ipcMain: {
      handle: (channel: string, handler: Listener) => record.handlers.set(channel, handler),
      removeHandler: (channel: string) => record.handlers.delete(channel),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => {
          record.permissionRequest = handler
        },
        setPermissionCheckHandler: (handler: Listener) => {
          record.permissionCheck = handler
        },
        webRequest: {
          onBeforeRequest: (filter: { urls: string[] }, listener: Listener) => {
            record.beforeRequest = { filter, listener }
          },
          onHeadersReceived: (listener: Listener) => {
            record.headersReceived = listener
          },
        },
      },
    },
    dialog: {
      showErrorBox: () => undefined,
      showOpenDialog: async (...args: unknown[]) => {
        record.openDialogCalls.push(args)
        return record.openDialogAnswer
      },
    },
  }
  return { record, electron }
})

vi.mock('electron', () => fake.electron)

vi.mock('../../../src/main/services/createServices', async () => {
  const { createServiceEventEmitter } = await import('../../../src/shared/api/apiProxy')
  const { RUN_SERVICE, SWEEP_SERVICE } = await import('../../../src/shared/api/workbenchApi')
  return {
    createServices: (options: Record<string, unknown>) => {
      fake.record.servicesOptions = options
      const opened = (dir: string) => ({ dir, project: { format: 'mscale-workbench/project', version: 1, name: 'fake', experiments: [] }, warnings: [] })
      return {
        project: {
          open: async (dir: string) => opened(dir),
          validate: async () => ({ ok: true, problems: [], warnings: [] }),
          save: async () => undefined,
          create: async ({ dir }: { dir: string }) => opened(dir),
          copyExample: async ({ dir }: { dir: string }) => opened(dir),
        },
        run: { start: async () => ({ runId: 'r', runDir: '/r' }), cancel: async () => undefined, list: async () => [], load: async () => ({}) },
        analysis: {
          coefficients: async ({ xi }: { xi: number[] }) => ({ xi, Rre: xi, Rim: xi, Dre: xi, Dim: xi }),
          preview: async () => ({ notes: [] }),
        },
        sweep: {
          list: async () => [], start: async () => undefined, pause: async () => undefined, cancel: async () => undefined,
          table: async () => ({ sweepId: 's', axes: [], snapshotTimes: [], models: [], decay: { frequencies: [], threshold: 0.01 }, rows: [] }),
        },
        workspace: {
          info: async () => ({ mode: 'electron' }),
          startupProject: async () => opened('/example'),
          recentProjects: async () => [],
          listDirectory: async () => ({ dir: '/', entries: [] }),
          // what the real workspace service does: hand the request to the shell's dialog
          chooseDirectory: async ({ purpose, defaultPath }: { purpose: string; defaultPath?: string }) =>
            (options.chooseDirectory as (purpose: string, defaultPath?: string) => Promise<string | null>)(purpose, defaultPath),
          saveRecovery: async () => undefined,
          loadRecovery: async () => null,
          discardRecovery: async () => undefined,
          writeFile: async ({ path }: { path: string }) => ({ path }),
        },
        runEvents: createServiceEventEmitter(RUN_SERVICE),
        sweepEvents: createServiceEventEmitter(SWEEP_SERVICE),
        dispose: async () => {
          fake.record.disposed += 1
        },
      }
    },
  }
})

const { record } = fake
type MenuItem = { label?: string; role?: string; accelerator?: string; registerAccelerator?: boolean; click?: () => void; submenu?: MenuItem[] }

function menuItems(): MenuItem[] {
  return (record.menuTemplate as MenuItem[]).flatMap((menu) => menu.submenu ?? [])
}

beforeAll(async () => {
  await import('../../../src/main/electron/main')
  await new Promise((resolve) => setTimeout(resolve, 0))
})

describe('window', () => {
  it('creates one window, sandboxed, isolated, without Node, with the preload', () => {
    expect(record.sandboxEnabled).toBe(true)
    expect(record.windows).toHaveLength(1)
    const preferences = record.windows[0].options.webPreferences as Record<string, unknown>
    expect(preferences).toMatchObject({
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    // electron.vite.config.ts writes the preload as out/preload/index.cjs beside out/main
    expect(String(preferences.preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/)
    expect(record.windows[0].options.title).toBe('MscaleDNN Spectral Workbench')
    expect(record.windows[0].loadedFile).toMatch(/[/\\]renderer[/\\]index\.html$/)
    expect(record.windows[0].loadedUrl).toBeUndefined()
  })
})

describe('menus', () => {
  it('lists the shortcuts of UI.md, each sending a shell command to the renderer', () => {
    const byAccelerator = new Map(menuItems().filter((item) => item.accelerator).map((item) => [item.accelerator, item]))
    const expected: [string, string][] = [
      ['CmdOrCtrl+N', 'new-project'],
      ['CmdOrCtrl+O', 'open-project'],
      ['CmdOrCtrl+S', 'save'],
      ['CmdOrCtrl+Shift+S', 'save-as'],
      ['CmdOrCtrl+W', 'close-tab'],
      ['CmdOrCtrl+Enter', 'run'],
      ['Escape', 'cancel'],
    ]
    const sent = record.windows[0].sent
    for (const [accelerator, command] of expected) {
      const item = byAccelerator.get(accelerator)
      expect(item, accelerator).toBeDefined()
      sent.length = 0
      item?.click?.()
      expect(sent).toEqual([['workbench-api:shell:event', { kind: 'event', channel: 'shell', event: 'command', payload: { command } }]])
    }
    // Esc is shown but left to the page, so it still closes popups and leaves fields
    expect(byAccelerator.get('Escape')?.registerAccelerator).toBe(false)
    expect(byAccelerator.get('CmdOrCtrl+N')?.registerAccelerator).toBeUndefined()
  })

  it('offers developer tools in an unpackaged app, and quit', () => {
    const roles = menuItems().map((item) => item.role)
    expect(roles).toContain('toggleDevTools')
    expect(roles).toContain('quit')
  })
})

describe('IPC', () => {
  const appPage = () => pathToFileURL(record.windows[0].loadedFile ?? '').href
  const invoke = (channel: string, url: string, message: unknown, parent: unknown = null) =>
    record.handlers.get(`workbench-api:${channel}:request`)?.({ senderFrame: { url, parent } }, message)

  it('handles exactly the workbench channels', () => {
    expect([...record.handlers.keys()].sort()).toEqual(
      ['analysis', 'project', 'run', 'shell', 'sweep', 'workspace'].map((channel) => `workbench-api:${channel}:request`),
    )
  })

  it('answers the app page and refuses other frames', async () => {
    const message = { kind: 'request', id: 1, channel: 'project', method: 'validate', args: '/tmp' }
    expect(await invoke('project', `${appPage()}#/tab`, message)).toMatchObject({ ok: true, result: { ok: true } })
    expect(await invoke('project', 'https://evil.example/', message)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await invoke('project', join('file:///elsewhere', 'index.html'), message)).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    expect(await invoke('project', appPage(), message, { url: appPage() })).toMatchObject({ ok: false, error: { code: 'forbidden' } })
  })
})

describe('services', () => {
  const invoke = (message: unknown) => record.handlers.get('workbench-api:workspace:request')?.(
    { senderFrame: { url: pathToFileURL(record.windows[0].loadedFile ?? '').href, parent: null } }, message)

  it('are built for Electron, with settings in userData', () => {
    expect(record.servicesOptions).toMatchObject({ mode: 'electron', settingsDir: '/fake/userData' })
    expect(record.servicesOptions?.workspaceRoot).toBeUndefined()
  })

  it('choose folders in a native dialog, modal to the focused window, with a title per purpose', async () => {
    record.openDialogCalls.length = 0
    record.focusedWindow = record.windows[0]
    record.openDialogAnswer = { canceled: false, filePaths: ['/chosen/study.mscale'] }
    const message = { kind: 'request', id: 3, channel: 'workspace', method: 'chooseDirectory', args: { purpose: 'open-project', defaultPath: '/home/me' } }
    expect(await invoke(message)).toEqual({ kind: 'response', id: 3, ok: true, result: '/chosen/study.mscale' })
    expect(record.openDialogCalls).toEqual([[record.windows[0], {
      title: 'Open Project', buttonLabel: 'Open', properties: ['openDirectory', 'createDirectory'], defaultPath: '/home/me',
    }]])

    // cancelled: null; another purpose: its own title; no focused window: the main window
    record.focusedWindow = undefined
    record.openDialogAnswer = { canceled: true, filePaths: [] }
    const exportMessage = { ...message, id: 4, args: { purpose: 'export-folder' } }
    expect(await invoke(exportMessage)).toEqual({ kind: 'response', id: 4, ok: true, result: null })
    const [parent, options] = record.openDialogCalls[1] as [unknown, Record<string, unknown>]
    expect(parent).toBeDefined()
    expect(options).toMatchObject({ title: 'Export Figures To', properties: ['openDirectory', 'createDirectory'] })
    expect(options).not.toHaveProperty('defaultPath')
  })

  it('put every project opened into the OS recent documents', () => {
    const onProjectOpened = record.servicesOptions?.onProjectOpened as (dir: string) => void
    onProjectOpened('/studies/a.mscale')
    expect(record.recentDocuments).toEqual(['/studies/a.mscale'])
  })
})

describe('web security', () => {
  it('refuses permissions, remote requests and adds the CSP header', () => {
    const granted: boolean[] = []
    record.permissionRequest?.({}, 'media', (allowed: boolean) => granted.push(allowed))
    expect(granted).toEqual([false])
    expect(record.permissionCheck?.({}, 'clipboard-read')).toBe(false)

    expect(record.beforeRequest?.filter.urls).toEqual(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'])
    for (const url of ['https://cdn.example.org/lib.js', 'http://localhost:5173/', 'wss://example.org/socket']) {
      const decisions: unknown[] = []
      record.beforeRequest?.listener({ url }, (decision: unknown) => decisions.push(decision))
      expect(decisions, url).toEqual([{ cancel: true }])
    }

    const headers: unknown[] = []
    record.headersReceived?.({ responseHeaders: { 'Content-Type': ['text/html'] } }, (result: unknown) => headers.push(result))
    const responseHeaders = (headers[0] as { responseHeaders: Record<string, string[]> }).responseHeaders
    expect(responseHeaders['Content-Type']).toEqual(['text/html'])
    expect(responseHeaders['Content-Security-Policy'][0]).toMatch(/^default-src 'none'; script-src 'self';/)
    expect(responseHeaders['Content-Security-Policy'][0]).toContain("frame-ancestors 'none'")
  })

  it('blocks navigation away from the app, new windows and webviews', () => {
    const attempt = (event: string, url?: string) => {
      const prevented = vi.fn()
      record.contentsListeners.get(event)?.({ preventDefault: prevented }, url)
      return prevented.mock.calls.length > 0
    }
    const appPage = pathToFileURL(record.windows[0].loadedFile ?? '').href
    expect(attempt('will-navigate', 'https://evil.example/')).toBe(true)
    expect(attempt('will-navigate', 'file:///etc/passwd')).toBe(true)
    expect(attempt('will-navigate', `${appPage}?reload=1`)).toBe(false)
    expect(attempt('will-redirect', 'https://evil.example/')).toBe(true)
    expect(attempt('will-attach-webview')).toBe(true)
    expect(record.windowOpenHandler?.({ url: 'https://example.org' })).toEqual({ action: 'deny' })
  })
})

describe('quitting', () => {
  it('stops serving IPC and disposes the services once', async () => {
    const willQuit = record.appListeners.get('will-quit')?.[0]
    const prevented = vi.fn()
    willQuit?.({ preventDefault: prevented })
    expect(record.handlers.size).toBe(0)
    expect(prevented).toHaveBeenCalledTimes(1)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(record.disposed).toBe(1)
    expect(record.quitCalls).toBe(1)
    willQuit?.({ preventDefault: prevented })
    expect(record.disposed).toBe(1)
  })
})
