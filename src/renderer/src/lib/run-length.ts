import { count } from './format'

/** A foreseen time, as roughly as it is known: "about 12 min", "about 1.5 h". */
const roughly = (seconds: number): string => (seconds < 3600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3600).toFixed(1)} h`)

/** A run this long (seconds, foreseen) or longer is said to be long before it starts. */
export const LONG_RUN_SECONDS = 60
/** Without a speed measured here, a run over this many training images is said to be long. */
export const LONG_RUN_IMAGES = 600_000

/**
 * What a planned run will take, when that is long enough to say before it starts: `epochs` passes over
 * `images` training images, at `speed` images per second when this model kind ran here before. Null for
 * a short run.
 */
export function longRunWarning(epochs: number, images: number, speed: number | undefined, model: string): string | null {
  const total = epochs * images
  if (!Number.isFinite(total) || total <= 0) return null
  const work = `${count(epochs)} epoch${epochs === 1 ? '' : 's'} × ${count(images)} images`
  if (speed && speed > 0) {
    const seconds = total / speed
    if (seconds < LONG_RUN_SECONDS) return null
    return `A long run: about ${roughly(seconds)} (${work} at the ${count(speed)} images/s ${model} trained at here). Stop keeps what it has learned.`
  }
  if (total < LONG_RUN_IMAGES) return null
  return `A long run: ${work} = ${count(total)} images to train on. A run of one or two epochs first shows how fast it goes here.`
}
