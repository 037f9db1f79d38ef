import type { LineageNode, ModelDetails } from '../api';
import { Link } from '../router';

const W = 168;
const H = 30;
const COL_GAP = 44;
const ROW_GAP = 10;

/** Where each node sits: one column per depth, left to right, nodes stacked in their column. */
function layout(nodes: LineageNode[]) {
  const min = Math.min(0, ...nodes.map((n) => n.depth));
  const rows = new Map<number, number>();
  const at = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const row = rows.get(n.depth) ?? 0;
    rows.set(n.depth, row + 1);
    at.set(n.id, { x: (n.depth - min) * (W + COL_GAP), y: row * (H + ROW_GAP) });
  }
  const cols = Math.max(...nodes.map((n) => n.depth)) - min + 1;
  const height = Math.max(...rows.values()) * (H + ROW_GAP) - ROW_GAP;
  return { at, width: cols * (W + COL_GAP) - COL_GAP, height };
}

/** The node's box: sources link to their source page, models and seeds to their model page; a snapshot has no page. */
function Box({ node, focus }: { node: LineageNode; focus: boolean }) {
  const cls = `node lineage-box node-${focus ? 'self' : node.kind}`;
  if (focus) return <span className={cls} aria-current="page" title={node.name}>{node.name}</span>;
  if (node.kind === 'snapshot') return <span className={cls} title={`snapshot ${node.name}`}>{node.name}</span>;
  const to = node.kind === 'source' ? `sources/${encodeURIComponent(node.name.split('.')[0] ?? node.name)}` : `models/${encodeURIComponent(node.name)}`;
  return (
    <Link to={to} className={cls} title={`${node.kind} ${node.name}`}>
      {node.name}
    </Link>
  );
}

/** The model's whole upstream and downstream chains as positioned boxes joined by SVG curves; scrolls sideways on a phone. */
export function LineageGraph({ model }: { model: ModelDetails }) {
  const { nodes, edges } = model.lineage;
  const { at, width, height } = layout(nodes);
  return (
    <div className="lineage-scroll" data-testid="lineage" role="group" aria-label={`Lineage of ${model.name}: ${nodes.length - 1} related nodes`}>
      <div className="lineage-graph" style={{ width, height }}>
        <svg width={width} height={height} aria-hidden="true">
          {edges.map((e) => {
            const a = at.get(e.from);
            const b = at.get(e.to);
            if (!a || !b) return null;
            const x1 = a.x + W;
            const y1 = a.y + H / 2;
            const x2 = b.x;
            const y2 = b.y + H / 2;
            const mid = (x1 + x2) / 2;
            return <path key={`${e.from}>${e.to}`} data-edge={`${e.from}>${e.to}`} d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`} />;
          })}
        </svg>
        {nodes.map((n) => {
          const p = at.get(n.id)!;
          return (
            <div key={n.id} className="lineage-slot" data-node={n.name} data-depth={n.depth} style={{ left: p.x, top: p.y, width: W, height: H }}>
              <Box node={n} focus={n.depth === 0} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
