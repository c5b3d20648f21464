// The emotion curve of a journey: emotion before, during and after each stage (-3..+3), with
// the pain points of each stage, as an SVG line chart.
import { num, plural, signed, svg, uid } from "./dom.js";
import { wrap } from "./graph.js";

const BAND = 150;
const LEFT = 44;
const TOP = 20;
const PLOT = 200;
const PHASES = [
  ["before", 0.18],
  ["during", 0.5],
  ["after", 0.82],
];

const yOf = (value) => TOP + ((3 - value) / 6) * PLOT;

/** A sentence describing the curve, for its text alternative. */
export function describeCurve(points) {
  const known = points.filter((point) => point.value !== null && point.value !== undefined);
  if (!known.length) return "No emotion scores are recorded for this journey.";
  const low = known.reduce((a, b) => (b.value < a.value ? b : a));
  const high = known.reduce((a, b) => (b.value > a.value ? b : a));
  const first = known[0];
  const last = known[known.length - 1];
  return (
    `Emotion goes from ${signed(first.value)} ${first.phase} “${first.stage}” to ${signed(last.value)} ${last.phase} “${last.stage}”. ` +
    `It is lowest, ${signed(low.value)}, ${low.phase} “${low.stage}”, and highest, ${signed(high.value)}, ${high.phase} “${high.stage}”.`
  );
}

/**
 * The chart for `curve` (StageMetrics: {stage: {id, name}, before, during, after,
 * painPoints}): an image with a text alternative; the page shows the same data as a table.
 */
export function emotionChart(curve, { title }) {
  const width = LEFT + Math.max(1, curve.length) * BAND + 16;
  const height = TOP + PLOT + 86;
  const titleId = uid("chart-title");
  const descId = uid("chart-desc");
  const points = [];
  curve.forEach((row, index) => {
    for (const [phase, at] of PHASES) {
      points.push({ x: LEFT + index * BAND + at * BAND, value: row[phase], phase, stage: row.stage.name });
    }
  });
  const root = svg("svg", {
    class: "chart",
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-labelledby": `${titleId} ${descId}`,
  });
  root.append(svg("title", { id: titleId }, title), svg("desc", { id: descId }, describeCurve(points)));

  const grid = svg("g", { class: "chart__grid", "aria-hidden": "true" });
  curve.forEach((_, index) => {
    if (index % 2 === 0) grid.append(svg("rect", { x: LEFT + index * BAND, y: TOP, width: BAND, height: PLOT, class: "chart__band" }));
  });
  for (let value = -3; value <= 3; value += 1) {
    grid.append(
      svg("line", { x1: LEFT, x2: width - 16, y1: yOf(value), y2: yOf(value), class: value === 0 ? "chart__zero" : "chart__rule" }),
      svg("text", { x: LEFT - 8, y: yOf(value) + 4, "text-anchor": "end", class: "chart__tick" }, signed(value)),
    );
  }
  root.append(grid);

  // the line, broken where a score is missing
  let d = "";
  let pen = false;
  for (const point of points) {
    if (point.value === null || point.value === undefined) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"} ${point.x} ${yOf(point.value)} `;
    pen = true;
  }
  const area = svg("g", { "aria-hidden": "true" });
  if (d) area.append(svg("path", { d: d.trim(), class: "chart__line" }));
  for (const point of points) {
    if (point.value === null || point.value === undefined) continue;
    area.append(
      svg(
        "circle",
        { cx: point.x, cy: yOf(point.value), r: 5, class: `chart__dot ${point.value < 0 ? "chart__dot--low" : point.value > 0 ? "chart__dot--high" : ""}` },
        svg("title", {}, `${point.stage}, ${point.phase}: ${signed(point.value)}`),
      ),
    );
  }
  root.append(area);

  const labels = svg("g", { class: "chart__labels", "aria-hidden": "true" });
  curve.forEach((row, index) => {
    const x = LEFT + index * BAND + BAND / 2;
    const text = svg("text", { x, y: TOP + PLOT + 6, "text-anchor": "middle", class: "chart__stage" });
    wrap(row.stage.name, BAND - 12, 2).forEach((line) => text.append(svg("tspan", { x, dy: 15 }, line)));
    labels.append(text);
    if (row.painPoints > 0) {
      const y = TOP + PLOT + 58;
      labels.append(
        svg(
          "g",
          { class: "chart__pain", "aria-hidden": "true" },
          svg("path", { d: `M ${x - 34} ${y + 6} l 6 -11 l 6 11 z`, class: "chart__pain-mark" }),
          svg("text", { x: x - 18, y: y + 5, class: "chart__pain-text" }, plural(row.painPoints, "pain point")),
        ),
      );
    }
  });
  root.append(labels);
  root.append(svg("text", { x: 4, y: TOP - 6, class: "chart__axis" }, `emotion (${num(-3)} to +3)`));
  return root;
}
