import { ipcMain, type IpcMainInvokeEvent } from 'electron'
import { API_CHANNELS, type Api, type ApiName } from '../../shared/api'

/** Serve one api function on its channel, answering only the app's own window. */
export function handle<N extends ApiName>(
  name: N,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  implementation: (...args: Parameters<Api[N]>) => ReturnType<Api[N]>,
): void {
  ipcMain.handle(API_CHANNELS[name], (event, ...args: unknown[]) => {
    if (!isTrustedSender(event)) throw new Error(`refused ${API_CHANNELS[name]} from an untrusted sender`)
    return implementation(...(args as Parameters<Api[N]>))
  })
}
