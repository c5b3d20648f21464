// Journey page: the service blueprint (stages across, touchpoints in order, the layers
// behind each with their owning teams), pain points where they occur, the emotion curve and
// the ratings of each stage.
import { emotionChart } from "../lib/chart.js";
import { day, fragment, groupBy, h, monthsAgo, num, plural, signed, unique, words } from "../lib/dom.js";
import { gql } from "../lib/gql.js";
import { linkList, linkTo, stageAnchor, touchpointAnchor } from "../lib/links.js";
import { empty, momentOfTruthBadge, section, severityBadge, stats, table } from "../lib/widgets.js";

const QUERY = `
query JourneyPage($id: ID!) {
  journey(id: $id) {
    id name description verifiedAt
    personas(first: 50) { nodes { id name } }
    owners(first: 50) { nodes { id name } }
    stages(first: 100) { totalCount nodes { id name order description } }
    measurements(first: 100) { nodes { metric phase value sampleSize date } }
    emotionCurve { stage { id name } before during after csat nps ces painPoints }
    blueprint {
      stage { id }
      touchpoint { id name order action evidence momentOfTruth }
      channel { id name }
      needs { id name }
      owners { id name }
      frontstage { ...lane }
      backstage { ...lane }
      support { ...lane }
      systems { system { id name } owners { id name } }
      painPoints { id name severity category }
      measurements { metric phase value sampleSize date }
    }
  }
}
fragment lane on LaneProcess { process { id name code } owners { id name } performers { id name } }`;

const METRICS = { csat: "CSAT", nps: "NPS", ces: "CES", emotion: "Emotion" };
const metricName = (metric) => METRICS[String(metric).toLowerCase()] ?? metric;

function teamsNote(prefix, teams) {
  if (!teams?.length) return null;
  return h("span", { class: "teams" }, `${prefix} `, linkList("Team", teams));
}

function laneCell(lanes) {
  if (!lanes.length) return null;
  return h(
    "ul",
    { class: "cell-list" },
    lanes.map((lane) =>
      h(
        "li",
        { class: "lane-item" },
        linkTo("Process", lane.process, { text: `${lane.process.code} ${lane.process.name}` }),
        lane.owners.length ? teamsNote("Owner:", lane.owners) : h("span", { class: "teams gap" }, "No owner"),
        lane.performers.length && lane.performers.some((team) => !lane.owners.some((owner) => owner.id === team.id)) ? teamsNote("Performed by", lane.performers) : null,
      ),
    ),
  );
}

function systemsCell(systems) {
  if (!systems.length) return null;
  return h(
    "ul",
    { class: "cell-list" },
    systems.map((lane) =>
      h("li", { class: "lane-item" }, linkTo("System", lane.system), lane.owners.length ? teamsNote("Owner:", lane.owners) : h("span", { class: "teams gap" }, "No owner")),
    ),
  );
}

function painCell(painPoints) {
  if (!painPoints.length) return null;
  return h(
    "ul",
    { class: "cell-list" },
    painPoints.map((pain) => h("li", { class: `pain-item sev-border-${pain.severity}` }, severityBadge(pain.severity), " ", linkTo("PainPoint", pain))),
  );
}

/** The latest measurement of each metric (and phase) of a touchpoint. */
function latest(measurements) {
  const byKey = groupBy(measurements, (m) => `${m.metric}/${m.phase}`);
  return [...byKey.values()].map((list) => list.reduce((a, b) => ((b.date ?? "") > (a.date ?? "") ? b : a)));
}

function measureCell(measurements) {
  if (!measurements.length) return null;
  return h(
    "ul",
    { class: "cell-list measures" },
    latest(measurements).map((m) =>
      h(
        "li",
        {},
        h("strong", {}, metricName(m.metric)),
        " ",
        String(m.metric).toLowerCase() === "emotion" ? signed(m.value) : num(m.value),
        h("span", { class: "muted" }, ` ${words(m.phase)}${m.date ? `, ${day(m.date)}` : ""}${m.sampleSize ? `, n=${m.sampleSize}` : ""}`),
      ),
    ),
  );
}

function customerCell(column) {
  const tp = column.touchpoint;
  if (!tp) return null;
  return h(
    "div",
    {},
    tp.action ? h("p", { class: "cell-text" }, tp.action) : null,
    column.needs.length ? h("p", { class: "needs" }, "Needs: ", linkList("CustomerNeed", column.needs)) : null,
    column.owners.length ? teamsNote("Owner:", column.owners) : h("span", { class: "teams gap" }, "No owner"),
  );
}

function blueprintTable(journey, columns, stages) {
  const byStage = groupBy(columns, (column) => column.stage.id);
  const ordered = stages.flatMap((stage) => byStage.get(stage.id) ?? [{ stage, touchpoint: null, empty: true }]);
  const count = ordered.length;
  const stageRow = h(
    "tr",
    {},
    h("td", { class: "corner" }),
    stages.map((stage, index) =>
      h(
        "th",
        { scope: "colgroup", colspan: (byStage.get(stage.id) ?? [1]).length, id: stageAnchor(stage.id), class: `stage-head ${index % 2 ? "odd" : "even"}` },
        h("span", { class: "stage-order" }, `Stage ${stage.order}`),
        " ",
        stage.name,
      ),
    ),
  );
  const stageIndex = new Map(stages.map((stage, index) => [stage.id, index]));
  const tpRow = h(
    "tr",
    {},
    h("th", { scope: "col", class: "corner" }, "Touchpoint"),
    ordered.map((column) => {
      const tp = column.touchpoint;
      const parity = stageIndex.get(column.stage.id) % 2 ? "odd" : "even";
      if (!tp) return h("th", { scope: "col", class: `tp-head ${parity}` }, h("span", { class: "muted" }, "No touchpoints"));
      const pains = column.painPoints?.length ?? 0;
      return h(
        "th",
        { scope: "col", id: touchpointAnchor(tp.id), class: `tp-head ${parity} ${pains ? "has-pain" : ""}` },
        h("span", { class: "tp-order" }, `${tp.order}.`),
        " ",
        tp.name,
        h("span", { class: "tp-meta" }, column.channel ? linkTo("Channel", column.channel) : null, momentOfTruthBadge(tp.momentOfTruth), pains ? h("span", { class: "badge pain-count" }, plural(pains, "pain point")) : null),
      );
    }),
  );
  const row = (label, layer, cell) =>
    h(
      "tr",
      { class: `layer-row bp-${layer}` },
      h("th", { scope: "row", class: "layer-head" }, label),
      ordered.map((column) => {
        const parity = stageIndex.get(column.stage.id) % 2 ? "odd" : "even";
        const content = column.touchpoint ? cell(column) : null;
        return h("td", { class: parity }, content ?? h("span", { class: "none", "aria-label": "none" }, "·"));
      }),
    );
  const line = (label) => h("tr", { class: "bp-line" }, h("th", { scope: "row" }, label), h("td", { colspan: count }));
  return h(
    "div",
    { class: "table-wrap blueprint-wrap", role: "region", "aria-label": `Service blueprint of ${journey.name}`, tabindex: "0" },
    h(
      "table",
      { class: "blueprint" },
      h("caption", { class: "visually-hidden" }, `Service blueprint of ${journey.name}: ${plural(stages.length, "stage")} across, ${plural(columns.filter((c) => c.touchpoint).length, "touchpoint")} in order, and the layers behind each.`),
      h("thead", {}, stageRow, tpRow),
      h(
        "tbody",
        {},
        row("Physical evidence", "evidence", (c) => (c.touchpoint.evidence ? h("p", { class: "cell-text" }, c.touchpoint.evidence) : null)),
        row("Customer action", "customer", customerCell),
        line("Line of interaction"),
        row("Frontstage", "frontstage", (c) => laneCell(c.frontstage)),
        line("Line of visibility"),
        row("Backstage", "backstage", (c) => laneCell(c.backstage)),
        line("Line of internal interaction"),
        row("Support processes", "support", (c) => laneCell(c.support)),
        row("Systems", "system", (c) => systemsCell(c.systems)),
        row("Pain points", "pain", (c) => painCell(c.painPoints)),
        row("Measurements", "measure", (c) => measureCell(c.measurements)),
      ),
    ),
  );
}

function curveTable(journey, curve) {
  return table({
    caption: `Emotion and ratings per stage of ${journey.name}`,
    columns: [{ label: "Stage" }, { label: "Before", numeric: true }, { label: "During", numeric: true }, { label: "After", numeric: true }, { label: "CSAT (1–5)", numeric: true }, { label: "NPS", numeric: true }, { label: "CES (1–7)", numeric: true }, { label: "Pain points", numeric: true }],
    rows: curve,
    cells: (row) => [h("a", { href: `#${stageAnchor(row.stage.id)}` }, row.stage.name), signed(row.before), signed(row.during), signed(row.after), num(row.csat), num(row.nps, 0), num(row.ces), num(row.painPoints, 0)],
    pageSize: 100,
  });
}

function painList(columns) {
  const rows = columns.flatMap((column) => (column.painPoints ?? []).map((pain) => ({ pain, column })));
  rows.sort((a, b) => b.pain.severity - a.pain.severity);
  if (!rows.length) return empty("No pain points are mapped on this journey.");
  return table({
    caption: "Pain points on this journey, most severe first",
    columns: [{ label: "Pain point" }, { label: "Severity", numeric: true }, { label: "Category" }, { label: "Where" }],
    rows,
    cells: ({ pain, column }) => [
      linkTo("PainPoint", pain),
      num(pain.severity, 0),
      pain.category ?? "–",
      h("span", {}, h("a", { href: `#${touchpointAnchor(column.touchpoint.id)}` }, column.touchpoint.name), h("span", { class: "muted" }, ` in ${column.stageName}`)),
    ],
  });
}

export async function render({ id, setTitle, NotFound }) {
  const { journey } = await gql(QUERY, { id });
  if (!journey) throw new NotFound("journey", id);
  setTitle(`${journey.name} — journey`);
  const stages = [...journey.stages.nodes].sort((a, b) => a.order - b.order);
  const stageNames = new Map(stages.map((stage) => [stage.id, stage.name]));
  const columns = journey.blueprint.map((column) => ({ ...column, stageName: stageNames.get(column.stage.id) ?? "" }));
  const touchpoints = columns.filter((column) => column.touchpoint);
  const pains = unique(touchpoints.flatMap((column) => column.painPoints));
  const stale = !journey.verifiedAt || journey.verifiedAt < monthsAgo(12);
  const curve = journey.emotionCurve;

  return fragment(
    h(
      "header",
      { class: "page-head" },
      h("p", { class: "kicker" }, "Journey"),
      h("h1", {}, journey.name),
      journey.description ? h("p", { class: "lede" }, journey.description) : null,
      h(
        "p",
        { class: "meta" },
        "For ",
        linkList("Persona", journey.personas.nodes, "no persona"),
        " · owned by ",
        linkList("Team", journey.owners.nodes, "no team"),
        " · ",
        h("span", { class: stale ? "stale" : null }, `verified ${day(journey.verifiedAt)}`),
      ),
      stats([
        ["Stages", num(stages.length, 0)],
        ["Touchpoints", num(touchpoints.length, 0)],
        ["Pain points", num(pains.length, 0)],
        ["Moments of truth", num(touchpoints.filter((c) => c.touchpoint.momentOfTruth).length, 0)],
        ...journey.measurements.nodes.map((m) => [`${metricName(m.metric)} ${words(m.phase)}`, num(m.value)]),
      ]),
    ),
    section(
      "emotion",
      "Emotion curve and ratings",
      curve.length
        ? h("figure", { class: "chart-figure" }, h("div", { class: "scroll-x" }, emotionChart(curve, { title: `Emotion curve of ${journey.name}` })), h("figcaption", {}, "How customers feel before, during and after each stage, from −3 to +3; the triangles mark stages with pain points. The table gives the same data with each stage's ratings."))
        : empty("No emotion scores are recorded."),
      curve.length ? curveTable(journey, curve) : null,
    ),
    section(
      "blueprint",
      "Service blueprint",
      h("p", { class: "hint" }, "Stages across, touchpoints in order; under each, what the customer sees and does, the processes in front of and behind the line of visibility, the systems, the teams that own them, the pain points and the latest ratings."),
      stages.length ? blueprintTable(journey, columns, stages) : empty("This journey has no stages."),
    ),
    section("pain-points", "Pain points", painList(touchpoints)),
  );
}
