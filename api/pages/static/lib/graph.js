// A layered graph drawn as SVG: one column per layer, nodes ordered within their column to
// keep edges from crossing (barycentre sweeps), edges as curves. Nodes are links; focusing
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

/**
 * The graph as an `<svg>` element.
 *
 * - `columns`: [{key, label}] left to right; empty ones are left out.
 * - `nodes`: [{id, column, label, sub, href, kind, title, paths: Set}]; `kind` styles the box.
 * - `edges`: [{from, to, title, paths: Set}]; `paths` name the paths an element is on, which
 *   are highlighted together.
 * - `title`, `desc`: the text alternative (the page also shows the data as a table).
 */
export function layeredGraph({ columns, nodes, edges, title, desc }) {
  const used = columns.filter((column) => nodes.some((node) => node.column === column.key));
  const byColumn = order(used, nodes, edges);
  const layout = new Map();
  let height = 0;
  used.forEach((column, index) => {
    let y = 0;
    for (const node of byColumn.get(column.key)) {
      const lines = wrap(node.label);
      const h = 14 + lines.length * LINE + (node.sub ? LINE - 2 : 0);
      layout.set(node.id, { x: PAD + index * (NODE_W + GAP_X), y, w: NODE_W, h, lines, column: index });
      y += h + GAP_Y;
    }
    height = Math.max(height, y - GAP_Y);
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
  for (const edge of edges) {
    const a = layout.get(edge.from);
    const b = layout.get(edge.to);
    if (!a || !b) continue;
    let d;
    if (b.column > a.column) {
      const x1 = a.x + a.w;
      const y1 = a.y + a.h / 2;
      const x2 = b.x - 2;
      const y2 = b.y + b.h / 2;
      const c = (x2 - x1) / 2;
      d = `M ${x1} ${y1} C ${x1 + c} ${y1}, ${x2 - c} ${y2}, ${x2} ${y2}`;
    } else if (b.column < a.column) {
      const x1 = a.x;
      const y1 = a.y + a.h / 2;
      const x2 = b.x + b.w + 2;
      const y2 = b.y + b.h / 2;
      const c = (x1 - x2) / 2;
      d = `M ${x1} ${y1} C ${x1 - c} ${y1}, ${x2 + c} ${y2}, ${x2} ${y2}`;
    } else {
      const x = a.x + a.w;
      const y1 = a.y + a.h / 2;
      const y2 = b.y + b.h / 2;
      const bend = 26 + Math.min(30, Math.abs(y2 - y1) / 6);
      d = `M ${x} ${y1} C ${x + bend} ${y1}, ${x + bend} ${y2}, ${x + 2} ${y2}`;
    }
    const path = svg("path", { d, class: `graph__edge ${edge.kind ? `graph__edge--${edge.kind}` : ""}`, "marker-end": `url(#${arrowId})` }, edge.title ? svg("title", {}, edge.title) : null);
    path.cxPaths = edge.paths ?? new Set();
    edgeElements.push(path);
    edgeGroup.append(path);
  }
  root.append(edgeGroup);

  const nodeGroup = svg("g", { class: "graph__nodes" });
  const nodeElements = [];
  for (const node of nodes) {
    const box = layout.get(node.id);
    if (!box) continue;
    const text = svg("text", { x: box.x + 10, y: box.y + 6, class: "graph__label" });
    box.lines.forEach((line) => text.append(svg("tspan", { x: box.x + 10, dy: LINE }, line)));
    if (node.sub) text.append(svg("tspan", { x: box.x + 10, dy: LINE - 2, class: "graph__sub" }, node.sub));
    const shape = svg("rect", { x: box.x, y: box.y, width: box.w, height: box.h, rx: 7, class: "graph__box" });
    const body = [svg("title", {}, node.title ?? node.label), shape, text];
    const element = node.href
      ? svg("a", { href: node.href, class: `graph__node graph__node--${node.kind}` }, body)
      : svg("g", { class: `graph__node graph__node--${node.kind}` }, body);
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
