/** What the layout needs of a graph node: its id, whether it is a leaf (input, parameter, constant), its inputs. */
export interface LayoutNode {
  readonly id: number
  readonly leaf: boolean
  readonly inputs: readonly number[]
}

/** A node's place: its row (input at the top, loss at the bottom), its column, and its box's top-left corner. */
export interface Placed {
  readonly id: number
  readonly row: number
  readonly column: number
  readonly x: number
  readonly y: number
}

/** One edge, from an input's bottom to its consumer's top, as an SVG path. */
export interface LaidEdge {
  readonly from: number
  readonly to: number
  readonly path: string
}

export interface Layout {
  readonly nodes: ReadonlyMap<number, Placed>
  readonly edges: readonly LaidEdge[]
  readonly width: number
  readonly height: number
  /** The node ids of each row, left to right (what arrow keys move along). */
  readonly rows: readonly (readonly number[])[]
}

export const NODE = { width: 144, height: 44 } as const
const GAP = { x: 20, y: 32 } as const
/** Room on the left for edges that skip rows (they bend around the nodes between). */
const MARGIN = 28

/**
 * A layered drawing of a prediction's graph, from the input down to the loss: each op one row below its
 * deepest input, each leaf (a parameter, a constant) in the row just above the first op that reads it; in a
 * row the ops come first, ordered by where their inputs are, then the leaves by their consumers.
 */
export function layoutGraph(nodes: readonly LayoutNode[]): Layout {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const consumers = new Map<number, number[]>(nodes.map((n) => [n.id, []]))
  for (const n of nodes) for (const input of n.inputs) consumers.get(input)?.push(n.id)
  const depth = new Map<number, number>()
  const depthOf = (id: number): number => {
    const known = depth.get(id)
    if (known !== undefined) return known
    const node = byId.get(id)!
    const d = node.leaf ? 0 : 1 + Math.max(0, ...node.inputs.map(depthOf))
    depth.set(id, d)
    return d
  }
  nodes.forEach((n) => depthOf(n.id))
  // Leaves sit just above the first op that reads them (the input, read by the first op, stays at the top).
  const row = new Map<number, number>()
  for (const n of nodes) {
    const readers = consumers.get(n.id)!.map(depthOf)
    row.set(n.id, !n.leaf ? depthOf(n.id) : readers.length === 0 ? 0 : Math.min(...readers) - 1)
  }
  const rowCount = Math.max(0, ...row.values()) + 1
  const rows: number[][] = Array.from({ length: rowCount }, () => [])
  const column = new Map<number, number>()
  for (let r = 0; r < rowCount; r++) {
    const here = nodes.filter((n) => row.get(n.id) === r)
    const key = (n: LayoutNode): number => {
      const placed = n.inputs.map((i) => column.get(i)).filter((c): c is number => c !== undefined)
      return placed.length > 0 ? Math.min(...placed) : 0
    }
    const ops = here.filter((n) => !n.leaf).sort((a, b) => key(a) - key(b) || a.id - b.id)
    const leaves = here.filter((n) => n.leaf).sort((a, b) => Math.min(...consumers.get(a.id)!) - Math.min(...consumers.get(b.id)!) || a.id - b.id)
    rows[r] = [...ops, ...leaves].map((n) => n.id)
    rows[r].forEach((id, c) => column.set(id, c))
  }
  const placed = new Map<number, Placed>()
  for (const n of nodes) {
    const [r, c] = [row.get(n.id)!, column.get(n.id)!]
    placed.set(n.id, { id: n.id, row: r, column: c, x: MARGIN + c * (NODE.width + GAP.x), y: r * (NODE.height + GAP.y) })
  }
  // An op's inputs enter its top spread out, left to right in the order it takes them.
  const edges = nodes.flatMap((n) => n.inputs.map((input, k) => ({ from: input, to: n.id, path: edgePath(placed.get(input)!, placed.get(n.id)!, (k + 1) / (n.inputs.length + 1)) })))
  const columns = Math.max(1, ...rows.map((r) => r.length))
  return { nodes: placed, edges, rows, width: MARGIN + columns * (NODE.width + GAP.x), height: rowCount * (NODE.height + GAP.y) - GAP.y }
}

/** A curve from the bottom of `a` to the top of `b`; one that skips rows bends out to the left of the nodes between. */
function edgePath(a: Placed, b: Placed, entry: number): string {
  const [x1, y1] = [a.x + NODE.width / 2, a.y + NODE.height]
  const [x2, y2] = [b.x + NODE.width * entry, b.y]
  if (b.row - a.row <= 1) {
    const bend = (y2 - y1) / 2
    return `M ${x1} ${y1} C ${x1} ${y1 + bend}, ${x2} ${y2 - bend}, ${x2} ${y2}`
  }
  // NOTE: skipping edges leave and enter at the box's left edge, running down the margin past the rows between.
  const side = Math.min(a.x, b.x) - MARGIN / 2 - 4
  const [sx, sy, tx, ty] = [a.x, a.y + NODE.height / 2, b.x, b.y + NODE.height / 2]
  return `M ${sx} ${sy} C ${side} ${sy}, ${side} ${sy}, ${side} ${sy + 20} L ${side} ${ty - 20} C ${side} ${ty}, ${side} ${ty}, ${tx} ${ty}`
}
