import { contextBridge, ipcRenderer } from 'electron'
import { API_CHANNELS, type Api } from '../shared/api'

// Exactly the api of the contract, one function per channel, and nothing else.
const api = Object.fromEntries(
  Object.entries(API_CHANNELS).map(([name, channel]) => [name, (...args: unknown[]) => ipcRenderer.invoke(channel, ...args)]),
) as unknown as Api

contextBridge.exposeInMainWorld('api', api)
