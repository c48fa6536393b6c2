import pkg from '../../package.json'

/** `producer_name` and the `producer` metadata of every file Digit Lab writes (exports, projects, scripts). */
export const PRODUCER = 'digit-lab'
export const PRODUCER_VERSION: string = pkg.version
