// Home: search across the main kinds of item, the journeys, the pain points that hurt most,
// ownership gaps and items nobody has verified for a year. The last three are questions
// about the whole graph (hundreds of milliseconds to seconds on a large one): each is asked
// on its own, only once its section comes into view, and shown when it comes.
import { day, fragment, h, monthsAgo, num, plural, words } from "../lib/dom.js";
import { gql } from "../lib/gql.js";
import { linkList, linkTo, touchpointLink } from "../lib/links.js";
import { deferred, empty, errorBox, layerBadge, pagedList, section, severityBadge, table } from "../lib/widgets.js";

const PAGE = "totalCount pageInfo { hasNextPage endCursor }";

/** The kinds of item search looks in: list field, type, heading, node fields, how to show one. */
const KINDS = [
  ["journeys", "Journey", "Journeys", "id name", (n) => linkTo("Journey", n)],
  ["painPoints", "PainPoint", "Pain points", "id name severity", (n) => [linkTo("PainPoint", n), " ", severityBadge(n.severity)]],
  ["touchpoints", "Touchpoint", "Touchpoints", "id name stage { journey { id name } }", (n) => [touchpointLink(n), n.stage?.journey ? h("span", { class: "muted" }, ` · ${n.stage.journey.name}`) : null]],
  ["teams", "Team", "Teams", "id name kind", (n) => [linkTo("Team", n), h("span", { class: "muted" }, ` · ${words(n.kind)}`)]],
  ["systems", "System", "Systems", "id name kind", (n) => [linkTo("System", n), h("span", { class: "muted" }, ` · ${words(n.kind)}`)]],
  ["processes", "Process", "Processes", "id name code", (n) => linkTo("Process", n, { text: `${n.code} ${n.name}` })],
  ["personas", "Persona", "Personas", "id name", (n) => linkTo("Persona", n)],
  ["opportunities", "Opportunity", "Opportunities", "id name status", (n) => [linkTo("Opportunity", n), h("span", { class: "muted" }, ` · ${words(n.status)}`)]],
  ["people", "Person", "People", "id name title", (n) => [linkTo("Person", n), n.title ? h("span", { class: "muted" }, ` · ${n.title}`) : null]],
];

const SEARCH_FIRST = 6;
const SEARCH = `query Search($q: String!, $first: Int!) {
  ${KINDS.map(([field, , , nodes]) => `${field}(filter: { nameContains: $q }, first: $first, orderBy: { field: NAME }) { ${PAGE} nodes { ${nodes} } }`).join("\n  ")}
}`;

function searchMore(field, nodes) {
  return `query SearchMore($q: String!, $after: String) { ${field}(filter: { nameContains: $q }, first: 25, after: $after, orderBy: { field: NAME }) { ${PAGE} nodes { ${nodes} } } }`;
}

const ITEM = `item {
  id __typename
  ... on Journey { name }
  ... on Touchpoint { name stage { journey { id } } }
  ... on Process { name code }
  ... on System { name }
  ... on Team { name }
  ... on Opportunity { name }
}`;

const RANKING = `painPointRanking(by: $by, first: 25) {
  customers severity momentOfTruth feedback teams
  painPoint { id name }
  touchpoints { id name stage { journey { id } } }
  journeys { id name }
}`;

const QUERY = `query Home {
  journeys(first: 100, orderBy: { field: NAME }) { ${PAGE} nodes { id name description verifiedAt stages(first: 0) { totalCount } personas(first: 10) { nodes { id name } } } }
}`;

const GAPS = `query OwnershipGaps { ownershipGaps { label layer painPoints performers { id name } journeys { id name } ${ITEM} } }`;

const STALE = `query StaleItems($since: Date!) { staleItems(since: $since) { label verifiedAt reason owner { id name } ${ITEM} } }`;

const RANK_ONLY = `query Ranking($by: PainPointRank!) { ${RANKING} }`;

function itemLink(item) {
  return linkTo(item.__typename, item, {
    text: item.__typename === "Process" ? `${item.code} ${item.name}` : item.name,
    journeyId: item.stage?.journey?.id ?? null,
  });
}

function searchSection() {
  const params = new URLSearchParams(location.search);
  const input = h("input", { id: "search-input", type: "search", name: "q", autocomplete: "off", spellcheck: "false", value: params.get("q") ?? "", "aria-describedby": "search-help", "aria-controls": "search-results" });
  const status = h("p", { class: "search-status", role: "status", "aria-live": "polite" });
  const results = h("div", { id: "search-results", class: "search-results" });
  let timer = null;
  let controller = null;

  async function run() {
    const q = input.value.trim();
    const url = new URL(location.href);
    if (q) url.searchParams.set("q", q);
    else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    controller?.abort();
    if (q.length < 2) {
      results.replaceChildren();
      status.textContent = q ? "Type at least 2 characters." : "";
      return;
    }
    controller = new AbortController();
    status.textContent = "Searching…";
    let data;
    try {
      data = await gql(SEARCH, { q, first: SEARCH_FIRST }, { signal: controller.signal });
    } catch (error) {
      if (error.name === "AbortError") return;
      results.replaceChildren(errorBox("The search failed.", [error.message]));
      status.textContent = "The search failed.";
      return;
    }
    const groups = KINDS.filter(([field]) => data[field].totalCount > 0);
    const total = groups.reduce((sum, [field]) => sum + data[field].totalCount, 0);
    status.textContent = total ? `${plural(total, "result")} for “${q}”.` : `Nothing is named like “${q}”.`;
    results.replaceChildren(
      ...groups.map(([field, , heading, nodes, item]) =>
        section(
          `search-${field}`,
          `${heading} (${num(data[field].totalCount, 0)})`,
          3,
          pagedList({
            connection: data[field],
            item,
            pageSize: SEARCH_FIRST,
            label: heading,
            fetchPage: async (after) => (await gql(searchMore(field, nodes), { q, after }))[field],
          }),
        ),
      ),
    );
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  const form = h(
    "form",
    { class: "search-form", role: "search", onsubmit: (event) => { event.preventDefault(); clearTimeout(timer); run(); } },
    h("label", { for: "search-input" }, "Find journeys, pain points, touchpoints, teams, systems, processes, personas, opportunities and people"),
    h("div", { class: "search-row" }, input, h("button", { type: "submit" }, "Search")),
    h("p", { id: "search-help", class: "hint" }, "Matches names containing the text, ignoring case."),
  );
  if (input.value.trim()) run();
  return section("search", "Search", form, status, results);
}

function rankingTable(rows, by) {
  return table({
    caption: by === "TEAMS" ? "Pain points by number of teams that must cooperate" : "Pain points by customers affected, then severity and moments of truth",
    columns: [{ label: "Pain point" }, { label: "Customers", numeric: true }, { label: "Severity", numeric: true }, { label: "Feedback", numeric: true }, { label: "Teams", numeric: true }, { label: "Where" }],
    rows,
    pageSize: 10,
    cells: (row) => [
      h("span", {}, linkTo("PainPoint", row.painPoint), row.momentOfTruth ? h("span", { class: "badge mot" }, "moment of truth") : null),
      num(row.customers, 0),
      severityBadge(row.severity),
      num(row.feedback, 0),
      num(row.teams, 0),
      h("span", {}, row.touchpoints.map((tp, i) => [i ? ", " : "", touchpointLink(tp)]), row.journeys.length ? h("span", { class: "muted" }, " · ", linkList("Journey", row.journeys)) : null),
    ],
  });
}

function rankingSection() {
  let asked = 0; // rankings asked for with the select; only the last one asked is shown
  // (the first ranking is dropped if the select was changed meanwhile)
  const holder = deferred(
    async () => {
      const data = await gql(RANK_ONLY, { by: "CUSTOMERS" });
      return asked ? [...holder.childNodes] : rankingTable(data.painPointRanking, "CUSTOMERS");
    },
    { whenSeen: true },
  );
  const select = h(
    "select",
    {
      id: "rank-by",
      onchange: async () => {
        const mine = (asked += 1);
        const by = select.value;
        holder.setAttribute("aria-busy", "true");
        try {
          const data = await gql(RANK_ONLY, { by });
          if (mine === asked) holder.replaceChildren(rankingTable(data.painPointRanking, by));
        } catch (error) {
          if (mine === asked) holder.replaceChildren(errorBox("The ranking could not be loaded.", [error.message]));
        } finally {
          if (mine === asked) holder.setAttribute("aria-busy", "false");
        }
      },
    },
    h("option", { value: "CUSTOMERS" }, "customers affected"),
    h("option", { value: "TEAMS" }, "teams that must cooperate"),
  );
  return section("ranking", "Top pain points", h("p", { class: "controls" }, h("label", { for: "rank-by" }, "Rank by "), select), holder);
}

const REASONS = { NOT_VERIFIED: "never verified", VERIFIED_BEFORE: "verified too long ago", OWNER_STALE: "its owning team is stale" };

function gapsTable(gaps) {
  if (!gaps.length) return empty("Every touchpoint, process and system has an owner.");
  return table({
    caption: "Items without an owning team",
    columns: [{ label: "Item" }, { label: "Kind" }, { label: "Layer" }, { label: "Pain points", numeric: true }, { label: "Performed by" }, { label: "Journeys" }],
    rows: [...gaps].sort((a, b) => b.painPoints - a.painPoints),
    cells: (gap) => [itemLink(gap.item), words(gap.label), layerBadge(gap.layer), num(gap.painPoints, 0), linkList("Team", gap.performers, "–"), linkList("Journey", gap.journeys, "–")],
  });
}

function staleTable(stale, since) {
  if (!stale.length) return empty("Everything was verified in the last 12 months.");
  return table({
    caption: `Items not verified since ${day(since)}`,
    columns: [{ label: "Item" }, { label: "Kind" }, { label: "Last verified" }, { label: "Why" }],
    rows: stale,
    cells: (row) => [itemLink(row.item), words(row.label), day(row.verifiedAt), row.reason === "OWNER_STALE" && row.owner ? h("span", {}, "owner ", linkTo("Team", row.owner), " is stale") : REASONS[row.reason] ?? words(row.reason)],
  });
}

export async function render({ setTitle }) {
  const since = monthsAgo(12);
  const data = await gql(QUERY);
  setTitle("Overview");
  return fragment(
    h("header", { class: "page-head" }, h("p", { class: "kicker" }, "cxgraph"), h("h1", {}, "Customer journeys and the organisation behind them"), h("p", { class: "lede" }, "Find a journey, pain point, team or system; see which pain points hurt most, what nobody owns and what nobody has checked for a year.")),
    searchSection(),
    section(
      "journeys",
      "Journeys",
      data.journeys.nodes.length
        ? h(
            "ul",
            { class: "cards" },
            data.journeys.nodes.map((journey) =>
              h(
                "li",
                { class: "card" },
                h("h3", {}, linkTo("Journey", journey)),
                journey.description ? h("p", {}, journey.description) : null,
                h("p", { class: "muted" }, `${plural(journey.stages.totalCount, "stage")} · for `, linkList("Persona", journey.personas.nodes, "no persona"), ` · verified ${day(journey.verifiedAt)}`),
              ),
            ),
          )
        : empty("No journeys are mapped yet."),
      data.journeys.pageInfo.hasNextPage ? h("p", { class: "hint" }, `The first 100 of ${num(data.journeys.totalCount, 0)} journeys; search to find the others.`) : null,
    ),
    rankingSection(),
    section(
      "gaps",
      "Ownership gaps",
      h("p", { class: "hint" }, "Touchpoints, processes and systems no team is accountable for, with the pain points hanging on them."),
      deferred(async () => gapsTable((await gql(GAPS)).ownershipGaps), { whenSeen: true }),
    ),
    section(
      "stale",
      "Stale items",
      h("p", { class: "hint" }, `Not verified since ${day(since)} (12 months ago), or owned by a team that is not.`),
      deferred(async () => staleTable((await gql(STALE, { since })).staleItems, since), { whenSeen: true }),
    ),
  );
}
