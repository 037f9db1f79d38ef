// Lineage graph: a layered DAG (layer = longest path from a root), long edges routed through placeholder
// slots in the layers they cross, layers ordered by barycentres, drawn as inline SVG.
import { nodeHref, s } from './dom.js';

const NODE_W = 184;
const NODE_H = 34;
const SLOT_H = 8; // height a passing edge reserves in a layer it crosses
const GAP_X = 64;
const GAP_Y = 14;
const PAD = 16;
const MAX_LABEL = 24;
const FIT_MAX_WIDTH = 1500;

/** Longest-path depth of each id; roots (sources, seeds) then move right to just before their nearest consumer. */
function depths(ids, parents, children) {
  const depth = new Map();
  const visiting = new Set();
  const depthOf = (id) => {
    if (depth.has(id)) return depth.get(id);
    if (visiting.has(id)) return 0; // a cycle cannot come from dbt, but must not hang the page
    visiting.add(id);
    const ps = (parents.get(id) || []).filter((p) => ids.has(p));
    const d = ps.length ? Math.max(...ps.map(depthOf)) + 1 : 0;
    visiting.delete(id);
    depth.set(id, d);
    return d;
  };
  for (const id of ids) depthOf(id);
  for (const id of ids) {
    if ((parents.get(id) || []).some((p) => ids.has(p))) continue;
    const consumers = (children.get(id) || []).filter((c) => ids.has(c)).map((c) => depth.get(c));
    if (consumers.length) depth.set(id, Math.max(0, Math.min(...consumers) - 1));
  }
  return depth;
}

/** The layered graph: real nodes plus one slot per layer a long edge crosses, with the edges between them. */
function layeredGraph(ids, parents, children) {
  const depth = depths(ids, parents, children);
  const up = new Map([...ids].map((id) => [id, []]));
  const down = new Map([...ids].map((id) => [id, []]));
  const link = (a, b) => {
    down.get(a).push(b);
    up.get(b).push(a);
  };
  const edges = [];
  for (const from of [...ids].sort()) {
    for (const to of children.get(from) || []) {
      if (!ids.has(to)) continue;
      const slots = [];
      let prev = from;
      for (let d = depth.get(from) + 1; d < depth.get(to); d++) {
        const slot = `${from}\u0000${to}\u0000${d}`;
        depth.set(slot, d);
        up.set(slot, []);
        down.set(slot, []);
        link(prev, slot);
        slots.push(slot);
        prev = slot;
      }
      link(prev, to);
      edges.push({ from, to, slots });
    }
  }
  const layerList = [];
  for (const id of [...depth.keys()].sort()) (layerList[depth.get(id)] ||= []).push(id);
  return { layerList: Array.from(layerList, (layer) => layer || []), up, down, edges };
}

/** Reorders each layer by the mean position of its neighbours, a few sweeps each way, to untangle edges. */
function order(layerList, up, down) {
  const pos = new Map();
  layerList.forEach((layer) => layer.forEach((id, i) => pos.set(id, i)));
  const sweep = (range, neighbours) => {
    for (const d of range) {
      const bary = new Map(layerList[d].map((id) => {
        const ns = neighbours.get(id) || [];
        return [id, ns.length ? ns.reduce((sum, n) => sum + pos.get(n), 0) / ns.length : pos.get(id)];
      }));
      layerList[d].sort((a, b) => bary.get(a) - bary.get(b));
      layerList[d].forEach((id, i) => pos.set(id, i));
    }
  };
  const forward = [...layerList.keys()].slice(1);
  const backward = [...layerList.keys()].reverse().slice(1);
  for (let i = 0; i < 4; i++) {
    sweep(forward, up);
    sweep(backward, down);
  }
}

/** Box positions of the real nodes and the slots, layers centred vertically against the tallest one. */
export function layoutLineage(docs, ids) {
  const { layerList, up, down, edges } = layeredGraph(ids, docs.parents, docs.children);
  order(layerList, up, down);
  const heightOf = (id) => (ids.has(id) ? NODE_H : SLOT_H);
  const span = (layer) => layer.reduce((sum, id) => sum + heightOf(id), 0) + Math.max(0, layer.length - 1) * GAP_Y;
  const height = PAD * 2 + Math.max(NODE_H, ...layerList.map(span));
  const boxes = new Map();
  layerList.forEach((layer, d) => {
    let y = (height - span(layer)) / 2;
    for (const id of layer) {
      boxes.set(id, { x: PAD + d * (NODE_W + GAP_X), y, h: heightOf(id) });
      y += heightOf(id) + GAP_Y;
    }
  });
  const width = PAD * 2 + layerList.length * NODE_W + Math.max(0, layerList.length - 1) * GAP_X;
  return { boxes, edges, width, height };
}

function curve(x1, y1, x2, y2) {
  const mid = (x1 + x2) / 2;
  return `C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

/** An edge leaves the right side of `from`, runs straight through each slot, and enters the left side of `to`. */
function edgePath(boxes, edge) {
  const start = boxes.get(edge.from);
  let x = start.x + NODE_W;
  let y = start.y + NODE_H / 2;
  let d = `M${x},${y}`;
  for (const slot of edge.slots) {
    const box = boxes.get(slot);
    const cy = box.y + box.h / 2;
    d += ` ${curve(x, y, box.x, cy)} L${box.x + NODE_W},${cy}`;
    x = box.x + NODE_W;
    y = cy;
  }
  const end = boxes.get(edge.to);
  return `${d} ${curve(x, y, end.x - 2, end.y + NODE_H / 2)}`;
}

function truncate(text) {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

/** The lineage of `ids` as an SVG element; `focusId` is highlighted along with its direct edges. */
export function renderLineage(docs, ids, focusId) {
  const { boxes, edges, width, height } = layoutLineage(docs, ids);
  const paths = edges.map((edge) => {
    const active = edge.from === focusId || edge.to === focusId;
    return s('path', {
      className: `lineage-edge${active ? ' active' : ''}`,
      d: edgePath(boxes, edge),
      'marker-end': `url(#arrow${active ? '-active' : ''})`,
      'data-from': edge.from,
      'data-to': edge.to,
    });
  });
  const nodes = [...ids].map((id) => {
    const node = docs.nodes.get(id);
    const box = boxes.get(id);
    const classes = ['lineage-node', `type-${node.type}`, id === focusId ? 'focus' : ''].filter(Boolean).join(' ');
    return s('a', { href: nodeHref(id), className: classes, 'data-id': id },
      s('title', {}, `${node.label} (${node.type})`),
      s('rect', { x: box.x, y: box.y, width: NODE_W, height: NODE_H, rx: 6 }),
      s('text', { x: box.x + 12, y: box.y + NODE_H / 2 + 4 }, truncate(node.label)),
    );
  });
  const arrow = (suffix) => s('marker', { id: `arrow${suffix}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M0,0 L10,5 L0,10 z', className: `arrow${suffix}` }));
  // Small graphs shrink to the card; big ones keep their size and scroll, so labels stay readable.
  const fit = width <= FIT_MAX_WIDTH ? ' fit' : '';
  return s('svg', { className: `lineage${fit}`, width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Lineage graph' },
    s('defs', {}, arrow(''), arrow('-active')),
    s('g', { className: 'edges' }, paths),
    s('g', { className: 'nodes' }, nodes),
  );
}
