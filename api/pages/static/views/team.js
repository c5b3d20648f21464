// Team page: what the team owns and performs, the journeys, touchpoints and pain points it
// affects, its hand-offs with other teams, and its place in the organisation. What it
// affects takes longest for a large unit (it runs through every unit below it): it is asked
// for beside the rest of the page and shown when it comes.
import { day, fragment, groupBy, h, monthsAgo, num, plural, unique, words } from "../lib/dom.js";
import { gql, prefetch } from "../lib/gql.js";
import { linkList, linkTo, touchpointLink } from "../lib/links.js";
import { connectionTable, deferred, empty, layerBadge, pagedList, roleText, section, severityBadge, stats, statusBadge, table } from "../lib/widgets.js";

const PROCESS = `id name code layer
  owners(first: 20) { nodes { id name } }
  performers(first: 20) { nodes { id name } }
  handsOffTo(first: 50) { nodes { id name code owners(first: 20) { nodes { id name } } performers(first: 20) { nodes { id name } } } }
  receivesFrom(first: 50) { nodes { id name code owners(first: 20) { nodes { id name } } performers(first: 20) { nodes { id name } } } }`;

const PAGE = "totalCount pageInfo { hasNextPage endCursor }";

const LISTS = {
  ownedJourneys: `nodes { id name }`,
  ownedTouchpoints: `nodes { id name stage { journey { id name } } }`,
  ownedSystems: `nodes { id name kind criticality }`,
  ownedOpportunities: `nodes { id name status }`,
  ownedProcesses: `nodes { ${PROCESS} }`,
  performedProcesses: `nodes { ${PROCESS} }`,
};

const EFFECT = `role layer customers via { id name label }
  unit { id name }
  painPoint { id name severity }
  touchpoint { id name }
  journey { id name }`;

const EFFECTS = `query TeamEffects($id: ID!, $after: String = null) { team(id: $id) { affects(first: 100, after: $after) { ${PAGE} nodes { ${EFFECT} } } } }`;

const QUERY = `
query TeamPage($id: ID!) {
  team(id: $id) {
    id name description kind verifiedAt
    parent { id name }
    leaders(first: 20) { nodes { id name title } }
    members(first: 0) { totalCount }
    ${Object.entries(LISTS).map(([field, nodes]) => `${field}(first: ${field.endsWith("Processes") ? 100 : 25}) { ${PAGE} ${nodes} }`).join("\n    ")}
    impact { touchpoints painPoints customers journeys { id name } }
    rollUp { level parentId members totalMembers unit { id name kind } leaders { id name } }
  }
}`;

function moreQuery(field) {
  return `query TeamMore($id: ID!, $after: String) { team(id: $id) { ${field}(first: 50, after: $after) { ${PAGE} ${LISTS[field]} } } }`;
}

/** The team's processes' hand-offs with processes of other teams. */
export function handoffs(team, processes) {
  const teamsOf = (process) => unique([...process.owners.nodes, ...process.performers.nodes]);
  const rows = [];
  for (const process of processes) {
    for (const [direction, list] of [["to", process.handsOffTo.nodes], ["from", process.receivesFrom.nodes]]) {
      for (const other of list) {
        const others = teamsOf(other).filter((t) => t.id !== team.id);
        const mine = teamsOf(other).some((t) => t.id === team.id);
        if (mine && !others.length) continue; // within the team
        rows.push({ process, direction, other, teams: others });
      }
    }
  }
  return unique(rows, (row) => `${row.process.id}/${row.direction}/${row.other.id}`);
}

function rollUpTree(team, units) {
  const children = groupBy(units.filter((unit) => unit.level > 0), (unit) => unit.parentId);
  const ancestors = units.filter((unit) => unit.level < 0).sort((a, b) => a.level - b.level);
  const self = units.find((unit) => unit.level === 0);
  const label = (unit) =>
    h(
      "span",
      {},
      unit.level === 0 ? h("strong", {}, unit.unit.name) : linkTo("Team", unit.unit),
      h("span", { class: "muted" }, ` ${words(unit.unit.kind)} · ${plural(unit.totalMembers, "person", "people")}`),
      unit.leaders.length ? h("span", { class: "muted" }, " · led by ", linkList("Person", unit.leaders)) : unit.unit.kind ? h("span", { class: "gap" }, " · no lead") : null,
    );
  const branch = (unit) => {
    const below = children.get(unit.unit.id) ?? [];
    return h("li", {}, label(unit), below.length ? h("ul", {}, below.map(branch)) : null);
  };
  let tree = self ? branch(self) : h("li", {}, team.name);
  for (const ancestor of [...ancestors].reverse()) tree = h("li", {}, label(ancestor), h("ul", {}, tree));
  return h("ul", { class: "tree" }, tree);
}

function processItem(process) {
  return h("span", {}, linkTo("Process", process, { text: `${process.code} ${process.name}` }), " ", layerBadge(process.layer));
}

export async function render({ id, setTitle, NotFound }) {
  const affectsAsked = prefetch(EFFECTS, { id });
  const { team } = await gql(QUERY, { id });
  if (!team) throw new NotFound("team", id);
  setTitle(`${team.name} — team`);
  const fetchPage = (field) => async (after) => (await gql(moreQuery(field), { id, after })).team[field];
  const owned = (field, item, emptyText, label) => pagedList({ connection: team[field], item, emptyText, fetchPage: fetchPage(field), label });
  const processes = unique([...team.ownedProcesses.nodes, ...team.performedProcesses.nodes]);
  const handoffRows = handoffs(team, processes);
  const stale = !team.verifiedAt || team.verifiedAt < monthsAgo(12);
  const truncated = team.ownedProcesses.pageInfo.hasNextPage || team.performedProcesses.pageInfo.hasNextPage;

  return fragment(
    h(
      "header",
      { class: "page-head" },
      h("p", { class: "kicker" }, team.kind ? words(team.kind) : "Team"),
      h("h1", {}, team.name),
      team.description ? h("p", { class: "lede" }, team.description) : null,
      h(
        "p",
        { class: "meta" },
        team.parent ? ["Part of ", linkTo("Team", team.parent), " · "] : null,
        team.leaders.nodes.length ? ["Led by ", linkList("Person", team.leaders.nodes), " · "] : h("span", { class: "gap" }, "No lead · "),
        plural(team.members.totalCount, "member"),
        " · ",
        h("span", { class: stale ? "stale" : null }, `verified ${day(team.verifiedAt)}`),
      ),
      stats([
        ["Touchpoints affected", num(team.impact?.touchpoints ?? 0, 0)],
        ["Pain points affected", num(team.impact?.painPoints ?? 0, 0)],
        ["Customers behind them", num(team.impact?.customers ?? 0, 0)],
        ["Journeys", num(team.impact?.journeys.length ?? 0, 0)],
      ]),
    ),
    section(
      "affects",
      "What it affects",
      h("p", {}, "Journeys: ", linkList("Journey", team.impact?.journeys ?? [], "none")),
      h("p", { class: "hint" }, "Through what it and the units below it own and perform; one row per pain point and touchpoint."),
      deferred(
        affectsAsked.then(({ team: found }) => {
          const affects = found?.affects ?? { nodes: [], totalCount: 0, pageInfo: { hasNextPage: false } };
          return affects.nodes.length
            ? connectionTable({
                caption: `Pain points ${team.name} affects`,
                columns: [{ label: "Pain point" }, { label: "Severity", numeric: true }, { label: "Touchpoint" }, { label: "Journey" }, { label: "How" }, { label: "Customers", numeric: true }],
                connection: affects,
                fetchPage: async (after) => (await gql(EFFECTS, { id, after })).team.affects,
                rowsOf: (effects) => [...groupBy(effects, (effect) => `${effect.painPoint.id}/${effect.touchpoint.id}`).values()],
                unit: "link",
                cells: (effects) => {
                  const first = effects[0];
                  return [
                    linkTo("PainPoint", first.painPoint),
                    severityBadge(first.painPoint.severity),
                    touchpointLink(first.touchpoint, { journeyId: first.journey?.id }),
                    linkTo("Journey", first.journey),
                    h(
                      "ul",
                      { class: "cell-list" },
                      unique(effects, (e) => `${e.unit.id}/${e.role}/${e.via.id}`).map((effect) =>
                        h("li", {}, effect.unit.id !== team.id ? [linkTo("Team", effect.unit), " "] : null, roleText(effect.role), ": ", linkTo(effect.via.label, effect.via, { journeyId: effect.via.label === "Touchpoint" ? first.journey?.id : null })),
                      ),
                    ),
                    num(first.customers, 0),
                  ];
                },
              })
            : empty("Nothing it owns or performs is behind a mapped pain point.");
        }),
      ),
    ),
    section(
      "owns",
      "What it owns and performs",
      h(
        "div",
        { class: "grid" },
        section("owned-journeys", "Journeys it owns", 3, owned("ownedJourneys", (j) => linkTo("Journey", j), "None.", "Journeys it owns")),
        section("owned-touchpoints", "Touchpoints it owns", 3, owned("ownedTouchpoints", (tp) => [touchpointLink(tp), tp.stage?.journey ? h("span", { class: "muted" }, ` · ${tp.stage.journey.name}`) : null], "None.", "Touchpoints it owns")),
        section("owned-processes", "Processes it owns", 3, owned("ownedProcesses", processItem, "None.", "Processes it owns")),
        section("performed-processes", "Processes it performs", 3, owned("performedProcesses", processItem, "None.", "Processes it performs")),
        section("owned-systems", "Systems it owns", 3, owned("ownedSystems", (s) => [linkTo("System", s), h("span", { class: "muted" }, ` · ${words(s.kind)}${s.criticality ? `, ${words(s.criticality)} criticality` : ""}`)], "None.", "Systems it owns")),
        section("owned-opportunities", "Opportunities it owns", 3, owned("ownedOpportunities", (o) => [linkTo("Opportunity", o), " ", statusBadge(o.status)], "None.", "Opportunities it owns")),
      ),
    ),
    section(
      "handoffs",
      "Hand-offs with other teams",
      h("p", { class: "hint" }, "Where work passes between a process this team owns or performs and a process of another team."),
      handoffRows.length
        ? table({
            caption: `Hand-offs of ${team.name}`,
            columns: [{ label: "Its process" }, { label: "Direction" }, { label: "Other process" }, { label: "Other teams" }],
            rows: handoffRows,
            cells: (row) => [
              linkTo("Process", row.process, { text: `${row.process.code} ${row.process.name}` }),
              row.direction === "to" ? "hands off to →" : "← receives from",
              linkTo("Process", row.other, { text: `${row.other.code} ${row.other.name}` }),
              row.teams.length ? linkList("Team", row.teams) : h("span", { class: "gap" }, "no team"),
            ],
          })
        : empty("No hand-offs with other teams."),
      truncated ? h("p", { class: "hint" }, "Hand-offs of the first 100 processes it owns and of the first 100 it performs.") : null,
    ),
    section("org", "Place in the organisation", team.rollUp.length ? rollUpTree(team, team.rollUp) : empty("Not known.")),
  );
}
