import type { Session } from 'electron'

/** What `denyAllPermissions` sets on a session. */
export type PermissionHandlers = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>

/**
 * Digit Lab needs no browser permission (camera, microphone, notifications, USB, …): every
 * request is refused and every check answers no.
 */
export function denyAllPermissions(session: PermissionHandlers): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
}
