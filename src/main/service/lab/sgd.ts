import { arange, randn } from '../../engine/creation'
import { mse } from '../../engine/ops/loss'
import { BasicOptim } from '../../engine/optim/sgd'
import { Random } from '../../engine/random'
import { Tensor } from '../../engine/tensor'
import { noGrad } from '../../engine/autograd'
import type { LrRegime, Quadratic, SgdReply, SgdRequest, SgdStep } from '../../../shared/lab'

/** Steps each learning rate is compared over. */
const REGIME_STEPS = 40
/** Past this, a loss counts as diverged (and stays a number JSON can carry). */
const DIVERGED = 1e12
/** Learning rates that show the chapter's failure modes on this quadratic (its largest curvature allows up to about 3.5e-5). */
const REGIMES = [
  { name: 'too small', lr: 1e-6 },
  { name: 'good', lr: 1e-5 },
  { name: 'bounces', lr: 3e-5 },
  { name: 'diverges', lr: 5e-5 },
] as const

/** The chapter's roller coaster: `time = 0..19`, `speed = randn(20)·3 + 0.75·(time − 9.5)² + 1`, and `params = randn(3)`. */
export function rollerCoaster(seed: number): { time: Tensor; speed: Tensor; start: Quadratic } {
  const random = new Random(seed)
  const time = arange(0, 20)
  const speed = noGrad(() => randn([20], random).mul(3).add(time.sub(9.5).pow(2).mul(0.75)).add(1))
  const start = randn([3], random).data
  return { time, speed, start: [start[0], start[1], start[2]] }
}

/** The chapter's `f(t, params)`: a·t² + b·t + c. */
function predict(time: Tensor, params: Tensor): Tensor {
  const [a, b, c] = [params.index(0), params.index(1), params.index(2)]
  return time.pow(2).mul(a).add(time.mul(b)).add(c)
}

const triple = (values: ArrayLike<number>): Quadratic => [values[0], values[1], values[2]]
const finite = (values: readonly number[], limit = DIVERGED): boolean => values.every((v) => Number.isFinite(v) && Math.abs(v) < limit)

/**
 * The chapter's `apply_step`, `steps` times: predict, MSE loss, `backward()`, then BasicOptim's
 * `params -= lr·grad` and `zero_grad`. Stops early, marked diverged, when a step would leave the
 * loss or a parameter beyond any use.
 */
function descend(time: Tensor, speed: Tensor, from: Quadratic, lr: number, steps: number): { steps: SgdStep[]; params: Tensor; diverged: boolean } {
  const params = new Tensor(Float32Array.from(from), [3]).requiresGrad_()
  const opt = new BasicOptim([params], lr)
  const taken: SgdStep[] = []
  for (let i = 0; i < steps; i++) {
    const before = triple(params.data)
    const predictions = predict(time, params)
    const loss = mse(predictions, speed)
    loss.backward()
    const grads = triple(params.grad!.data)
    opt.step()
    opt.zeroGrad()
    const next = triple(params.data)
    if (!finite([loss.item(), ...grads, ...next])) {
      params.data.set(before)
      return { steps: taken, params, diverged: true }
    }
    taken.push({ params: before, predictions: Array.from(predictions.data), loss: loss.item(), grads, updates: [lr * grads[0], lr * grads[1], lr * grads[2]], next })
  }
  return { steps: taken, params, diverged: false }
}

/** The loss before each of REGIME_STEPS steps at one learning rate. */
function regime(time: Tensor, speed: Tensor, start: Quadratic, name: string, lr: number): LrRegime {
  const run = descend(time, speed, start, lr, REGIME_STEPS)
  return { name, lr, losses: run.steps.map((step) => step.loss), diverged: run.diverged }
}

/** Panel 3: steps of SGD by hand from the given parameters (or the seed's), and the learning rates compared. */
export function sgdByHand(request: SgdRequest): SgdReply {
  const { time, speed, start } = rollerCoaster(request.seed)
  const run = descend(time, speed, request.params ?? start, request.lr, request.steps)
  const end = noGrad(() => {
    const predictions = predict(time, run.params)
    return { params: triple(run.params.data), predictions: Array.from(predictions.data), loss: mse(predictions, speed).item() }
  })
  return {
    lr: request.lr,
    time: Array.from(time.data),
    speed: Array.from(speed.data),
    steps: run.steps,
    end,
    diverged: run.diverged,
    regimes: request.compare ? [...REGIMES.map((r) => regime(time, speed, start, r.name, r.lr)), regime(time, speed, start, 'yours', request.lr)] : null,
  }
}
