import { noGrad } from '../../engine/autograd'
import { arange, fromArray, scalar } from '../../engine/creation'
import { sigmoidValue } from '../../engine/ops/elementwise'
import type { Tensor } from '../../engine/tensor'
import { DERIVATIVE_DOMAIN, type DerivativeFunction, type DerivativeReply, type DerivativeRequest } from '../../../shared/lab'

/** Each function: the engine's ops for it, the chapter's code, and its derivative by hand for comparison. */
const FUNCTIONS: Readonly<Record<DerivativeFunction, { code: string; formula: string; apply: (x: Tensor) => Tensor; exact: (x: number) => number }>> = {
  square: { code: 'x**2', formula: '2x', apply: (x) => x.pow(2), exact: (x) => 2 * x },
  cube: { code: 'x**3', formula: '3x²', apply: (x) => x.pow(3), exact: (x) => 3 * x * x },
  sigmoid: { code: 'x.sigmoid()', formula: 'σ(x)·(1 − σ(x))', apply: (x) => x.sigmoid(), exact: (x) => sigmoidValue(x) * (1 - sigmoidValue(x)) },
  relu: { code: 'x.relu()', formula: '1 where x > 0, else 0', apply: (x) => x.relu(), exact: (x) => (x > 0 ? 1 : 0) },
}

/** Half the step of the central difference. */
const H = 1e-3

/** The chapter's `xt = tensor(x).requires_grad_(); yt = f(xt); yt.backward(); xt.grad`, and the rest panel 4 draws. */
export function derivativeAt(request: DerivativeRequest): DerivativeReply {
  const f = FUNCTIONS[request.fn]
  const x = scalar(request.x).requiresGrad_()
  const y = f.apply(x)
  y.backward()
  const [xv, yv, grad] = [x.item(), y.item(), x.grad!.item()]
  const centralDifference = noGrad(() => (f.apply(scalar(xv + H)).item() - f.apply(scalar(xv - H)).item()) / (2 * H))
  const xs = arange(DERIVATIVE_DOMAIN[0], DERIVATIVE_DOMAIN[1] + 0.05, 0.05)
  const ys = noGrad(() => f.apply(xs))
  const vector = fromArray([3, 4, 10]).requiresGrad_()
  f.apply(vector).sum().backward()
  return {
    fn: request.fn,
    code: f.code,
    formula: f.formula,
    x: xv,
    y: yv,
    grad,
    exact: f.exact(xv),
    centralDifference,
    tangent: { slope: grad, intercept: yv - grad * xv },
    curve: Array.from(xs.data, (v, i) => [v, ys.data[i]] as const),
    vector: { x: Array.from(vector.data), grad: Array.from(vector.grad!.data) },
  }
}
