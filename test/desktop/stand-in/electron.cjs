// A recording stand-in for the `electron` module, kept to the API surface Digit Lab's main process and preload
// use: every call lands in `record`, and `control` lets a scenario play Electron's part (ready, window events,
// a second launch, quitting). A name the app imports that is missing here fails the import, loudly.
'use strict'
const { EventEmitter } = require('node:events')

const records = []
const record = (what, detail = {}) => records.push({ what, ...detail })
const broken = new Set((process.env.DIGIT_LAB_STAND_IN_BREAK ?? '').split(',').filter(Boolean))
const fail = (part) => {
  if (broken.has(part)) throw new Error(`${part} failed (stand-in told to fail it)`)
}

let readyResolve
const readyPromise = new Promise((resolve) => (readyResolve = resolve))
const appEvents = new EventEmitter()
let quitting = false
const app = {
  isPackaged: false,
  commandLine: { hasSwitch: (name) => (process.env.DIGIT_LAB_STAND_IN_SWITCHES ?? '').split(',').includes(name), appendSwitch: (name) => record('app.commandLine.appendSwitch', { name }) },
  requestSingleInstanceLock: () => {
    record('app.requestSingleInstanceLock')
    return process.env.DIGIT_LAB_STAND_IN_SECOND !== '1'
  },
  enableSandbox: () => record('app.enableSandbox'),
  getVersion: () => '0.0.0-stand-in',
  whenReady: () => {
    record('app.whenReady')
    return readyPromise
  },
  on: (event, listener) => {
    record('app.on', { event })
    appEvents.on(event, listener)
    return app
  },
  once: (event, listener) => {
    record('app.once', { event })
    appEvents.once(event, listener)
    return app
  },
  // As Electron: quit asks 'before-quit' (which may hold it back), then quits.
  quit: () => {
    record('app.quit')
    if (quitting) return
    let prevented = false
    appEvents.emit('before-quit', { preventDefault: () => (prevented = true) })
    record('before-quit', { prevented })
    if (prevented) return
    quitting = true
    record('quit')
  },
  exit: (code = 0) => {
    record('app.exit', { code })
    quitting = true
  },
}

const protocol = {
  registerSchemesAsPrivileged: (schemes) => record('protocol.registerSchemesAsPrivileged', { schemes, ready: control.isReady }),
  handle: (scheme, handler) => {
    fail('protocol.handle')
    record('protocol.handle', { scheme, ready: control.isReady })
    control.protocolHandlers.set(scheme, handler)
  },
}

const session = {
  defaultSession: {
    setPermissionRequestHandler: () => record('session.setPermissionRequestHandler'),
    setPermissionCheckHandler: () => record('session.setPermissionCheckHandler'),
    setDevicePermissionHandler: () => record('session.setDevicePermissionHandler'),
  },
}

const windows = []
class WebContents extends EventEmitter {
  constructor(window) {
    super()
    this.window = window
    this.mainFrame = { url: '' }
    this.sent = []
  }
  isDestroyed() {
    return this.window.destroyed
  }
  send(channel, payload) {
    record('webContents.send', { channel, payload })
    this.sent.push(payload)
    for (const listener of control.rendererListeners.get(channel) ?? []) listener({ sender: this }, payload)
  }
  setWindowOpenHandler() {
    record('webContents.setWindowOpenHandler')
  }
}
class BrowserWindow extends EventEmitter {
  static getAllWindows() {
    return windows.filter((window) => !window.destroyed)
  }
  constructor(options) {
    super()
    record('new BrowserWindow', { options, ready: control.isReady })
    this.options = options
    this.destroyed = false
    this.minimized = false
    this.webContents = new WebContents(this)
    windows.push(this)
    appEvents.emit('web-contents-created', {}, this.webContents)
  }
  isDestroyed() {
    return this.destroyed
  }
  async loadURL(url) {
    record('window.loadURL', { url })
    fail('loadURL')
    this.webContents.mainFrame.url = url
    control.emitter.emit('loaded', this)
  }
  show() {
    record('window.show')
  }
  isMinimized() {
    return this.minimized
  }
  restore() {
    record('window.restore')
    this.minimized = false
  }
  focus() {
    record('window.focus')
  }
  close() {
    this.destroy()
  }
  destroy() {
    record('window.destroy')
    this.destroyed = true
    this.emit('closed')
    if (BrowserWindow.getAllWindows().length === 0) appEvents.emit('window-all-closed')
  }
}

const Menu = {
  buildFromTemplate: (template) => {
    record('Menu.buildFromTemplate')
    return { template }
  },
  setApplicationMenu: (menu) => {
    record('Menu.setApplicationMenu')
    control.menu = menu
  },
}

const nativeTheme = {
  _source: 'system',
  get themeSource() {
    return this._source
  },
  set themeSource(source) {
    record('nativeTheme.themeSource', { source })
    this._source = source
  },
}

const dialog = {
  showErrorBox: (title, content) => record('dialog.showErrorBox', { title, content }),
  showSaveDialog: async (...args) => {
    record('dialog.showSaveDialog', { options: args.at(-1) })
    return control.nextDialog ?? { canceled: true }
  },
  showOpenDialog: async (...args) => {
    record('dialog.showOpenDialog', { options: args.at(-1) })
    return control.nextDialog ?? { canceled: true, filePaths: [] }
  },
}

const ipcMain = {
  handle: (channel, handler) => {
    if (control.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`)
    record('ipcMain.handle', { channel, ready: control.isReady, loaded: control.loadedCount })
    control.handlers.set(channel, handler)
  },
  on: (channel, listener) => {
    record('ipcMain.on', { channel })
    control.listeners.set(channel, listener)
  },
}

const shell = { openExternal: async (url) => record('shell.openExternal', { url }) }

// The preload's side, wired to the main side as Electron's IPC would be, as the window's main frame.
const trustedEvent = () => {
  const window = BrowserWindow.getAllWindows().at(-1)
  return { sender: window.webContents, senderFrame: window.webContents.mainFrame }
}
const contextBridge = { exposeInMainWorld: (key, value) => (record('contextBridge.exposeInMainWorld', { key, names: Object.keys(value) }), (control.world[key] = value)) }
const ipcRenderer = {
  invoke: async (channel, ...args) => {
    record('ipcRenderer.invoke', { channel })
    const handler = control.handlers.get(channel)
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`)
    return handler(trustedEvent(), ...args)
  },
  send: (channel, ...args) => {
    record('ipcRenderer.send', { channel })
    control.listeners.get(channel)?.(trustedEvent(), ...args)
  },
  on: (channel, listener) => control.rendererListeners.set(channel, [...(control.rendererListeners.get(channel) ?? []), listener]),
  off: (channel, listener) => control.rendererListeners.set(channel, (control.rendererListeners.get(channel) ?? []).filter((l) => l !== listener)),
}
const webUtils = { getPathForFile: (file) => file.path }

/** What a scenario uses to play Electron's part and read what the app did. */
const control = {
  records,
  record,
  isReady: false,
  loadedCount: 0,
  emitter: new EventEmitter(),
  handlers: new Map(),
  listeners: new Map(),
  rendererListeners: new Map(),
  protocolHandlers: new Map(),
  world: {},
  menu: null,
  nextDialog: null,
  windows,
  appEvents,
  ready() {
    control.isReady = true
    record('ready')
    appEvents.emit('ready')
    readyResolve()
  },
}
control.emitter.on('loaded', () => control.loadedCount++)

module.exports = { app, protocol, session, BrowserWindow, Menu, nativeTheme, dialog, ipcMain, shell, contextBridge, ipcRenderer, webUtils, __standIn: control }
