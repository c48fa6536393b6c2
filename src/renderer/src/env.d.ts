/// <reference types="svelte" />
import type { Api } from '../../shared/api'
import type { DesktopApi } from '../../shared/desktop'

declare global {
  interface Window {
    api: Api
    /** Absent in a browser. */
    desktop?: DesktopApi
  }
}
