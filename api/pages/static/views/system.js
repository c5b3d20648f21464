// System page: its blast radius — the systems, touchpoints, journeys and personas that
// depend on it, directly or through other systems — and what it depends on. The dependencies
// through touchpoints (the graph and their table) take longest for a system much depends on:
// they are asked for beside the rest of the page and shown when they come.
import { day, fragment, groupBy, h, monthsAgo, num, plural, words } from "../lib/dom.js";
import { layeredGraph } from "../lib/graph.js";
import { gql, prefetch } from "../lib/gql.js";
import { hrefOf, linkList, linkTo, touchpointLink } from "../lib/links.js";
import { connectionTable, deferred, empty, pagedList, section, stats, table } from "../lib/widgets.js";

const PAGE = "totalCount pageInfo { hasNextPage endCursor }";
const LISTS = {
  dependsOn: "nodes { id name kind }",
  dependents: "nodes { id name kind }",
  processes: "nodes { id name code }",
  touchpoints: "nodes { id name stage { journey { id name } } }",
};

const DEPENDENCY = `depth customers
  path { id name label }
  touchpoint { id name }
  stage { id name }
  journey { id name }
  personas { id name }`;

const RADIUS = `query SystemRadius($id: ID!, $after: String = null) { system(id: $id) { blastRadius(first: 100, after: $after) { ${PAGE} nodes { ${DEPENDENCY} } } } }`;

const QUERY = `
query SystemPage($id: ID!) {
  system(id: $id) {
    id name description kind criticality verifiedAt
    owners(first: 20) { nodes { id name } }
    ${Object.entries(LISTS).map(([field, nodes]) => `${field}(first: 25) { ${PAGE} ${nodes} }`).join("\n    ")}
    impact {
      touchpoints painPoints customers
      dependents { depth system { id name dependsOn(first: 100) { nodes { id } } } }
      journeys { id name }
      personas { id name }
    }
  }
}`;

function moreQuery(field) {
  return `query SystemMore($id: ID!, $after: String) { system(id: $id) { ${field}(first: 50, after: $after) { ${PAGE} ${LISTS[field]} } } }`;
}

const MAX_PER_COLUMN = 30;

/** The blast radius as a layered graph: upstream → this system → dependents by hops → journeys → personas. */
export function blastGraph(system, upstream, impact, radius) {
  const nodes = new Map();
  const edges = new Map();
  const reach = new Map(); // node id -> touchpoints reached, to keep the busiest when capping
  const add = (id, node) => {
    if (!nodes.has(id)) nodes.set(id, { id, paths: new Set(), ...node });
    return nodes.get(id);
  };
  const link = (from, to, title, key) => {
    const edgeKey = `${from}>${to}`;
    if (!edges.has(edgeKey)) edges.set(edgeKey, { from, to, title, paths: new Set() });
    if (key) edges.get(edgeKey).paths.add(key);
  };
  add(system.id, { column: "self", label: system.name, kind: "self", sub: "this system", title: `${system.name} (this system)` });
  for (const other of upstream) {
    add(other.id, { column: "up", label: other.name, kind: "system", href: hrefOf("System", other.id), title: `${system.name} depends on ${other.name}` });
    link(other.id, system.id, `${system.name} depends on ${other.name}`);
  }
  const depthOf = new Map([[system.id, 0]]);
  for (const dependent of impact?.dependents ?? []) depthOf.set(dependent.system.id, dependent.depth);
  for (const dependent of impact?.dependents ?? []) {
    add(dependent.system.id, { column: `hop${dependent.depth}`, label: dependent.system.name, kind: "system", href: hrefOf("System", dependent.system.id), sub: plural(dependent.depth, "hop"), title: `${dependent.system.name} depends on it through ${plural(dependent.depth, "hop")}` });
    for (const needed of dependent.system.dependsOn.nodes) {
      if (depthOf.has(needed.id) && depthOf.get(needed.id) < dependent.depth) link(needed.id, dependent.system.id, `${dependent.system.name} depends on ${nodes.get(needed.id)?.label ?? needed.id}`);
    }
  }
  radius.forEach((row, index) => {
    const key = `r-${index}`;
    const systems = row.path.filter((step) => step.label === "System");
    const nearest = systems[0]?.id ?? system.id; // the path runs from the touchpoint's side to this system
    for (const step of row.path) if (nodes.has(step.id)) nodes.get(step.id).paths.add(key);
    nodes.get(system.id).paths.add(key);
    for (let i = systems.length - 1; i > 0; i -= 1) edges.get(`${systems[i].id}>${systems[i - 1].id}`)?.paths.add(key);
    if (!row.journey) return;
    const journey = add(row.journey.id, { column: "journey", label: row.journey.name, kind: "journey", href: hrefOf("Journey", row.journey.id), title: `Journey ${row.journey.name}` });
    journey.paths.add(key);
    reach.set(row.journey.id, (reach.get(row.journey.id) ?? 0) + 1);
    for (const step of row.path) reach.set(step.id, (reach.get(step.id) ?? 0) + 1);
    link(nearest, row.journey.id, `${row.journey.name} has touchpoints behind which ${nodes.get(nearest)?.label ?? nearest} works`, key);
    for (const persona of row.personas) {
      add(persona.id, { column: "persona", label: persona.name, kind: "persona", href: hrefOf("Persona", persona.id), title: `Persona ${persona.name}` }).paths.add(key);
      link(row.journey.id, persona.id, `${row.journey.name} is mapped for ${persona.name}`, key);
    }
  });
  for (const node of nodes.values()) if (node.column === "journey") node.sub = plural(reach.get(node.id) ?? 0, "touchpoint");

  // keep at most MAX_PER_COLUMN nodes a column, the ones reaching most touchpoints
  const kept = [];
  for (const list of groupBy([...nodes.values()], (node) => node.column).values()) {
    if (list.length <= MAX_PER_COLUMN) {
      kept.push(...list);
      continue;
    }
    const sorted = [...list].sort((a, b) => (reach.get(b.id) ?? 0) - (reach.get(a.id) ?? 0));
    kept.push(...sorted.slice(0, MAX_PER_COLUMN - 1));
    kept.push({ id: `more-${list[0].column}`, column: list[0].column, label: `and ${num(list.length - MAX_PER_COLUMN + 1, 0)} more`, kind: "more", paths: new Set(), title: "See the tables below" });
  }
  const keptIds = new Set(kept.map((node) => node.id));
  const maxDepth = Math.max(0, ...(impact?.dependents ?? []).map((dependent) => dependent.depth));
  const columns = [
    { key: "up", label: "It depends on" },
    { key: "self", label: "This system" },
    ...Array.from({ length: maxDepth }, (_, i) => ({ key: `hop${i + 1}`, label: i === 0 ? "Depend on it directly" : `Through ${plural(i + 1, "hop")}` })),
    { key: "journey", label: "Journeys" },
    { key: "persona", label: "Personas" },
  ];
  return { columns, nodes: kept, edges: [...edges.values()].filter((edge) => keptIds.has(edge.from) && keptIds.has(edge.to)) };
}

function pathCell(path) {
  return h("ol", { class: "path path--inline" }, path.map((step) => h("li", {}, linkTo(step.label, step))));
}

/** The graph and the table of the dependencies through touchpoints (`blastRadius`, a page of it). */
function radiusParts(system, impact, blastRadius) {
  const radius = blastRadius.nodes;
  const partial = blastRadius.pageInfo.hasNextPage;
  const graph = blastGraph(system, system.dependsOn.nodes, impact, radius);
  const journeys = impact?.journeys ?? [];
  const personas = impact?.personas ?? [];
  const id = system.id;
  return [
    graph.nodes.length > 1
      ? h(
          "figure",
          { class: "graph-figure" },
          h(
            "div",
            { class: "scroll-x" },
            layeredGraph({
              ...graph,
              title: `Blast radius of ${system.name}`,
              desc: `If ${system.name} fails, ${plural(impact?.dependents.length ?? 0, "system")} depending on it and ${plural(impact?.touchpoints ?? 0, "touchpoint")} in ${plural(journeys.length, "journey")} (${journeys.map((j) => j.name).join(", ") || "none"}) are affected, for ${plural(personas.length, "persona")}. The tables below list every dependency.`,
            }),
          ),
          h(
            "figcaption",
            {},
            "What it depends on (left), this system, the systems depending on it by number of hops, and the journeys and personas whose touchpoints depend on it. Point at or tab to a box to light up its paths.",
            partial ? ` Drawn from the first ${num(radius.length, 0)} of ${num(blastRadius.totalCount, 0)} dependencies.` : null,
          ),
        )
      : empty("Nothing depends on this system."),
    radius.length
      ? connectionTable({
          caption: `Touchpoints depending on ${system.name}`,
          columns: [{ label: "Touchpoint" }, { label: "Stage" }, { label: "Journey" }, { label: "Personas" }, { label: "Hops", numeric: true }, { label: "Through" }, { label: "Customers", numeric: true }],
          connection: blastRadius,
          fetchPage: async (after) => (await gql(RADIUS, { id, after })).system.blastRadius,
          unit: "dependency",
          cells: (row) => [
            touchpointLink(row.touchpoint, { journeyId: row.journey?.id }),
            row.stage ? linkTo("Stage", row.stage, { journeyId: row.journey?.id }) : "–",
            linkTo("Journey", row.journey) ?? "–",
            linkList("Persona", row.personas, "–"),
            num(row.depth, 0),
            pathCell(row.path),
            num(row.customers, 0),
          ],
        })
      : null,
  ];
}

export async function render({ id, setTitle, NotFound }) {
  const radiusAsked = prefetch(RADIUS, { id });
  const { system } = await gql(QUERY, { id });
  if (!system) throw new NotFound("system", id);
  setTitle(`${system.name} — system`);
  const impact = system.impact;
  const stale = !system.verifiedAt || system.verifiedAt < monthsAgo(12);
  const fetchPage = (field) => async (after) => (await gql(moreQuery(field), { id, after })).system[field];
  const list = (field, item, label) => pagedList({ connection: system[field], item, label, emptyText: "None.", fetchPage: fetchPage(field) });
  const personas = impact?.personas ?? [];
  const journeys = impact?.journeys ?? [];

  return fragment(
    h(
      "header",
      { class: "page-head" },
      h("p", { class: "kicker" }, "System"),
      h("h1", {}, system.name),
      system.description ? h("p", { class: "lede" }, system.description) : null,
      h(
        "p",
        { class: "meta" },
        system.kind ? `${words(system.kind)} · ` : null,
        system.criticality ? h("span", { class: `badge crit crit-${system.criticality.toLowerCase()}` }, `${words(system.criticality)} criticality`) : null,
        " · owned by ",
        system.owners.nodes.length ? linkList("Team", system.owners.nodes) : h("span", { class: "gap" }, "no team (an ownership gap)"),
        " · ",
        h("span", { class: stale ? "stale" : null }, `verified ${day(system.verifiedAt)}`),
      ),
      stats([
        ["Touchpoints depending on it", num(impact?.touchpoints ?? 0, 0)],
        ["Pain points there", num(impact?.painPoints ?? 0, 0)],
        ["Customers behind them", num(impact?.customers ?? 0, 0)],
        ["Systems depending on it", num(impact?.dependents.length ?? 0, 0)],
        ["Journeys", num(journeys.length, 0)],
        ["Personas", num(personas.length, 0)],
      ]),
    ),
    section(
      "blast-radius",
      "Blast radius",
      h("p", {}, "Journeys: ", linkList("Journey", journeys, "none"), h("br"), "Personas: ", linkList("Persona", personas, "none")),
      deferred(radiusAsked.then((data) => radiusParts(system, impact, data.system?.blastRadius ?? { nodes: [], totalCount: 0, pageInfo: { hasNextPage: false } }))),
      impact?.dependents.length
        ? table({
            caption: `Systems depending on ${system.name}`,
            columns: [{ label: "System" }, { label: "Hops", numeric: true }],
            rows: impact.dependents,
            cells: (dependent) => [linkTo("System", dependent.system), num(dependent.depth, 0)],
          })
        : null,
    ),
    section(
      "links",
      "Direct links",
      h(
        "div",
        { class: "grid" },
        section("depends-on", "It depends on", 3, list("dependsOn", (s) => linkTo("System", s), "Systems it depends on")),
        section("dependents", "Depend on it directly", 3, list("dependents", (s) => linkTo("System", s), "Systems depending on it")),
        section("processes", "Processes using it", 3, list("processes", (p) => linkTo("Process", p, { text: `${p.code} ${p.name}` }), "Processes using it")),
        section("touchpoints", "Touchpoints it supports directly", 3, list("touchpoints", (tp) => [touchpointLink(tp), tp.stage?.journey ? h("span", { class: "muted" }, ` · ${tp.stage.journey.name}`) : null], "Touchpoints it supports")),
      ),
    ),
  );
}
