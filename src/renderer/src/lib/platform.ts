/** The desktop app has native file dialogs; a browser has none (it downloads, and takes typed paths). */
export const hasDialogs = (): boolean => window.desktop !== undefined
