import { fromArray, randn } from '../src/main/engine/creation'
import { manualSeed } from '../src/main/engine/random'
const x = fromArray([3]).requiresGrad_()
const y = x.pow(2).sum(); y.backward(); console.log('grad', x.grad!.toArray())
const v = fromArray([3,4,10]).requiresGrad_(); v.pow(2).sum().backward(); console.log(v.grad!.toArray())
manualSeed(1)
const a = randn([1010,28,28]); const b = randn([28,28]).requiresGrad_()
const d = a.sub(b).abs().mean([-1,-2]); console.log(d.shape)
d.mean().backward(); console.log(b.grad!.shape)
const w = randn([4,3]).requiresGrad_(); const xx = randn([5,4])
const o = xx.matmul(w).logSoftmax(); console.log(o.toArray())
