// Process page: who owns and performs it, where work comes from and goes to, the
// touchpoints it supports and the systems it uses.
import { day, fragment, h, monthsAgo, unique } from "../lib/dom.js";
import { gql } from "../lib/gql.js";
import { linkList, linkTo, touchpointLink } from "../lib/links.js";
import { empty, layerBadge, pagedList, section, table } from "../lib/widgets.js";

const PAGE = "totalCount pageInfo { hasNextPage endCursor }";
const TEAMS = "owners(first: 20) { nodes { id name } } performers(first: 20) { nodes { id name } }";
const LISTS = {
  touchpoints: "nodes { id name stage { name journey { id name } } }",
  systems: "nodes { id name }",
  subProcesses: "nodes { id name code }",
};

const QUERY = `
query ProcessPage($id: ID!) {
  process(id: $id) {
    id name code layer description verifiedAt
    ${TEAMS}
    parent { id name code }
    handsOffTo(first: 100) { nodes { id name code ${TEAMS} } }
    receivesFrom(first: 100) { nodes { id name code ${TEAMS} } }
    ${Object.entries(LISTS).map(([field, nodes]) => `${field}(first: 25) { ${PAGE} ${nodes} }`).join("\n    ")}
  }
}`;

function moreQuery(field) {
  return `query ProcessMore($id: ID!, $after: String) { process(id: $id) { ${field}(first: 50, after: $after) { ${PAGE} ${LISTS[field]} } } }`;
}

const label = (process) => `${process.code} ${process.name}`;
const teamsOf = (process) => unique([...process.owners.nodes, ...process.performers.nodes]);

export async function render({ id, setTitle, NotFound }) {
  const { process } = await gql(QUERY, { id });
  if (!process) throw new NotFound("process", id);
  setTitle(`${label(process)} — process`);
  const stale = !process.verifiedAt || process.verifiedAt < monthsAgo(12);
  const mine = new Set(teamsOf(process).map((team) => team.id));
  const flows = [
    ...process.receivesFrom.nodes.map((other) => ({ other, direction: "from" })),
    ...process.handsOffTo.nodes.map((other) => ({ other, direction: "to" })),
  ];
  const fetchPage = (field) => async (after) => (await gql(moreQuery(field), { id, after })).process[field];
  const list = (field, item, text) => pagedList({ connection: process[field], item, label: text, emptyText: "None.", fetchPage: fetchPage(field) });

  return fragment(
    h(
      "header",
      { class: "page-head" },
      h("p", { class: "kicker" }, "Process ", process.code),
      h("h1", {}, process.name),
      process.description ? h("p", { class: "lede" }, process.description) : null,
      h(
        "p",
        { class: "meta" },
        layerBadge(process.layer),
        " · owned by ",
        process.owners.nodes.length ? linkList("Team", process.owners.nodes) : h("span", { class: "gap" }, "no team (an ownership gap)"),
        " · performed by ",
        linkList("Team", process.performers.nodes, "no team"),
        " · ",
        h("span", { class: stale ? "stale" : null }, `verified ${day(process.verifiedAt)}`),
      ),
      process.parent ? h("p", {}, "Part of ", linkTo("Process", process.parent, { text: label(process.parent) })) : null,
    ),
    section(
      "handoffs",
      "Hand-offs",
      flows.length
        ? table({
            caption: `Work passing to and from ${process.name}`,
            columns: [{ label: "Other process" }, { label: "Hand-off" }, { label: "Its teams" }, { label: "Crosses teams" }],
            rows: flows,
            cells: ({ other, direction }) => [
              linkTo("Process", other, { text: label(other) }),
              direction === "to" ? "receives work from this process" : "hands work off to this process",
              linkList("Team", teamsOf(other), "no team"),
              teamsOf(other).some((team) => !mine.has(team.id)) ? "yes" : "no",
            ],
          })
        : empty("No hand-offs recorded."),
    ),
    section(
      "links",
      "Links",
      h(
        "div",
        { class: "grid" },
        section("touchpoints", "Touchpoints it supports", 3, list("touchpoints", (tp) => [touchpointLink(tp), tp.stage?.journey ? h("span", { class: "muted" }, ` · ${tp.stage.name}, ${tp.stage.journey.name}`) : null], "Touchpoints it supports")),
        section("systems", "Systems it uses", 3, list("systems", (system) => linkTo("System", system), "Systems it uses")),
        section("sub-processes", "Sub-processes", 3, list("subProcesses", (sub) => linkTo("Process", sub, { text: label(sub) }), "Sub-processes")),
      ),
    ),
  );
}
