import type { WebContents } from 'electron'

/** What `guardWebContents` sets on a webContents. */
export type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>

/**
 * Keep a webContents on the page it was loaded with: no navigation of any frame, no redirect, no
 * new window, no <webview>. A link the page tries to follow or open is handed to `openLink`
 * (which opens allowed https links in the system browser). Applied to every webContents the app
 * creates, from its 'web-contents-created' event.
 */
export function guardWebContents(contents: GuardedContents, openLink: (url: string) => void): void {
  contents.setWindowOpenHandler(({ url }) => {
    openLink(url)
    return { action: 'deny' }
  })
  contents.on('will-navigate', (event) => {
    event.preventDefault()
    openLink(event.url)
  })
  contents.on('will-frame-navigate', (event) => event.preventDefault())
  contents.on('will-redirect', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
}
