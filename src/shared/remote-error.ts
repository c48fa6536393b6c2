/**
 * The message main threw, without the wrapping Electron's `ipcRenderer.invoke` adds to it
 * ("Error invoking remote method 'training:lr-find': Error: …"), so the renderer shows the reason
 * alone, as browser mode does. Import-free: the sandboxed preload bundles it.
 */
export function remoteErrorMessage(message: string): string {
  return message.replace(/^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/, '')
}
