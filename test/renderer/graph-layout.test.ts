import { describe, expect, it } from 'vitest'
import { layoutGraph, NODE, type LayoutNode } from '../../src/renderer/src/lib/graph-layout'

/** The linear model's graph as the Lab records it: x → Reshape → Gemm(w, b) → Sigmoid → Neg → Add(1) → Where(t == 1) → ReduceMean. */
const LINEAR: LayoutNode[] = [
  { id: 0, leaf: true, inputs: [] }, // x
  { id: 1, leaf: false, inputs: [0] }, // Reshape
  { id: 2, leaf: true, inputs: [] }, // 1.weight
  { id: 3, leaf: true, inputs: [] }, // 1.bias
  { id: 4, leaf: false, inputs: [1, 2, 3] }, // Gemm
  { id: 5, leaf: false, inputs: [4] }, // Sigmoid
  { id: 6, leaf: true, inputs: [] }, // t == 1
  { id: 7, leaf: false, inputs: [5] }, // Neg
  { id: 8, leaf: false, inputs: [7] }, // Add
  { id: 9, leaf: false, inputs: [6, 8, 5] }, // Where
  { id: 10, leaf: false, inputs: [9] }, // ReduceMean
]

describe('the Graph panel’s layered drawing', () => {
  const layout = layoutGraph(LINEAR)
  const at = (id: number) => layout.nodes.get(id)!

  it('runs from the input at the top to the loss at the bottom, every edge downwards', () => {
    expect(at(0).row).toBe(0)
    expect(at(10).row).toBe(Math.max(...[...layout.nodes.values()].map((n) => n.row)))
    for (const edge of layout.edges) expect(at(edge.from).row).toBeLessThan(at(edge.to).row)
    expect(layout.edges).toHaveLength(LINEAR.reduce((n, node) => n + node.inputs.length, 0))
  })

  it('puts each parameter and constant just above the op that reads it, beside the chain', () => {
    for (const [leaf, op] of [[2, 4], [3, 4], [6, 9]]) expect(at(leaf).row).toBe(at(op).row - 1)
    expect([at(1), at(4), at(5), at(9)].map((n) => n.column)).toEqual([0, 0, 0, 0])
    expect(at(2).column).toBeGreaterThan(0)
  })

  it('never puts two boxes on each other, and every box inside the drawing', () => {
    const boxes = [...layout.nodes.values()]
    for (const a of boxes) {
      expect(a.x + NODE.width).toBeLessThanOrEqual(layout.width)
      expect(a.y + NODE.height).toBeLessThanOrEqual(layout.height)
      for (const b of boxes) if (a !== b) expect(Math.abs(a.x - b.x) >= NODE.width || Math.abs(a.y - b.y) >= NODE.height).toBe(true)
    }
    expect(layout.rows.flat().sort((a, b) => a - b)).toEqual(LINEAR.map((n) => n.id))
  })
})
