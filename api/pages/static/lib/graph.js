// A layered graph drawn as SVG: one column per layer, nodes ordered within their column to
// keep edges from crossing (barycentre sweeps). An edge between neighbouring columns is a
// curve through the gap between them; a longer one runs through a lane of its own in every
// column it passes (a slot in that column's stack, like a box of no height, so it never
// crosses a box), and edges to the same node share their lanes. Nodes are links; focusing
// or hovering one highlights the paths through it.
import { svg, uid } from "./dom.js";

const NODE_W = 164;
const GAP_X = 52;
const GAP_Y = 14;
const PAD = 16;
const HEAD = 34;
const LINE = 15;
const CHAR_W = 6.7; // average width of a 12px sans-serif character
const MAX_LINES = 3;
const LANE_GAP_Y = 9; // between a box and an edge passing it
const LANES_GAP_Y = 7; // between two edges passing side by side
const PORT_GAP = 7; // between edges leaving one side of a box
const PORT_MARGIN = 7; // between the corner of a box and its outermost edge

/** `text` broken into at most `maxLines` lines of about `width` pixels. */
export function wrap(text, width = NODE_W - 20, maxLines = MAX_LINES) {
  const perLine = Math.max(8, Math.floor(width / CHAR_W));
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/)) {
    const candidate = line ? `${line} ${word}` : word;
    if (candidate.length <= perLine) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = word.length > perLine ? `${word.slice(0, perLine - 1)}…` : word;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1].slice(0, perLine - 1)}…`;
    return kept;
  }
  return lines;
}

function order(columns, nodes, edges) {
  const byColumn = new Map(columns.map((column) => [column.key, []]));
  for (const node of nodes) byColumn.get(node.column)?.push(node);
  const neighbours = new Map(nodes.map((node) => [node.id, []]));
  for (const edge of edges) {
    neighbours.get(edge.from)?.push(edge.to);
    neighbours.get(edge.to)?.push(edge.from);
  }
  // positions run from 0 to 1 in every column, so that short columns line up with long ones
  const position = new Map();
  const place = (list) => list.forEach((node, index) => position.set(node.id, list.length > 1 ? index / (list.length - 1) : 0.5));
  for (const list of byColumn.values()) place(list);
  const keys = [...byColumn.keys()];
  const sweep = (sequence) => {
    for (const key of sequence) {
      const list = byColumn.get(key);
      const centre = new Map(
        list.map((node, index) => {
          const near = neighbours.get(node.id).filter((other) => position.has(other));
          const value = near.length ? near.reduce((sum, other) => sum + position.get(other), 0) / near.length : position.get(node.id);
          return [node.id, value + index * 1e-6]; // ties keep their order
        }),
      );
      list.sort((a, b) => centre.get(a.id) - centre.get(b.id));
      place(list);
    }
  };
  for (let round = 0; round < 4; round += 1) {
    sweep(keys);
    sweep([...keys].reverse());
  }
  return byColumn;
}

/** The vertical gap between two neighbours in a column (lanes have no height). */
function gapBetween(above, below) {
  if (above.lane && below.lane) return LANES_GAP_Y;
  return above.lane || below.lane ? LANE_GAP_Y : GAP_Y;
}

/**
 * How every edge runs: the columns of its ends, and the lanes it passes through in the
 * columns between them (in travel order). Edges to the same node share the lanes of each
 * column, so a column has at most one lane per node beyond it.
 */
function routes(used, nodes, edges) {
  const columnOf = new Map(used.map((column, index) => [column.key, index]));
  const index = new Map(nodes.filter((node) => columnOf.has(node.column)).map((node) => [node.id, columnOf.get(node.column)]));
  const lanes = new Map();
  const links = new Map();
  const link = (from, to) => links.set(`${from}>${to}`, { from, to });
  const result = [];
  for (const edge of edges) {
    if (!index.has(edge.from) || !index.has(edge.to)) continue;
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    const step = Math.sign(to - from);
    const via = [];
    for (let column = from + step; step !== 0 && column !== to; column += step) {
      const id = `lane:${edge.to}:${column}`;
      if (!lanes.has(id)) lanes.set(id, { id, column: used[column].key, lane: true });
      via.push(id);
    }
    const chain = [edge.from, ...via, edge.to];
    for (let i = 1; i < chain.length; i += 1) link(chain[i - 1], chain[i]);
    result.push({ edge, from, to, step, chain });
  }
  return { routes: result, lanes: [...lanes.values()], links: [...links.values()] };
}

/**
 * Where the edges meet the boxes: edges leaving one side of a box toward different
 * neighbours get ports of their own, spread along that side in the order of the neighbours'
 * heights (so that they do not cross where they start); edges toward the same neighbour
 * share a port. Returns a function giving a route's [start y, end y].
 */
function ports(routed, layout) {
  const centre = (id) => layout.get(id).y + layout.get(id).h / 2;
  // an edge leaves forward from the right side and arrives on the left, backward the other
  // way round; one within a column leaves and arrives on the right
  const sides = (route) => (route.step > 0 ? ["right", "left"] : route.step < 0 ? ["left", "right"] : ["right", "right"]);
  const ends = (route) => {
    const [start, end] = sides(route);
    return [
      { node: route.edge.from, side: start, neighbour: route.chain[1] },
      { node: route.edge.to, side: end, neighbour: route.chain[route.chain.length - 2] },
    ];
  };
  const groups = new Map(); // node -> side -> neighbour -> y
  for (const route of routed) {
    for (const { node, side, neighbour } of ends(route)) {
      if (!groups.has(node)) groups.set(node, { left: new Map(), right: new Map() });
      groups.get(node)[side].set(neighbour, 0);
    }
  }
  for (const [node, bySide] of groups) {
    const box = layout.get(node);
    for (const neighbours of Object.values(bySide)) {
      const list = [...neighbours.keys()].sort((a, b) => centre(a) - centre(b));
      const span = Math.min(Math.max(0, box.h - 2 * PORT_MARGIN), (list.length - 1) * PORT_GAP);
      list.forEach((neighbour, i) => neighbours.set(neighbour, box.y + box.h / 2 - span / 2 + (list.length > 1 ? (i * span) / (list.length - 1) : 0)));
    }
  }
  return (route) => ends(route).map(({ node, side, neighbour }) => groups.get(node)[side].get(neighbour));
}

const fmt = (value) => Math.round(value * 10) / 10;

/** A curve from (x1, y1) to (x2, y2), leaving and arriving horizontally: it stays between x1 and x2. */
function curve(x1, y1, x2, y2) {
  const c = (x2 - x1) / 2;
  return `C ${fmt(x1 + c)} ${fmt(y1)}, ${fmt(x2 - c)} ${fmt(y2)}, ${fmt(x2)} ${fmt(y2)}`;
}

/** The SVG path of a routed edge: curves through the gaps between columns, straight through lanes. */
function pathOf(route, layout, [y1, y2]) {
  const a = layout.get(route.edge.from);
  const b = layout.get(route.edge.to);
  if (route.step === 0) {
    // both ends in one column: a loop out to the right, in the gap after the column
    const x = a.x + a.w;
    const bend = 26 + Math.min(16, Math.abs(y2 - y1) / 6);
    return `M ${fmt(x)} ${fmt(y1)} C ${fmt(x + bend)} ${fmt(y1)}, ${fmt(x + bend)} ${fmt(y2)}, ${fmt(x + 2)} ${fmt(y2)}`;
  }
  const forward = route.step > 0;
  let x = forward ? a.x + a.w : a.x;
  let y = y1;
  const parts = [`M ${fmt(x)} ${fmt(y)}`];
  for (const id of route.chain.slice(1, -1)) {
    const lane = layout.get(id);
    const [enter, leave] = forward ? [lane.x, lane.x + lane.w] : [lane.x + lane.w, lane.x];
    parts.push(curve(x, y, enter, lane.y), `L ${fmt(leave)} ${fmt(lane.y)}`);
    x = leave;
    y = lane.y;
  }
  parts.push(curve(x, y, forward ? b.x - 2 : b.x + b.w + 2, y2));
  return parts.join(" ");
}

/**
 * The graph as an `<svg>` element.
 *
 * - `columns`: [{key, label}] left to right; empty ones are left out.
 * - `nodes`: [{id, column, label, sub, href, kind, title, paths: Set}]; `kind` styles the box.
 * - `edges`: [{from, to, title, paths: Set}]; `paths` name the paths an element is on, which
 *   are highlighted together.
 * - `title`, `desc`: the text alternative (the page also shows the data as a table).
 *
 * Boxes carry `data-node` (the node's id) and edges `data-from` and `data-to`.
 */
export function layeredGraph({ columns, nodes, edges, title, desc }) {
  const used = columns.filter((column) => nodes.some((node) => node.column === column.key));
  const routed = routes(used, nodes, edges);
  const byColumn = order(used, [...nodes, ...routed.lanes], [...routed.links, ...routed.routes.filter((route) => route.step === 0).map((route) => route.edge)]);
  const layout = new Map();
  let height = 0;
  used.forEach((column, index) => {
    let y = 0;
    let above = null;
    for (const node of byColumn.get(column.key)) {
      if (above) y += gapBetween(above, node);
      const x = PAD + index * (NODE_W + GAP_X);
      if (node.lane) {
        layout.set(node.id, { x, y, w: NODE_W, h: 0, lane: true, column: index });
      } else {
        const lines = wrap(node.label);
        const h = 14 + lines.length * LINE + (node.sub ? LINE - 2 : 0);
        layout.set(node.id, { x, y, w: NODE_W, h, lines, column: index });
        y += h;
      }
      above = node;
    }
    height = Math.max(height, y);
  });
  // centre every column against the tallest one
  used.forEach((column) => {
    const list = byColumn.get(column.key);
    if (!list.length) return;
    const last = layout.get(list[list.length - 1].id);
    const offset = (height - (last.y + last.h)) / 2;
    for (const node of list) layout.get(node.id).y += offset + HEAD + PAD;
  });
  const width = PAD * 2 + used.length * NODE_W + (used.length - 1) * GAP_X + 40;
  const totalHeight = height + HEAD + PAD * 2;
  const portsOf = ports(routed.routes, layout);

  const titleId = uid("graph-title");
  const descId = uid("graph-desc");
  const arrowId = uid("arrow");
  const root = svg("svg", {
    class: "graph",
    viewBox: `0 0 ${width} ${totalHeight}`,
    "aria-labelledby": `${titleId} ${descId}`,
  });
  // shrink to fit down to 75% of its size (text stays legible), scroll below that
  root.style.width = "100%";
  root.style.maxWidth = `${width}px`;
  root.style.minWidth = `${Math.round(width * 0.75)}px`;
  root.append(
    svg("title", { id: titleId }, title),
    svg("desc", { id: descId }, desc),
    svg("defs", {}, svg("marker", { id: arrowId, viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse" }, svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "graph__arrow" }))),
  );

  const columnsGroup = svg("g", { class: "graph__columns", "aria-hidden": "true" });
  used.forEach((column, index) => {
    const x = PAD + index * (NODE_W + GAP_X);
    columnsGroup.append(
      svg("rect", { x: x - 8, y: PAD - 6, width: NODE_W + 16, height: totalHeight - PAD, rx: 10, class: `graph__lane graph__lane--${column.key}` }),
      svg("text", { x: x + NODE_W / 2, y: PAD + 12, "text-anchor": "middle", class: "graph__lane-label" }, column.label),
    );
  });
  root.append(columnsGroup);

  const edgeGroup = svg("g", { class: "graph__edges" });
  const edgeElements = [];
  for (const route of routed.routes) {
    const { edge } = route;
    const d = pathOf(route, layout, portsOf(route));
    const path = svg("path", { d, class: `graph__edge ${edge.kind ? `graph__edge--${edge.kind}` : ""}`, "marker-end": `url(#${arrowId})`, "data-from": edge.from, "data-to": edge.to }, edge.title ? svg("title", {}, edge.title) : null);
    path.cxPaths = edge.paths ?? new Set();
    edgeElements.push(path);
    edgeGroup.append(path);
  }
  root.append(edgeGroup);

  const nodeGroup = svg("g", { class: "graph__nodes" });
  const nodeElements = [];
  for (const node of nodes) {
    const box = layout.get(node.id);
    if (!box || box.lane) continue;
    const text = svg("text", { x: box.x + 10, y: box.y + 6, class: "graph__label" });
    box.lines.forEach((line) => text.append(svg("tspan", { x: box.x + 10, dy: LINE }, line)));
    if (node.sub) text.append(svg("tspan", { x: box.x + 10, dy: LINE - 2, class: "graph__sub" }, node.sub));
    const shape = svg("rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 7, class: "graph__box" });
    const body = [svg("title", {}, node.title ?? node.label), shape, text];
    const element = node.href
      ? svg("a", { href: node.href, class: `graph__node graph__node--${node.kind}`, "data-node": node.id }, body)
      : svg("g", { class: `graph__node graph__node--${node.kind}`, "data-node": node.id }, body);
    element.cxPaths = node.paths ?? new Set();
    nodeElements.push(element);
    nodeGroup.append(element);
  }
  root.append(nodeGroup);

  const highlight = (paths) => {
    const on = (set) => [...set].some((key) => paths.has(key));
    root.classList.toggle("graph--focus", paths.size > 0);
    for (const element of [...edgeElements, ...nodeElements]) element.classList.toggle("is-lit", paths.size > 0 && on(element.cxPaths));
  };
  for (const element of nodeElements) {
    const enter = () => highlight(element.cxPaths);
    const leave = () => highlight(new Set());
    element.addEventListener("mouseenter", enter);
    element.addEventListener("focus", enter);
    element.addEventListener("mouseleave", leave);
    element.addEventListener("blur", leave);
  }
  return root;
}
