/**
 * The Electron application shell: one window, the menus and shortcuts of UI.md, the services
 * served over IPC, and the security settings of Electron's checklist:
 *
 * - the renderer is sandboxed (app.enableSandbox, sandbox: true), context-isolated and has no
 *   Node; its only door to main is the preload's { call, listen } over the API contract;
 * - IPC requests are answered only for the app's own top frame;
 * - a strict Content-Security-Policy (header and meta tag; contentSecurityPolicy.ts);
 * - no remote content: every http(s)/ws(s) request is cancelled except to the Vite dev server
 *   in development; navigation, window.open, <webview> and permission requests are refused.
 *
 * The services themselves (src/main/services) know nothing of Electron: main.ts gives them what
 * only Electron has, the native folder dialog (directoryDialog.ts), the OS recent documents and
 * the per-user settings folder (app.getPath('userData')).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, session, type IpcMainInvokeEvent, type MenuItemConstructorOptions, type Session } from 'electron'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createServiceEventEmitter, createServiceRouter } from '../../shared/api/apiProxy'
import { serveWorkbenchServices, SHELL_SERVICE, type ShellCommand, type WorkbenchServices } from '../../shared/api/workbenchApi'
import { createServices } from '../services/createServices'
import { CONTENT_SECURITY_POLICY_HEADER } from './contentSecurityPolicy'
import { createDirectoryDialog } from './directoryDialog'
import { serveOverIpc } from './ipcTransport'

export const APP_TITLE = 'MscaleDNN Spectral Workbench'

const BUILD_DIR = fileURLToPath(new URL('.', import.meta.url))
const PRELOAD_SCRIPT = join(BUILD_DIR, '../preload/index.cjs')
const RENDERER_INDEX = join(BUILD_DIR, '../renderer/index.html')
/** Set by `electron-vite dev` only; the production app loads files. */
const DEV_SERVER_URL = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined

/** Whether a URL is the app's renderer page (any hash or query). */
function isAppPage(url: string): boolean {
  try {
    const parsed = new URL(url)
    if (DEV_SERVER_URL) return parsed.origin === new URL(DEV_SERVER_URL).origin
    parsed.hash = ''
    parsed.search = ''
    return parsed.href === pathToFileURL(RENDERER_INDEX).href
  } catch {
    return false
  }
}

function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame
  return frame !== null && frame.parent === null && isAppPage(frame.url)
}

function installSessionSecurity(target: Session): void {
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  target.setPermissionCheckHandler(() => false)
  const devOrigin = DEV_SERVER_URL ? new URL(DEV_SERVER_URL) : undefined
  target.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] }, (details, callback) => {
    const url = new URL(details.url)
    const toDevServer = devOrigin !== undefined && url.hostname === devOrigin.hostname && url.port === devOrigin.port
    callback({ cancel: !toDevServer })
  })
  target.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY_HEADER] },
    })
  })
}

function hardenWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppPage(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!isAppPage(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })
}

/** The menus (UI.md, Keyboard). Each item only tells the renderer; the renderer acts. */
function buildMenu(send: (command: ShellCommand) => void): Menu {
  const item = (label: string, command: ShellCommand, accelerator: string, extra: MenuItemConstructorOptions = {}): MenuItemConstructorOptions =>
    ({ label, accelerator, click: () => send(command), ...extra })
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: '&File',
      submenu: [
        item('New Project…', 'new-project', 'CmdOrCtrl+N'),
        item('Open Project…', 'open-project', 'CmdOrCtrl+O'),
        { type: 'separator' },
        item('Save', 'save', 'CmdOrCtrl+S'),
        item('Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
        { type: 'separator' },
        item('Close Tab', 'close-tab', 'CmdOrCtrl+W'),
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Run',
      submenu: [
        item('Run Experiment', 'run', 'CmdOrCtrl+Enter'),
        // Listed, but not taken from the page: Esc must still close popups and leave fields, so
        // the renderer handles the key itself (registerAccelerator is honoured on Linux/Windows).
        item('Cancel Run', 'cancel', 'Escape', { registerAccelerator: false }),
      ],
    },
    {
      label: '&View',
      submenu: [
        ...(app.isPackaged ? [] : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: '&Help', submenu: [{ role: 'about' }] },
  ]
  return Menu.buildFromTemplate(template)
}

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    title: APP_TITLE,
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    webPreferences: {
      preload: PRELOAD_SCRIPT,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  })
  window.once('ready-to-show', () => window.show())
  if (DEV_SERVER_URL) void window.loadURL(DEV_SERVER_URL)
  else void window.loadFile(RENDERER_INDEX)
  return window
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  app.enableSandbox()
  hardenWebContents()

  let mainWindow: BrowserWindow | undefined
  let services: WorkbenchServices | undefined
  let stopIpc: (() => void) | undefined

  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })

  app.whenReady().then(() => {
    installSessionSecurity(session.defaultSession)
    services = createServices({
      mode: 'electron',
      settingsDir: app.getPath('userData'),
      chooseDirectory: createDirectoryDialog({
        dialog,
        parentWindow: () => BrowserWindow.getFocusedWindow() ?? mainWindow,
      }),
      onProjectOpened: (dir) => app.addRecentDocument(dir),
    })
    const shellEvents = createServiceEventEmitter(SHELL_SERVICE)
    const router = createServiceRouter(serveWorkbenchServices(services, shellEvents, {
      onUnexpectedError: (error, channel, method) => console.error(`[workbench] ${channel}.${method} failed:`, error),
    }))
    stopIpc = serveOverIpc(router, {
      ipcMain,
      isTrustedSender,
      eventTargets: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
    })
    Menu.setApplicationMenu(buildMenu((command) => shellEvents.emit('command', { command })))
    mainWindow = createMainWindow()
    mainWindow.on('closed', () => {
      mainWindow = undefined
    })
  }).catch((error: unknown) => {
    dialog.showErrorBox(`${APP_TITLE} could not start`, error instanceof Error ? error.message : String(error))
    app.exit(1)
  })

  app.on('window-all-closed', () => app.quit())

  let disposed = false
  app.on('will-quit', (event) => {
    if (disposed) return
    disposed = true
    stopIpc?.()
    const dispose = services?.dispose?.()
    if (!dispose) return
    event.preventDefault()
    dispose
      .catch((error: unknown) => console.error('[workbench] stopping the services failed:', error))
      .finally(() => app.quit())
  })
}

start()
